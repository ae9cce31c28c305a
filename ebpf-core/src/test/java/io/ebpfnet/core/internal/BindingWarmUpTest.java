package io.ebpfnet.core.internal;

import io.ebpfnet.core.internal.libbpf.LibbpfBindings;
import io.ebpfnet.core.internal.libbpf.bpf_map_batch_opts;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every binding the warm-up links (each generated function, each errno-capturing call, the structs) links here. */
class BindingWarmUpTest {
    @Test
    void everyBindingLinksAgainstTheSystemsLibraries() throws Exception {
        NativeLibraries.ensureAvailable();
        Throwable failure = BindingWarmUp.run();
        assertNull(failure, () -> "a binding failed to link: " + failure);
        for (Class<?> later : atFirstUse()) {
            Class.forName(later.getName(), true, BindingWarmUp.class.getClassLoader()); // as their first call would
        }
    }

    @Test
    void everyFunctionIsLinkedOnceAndTheFirstProbesNeedsComeBeforeTheRest() {
        List<Class<?>> order = BindingWarmUp.order();
        Set<Class<?>> seen = new HashSet<>();
        List<Class<?>> twice = order.stream().filter(c -> !seen.add(c)).toList();
        assertEquals(List.of(), twice, "linked twice");
        // Each binding is linked by the warm-up or left to its first call on purpose: a new one must be put in one.
        for (Class<?> holder : List.of(LibbpfBindings.class, ErrnoCalls.class, Libc.class)) {
            for (Class<?> function : holder.getDeclaredClasses()) {
                boolean later = BindingWarmUp.AT_FIRST_USE.contains(function.getSimpleName());
                assertTrue(seen.contains(function) != later, () -> function.getName()
                        + (later ? " is left to its first call and linked by the warm-up" : " is linked by neither"));
            }
        }
        assertEquals(BindingWarmUp.AT_FIRST_USE.size(), atFirstUse().size(), "a name left to its first call that is no binding");
        // A probe (LiveFeatureProber on feature_probe.bpf.o) opens the object (libelf's check, libbpf's open, the
        // programs and the one map named), chooses its program, loads it (signal mask held, libbpf's messages
        // formatted), attaches it and closes all: none of that may wait behind what only the collector's own object
        // uses (map sizes and types, BTF lookups).
        int firstCollectorOnly = Math.min(indexOf(order, "LibbpfBindings$bpf_map__set_max_entries"),
                indexOf(order, "LibbpfBindings$btf__find_by_name_kind"));
        for (String probeNeeds : List.of("LibbpfBindings$elf_memory", "LibbpfBindings$gelf_getehdr", "ErrnoCalls$ObjectOpenMem",
                "LibbpfBindings$bpf_object__next_program", "LibbpfBindings$bpf_program__name", "LibbpfBindings$bpf_map__name",
                "LibbpfBindings$bpf_program__set_autoload", "LibbpfBindings$bpf_object__load", "ProfilerSignals", "Libc$Vsnprintf",
                "ErrnoCalls$ProgramAttachTrace", "ErrnoCalls$ProgramAttachKprobe", "LibbpfBindings$bpf_link__destroy",
                "LibbpfBindings$bpf_object__close")) {
            assertTrue(indexOf(order, probeNeeds) < firstCollectorOnly, () -> probeNeeds + " comes after what only the collector uses");
        }
    }

    private static List<Class<?>> atFirstUse() {
        List<Class<?>> all = new java.util.ArrayList<>(List.of(bpf_map_batch_opts.class));
        for (Class<?> holder : List.of(LibbpfBindings.class, ErrnoCalls.class, Libc.class)) {
            all.addAll(List.of(holder.getDeclaredClasses()));
        }
        return all.stream().filter(c -> BindingWarmUp.AT_FIRST_USE.contains(c.getSimpleName())).toList();
    }

    private static int indexOf(List<Class<?>> order, String nameStart) {
        for (int i = 0; i < order.size(); i++) {
            if (order.get(i).getName().startsWith("io.ebpfnet.core.internal." + nameStart)
                    || order.get(i).getName().startsWith("io.ebpfnet.core.internal.libbpf." + nameStart)) {
                return i;
            }
        }
        throw new AssertionError(nameStart + " is not in the warm-up's order");
    }
}
