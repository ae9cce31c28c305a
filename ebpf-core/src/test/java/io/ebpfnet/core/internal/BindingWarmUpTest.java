package io.ebpfnet.core.internal;

import io.ebpfnet.core.internal.libbpf.LibbpfBindings;
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
    void everyBindingLinksAgainstTheSystemsLibraries() {
        NativeLibraries.ensureAvailable();
        Throwable failure = BindingWarmUp.run();
        assertNull(failure, () -> "a binding failed to link: " + failure);
    }

    @Test
    void everyFunctionIsLinkedOnceAndTheFirstProbesNeedsComeBeforeTheRest() {
        List<Class<?>> order = BindingWarmUp.order();
        Set<Class<?>> seen = new HashSet<>();
        List<Class<?>> twice = order.stream().filter(c -> !seen.add(c)).toList();
        assertEquals(List.of(), twice, "linked twice");
        Set<Class<?>> all = new HashSet<>(order);
        for (Class<?> holder : List.of(LibbpfBindings.class, ErrnoCalls.class, Libc.class)) {
            for (Class<?> function : holder.getDeclaredClasses()) {
                assertTrue(all.contains(function), () -> function.getName() + " is not linked by the warm-up");
            }
        }
        // A probe opens an object, chooses its program, loads it (signal mask held, libbpf's messages formatted)
        // and attaches it: none of that may wait behind the maps' and BTF's functions, which a probe never calls.
        int firstMapOrBtf = indexOf(order, "LibbpfBindings$bpf_map__");
        for (String probeNeeds : List.of("ErrnoCalls$ObjectOpenMem", "LibbpfBindings$bpf_program__set_autoload",
                "LibbpfBindings$bpf_object__load", "ProfilerSignals", "Libc$Vsnprintf", "ErrnoCalls$ProgramAttachTrace")) {
            assertTrue(indexOf(order, probeNeeds) < firstMapOrBtf, () -> probeNeeds + " comes after the maps' functions");
        }
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
