package io.ebpfnet.core.internal;

import io.ebpfnet.core.internal.libbpf.Elf64_Ehdr;
import io.ebpfnet.core.internal.libbpf.LibbpfBindings;
import io.ebpfnet.core.internal.libbpf.bpf_iter_attach_opts;
import io.ebpfnet.core.internal.libbpf.bpf_iter_link_info;
import io.ebpfnet.core.internal.libbpf.bpf_map_batch_opts;
import io.ebpfnet.core.internal.libbpf.bpf_object_open_opts;
import io.ebpfnet.core.internal.libbpf.btf_enum;
import io.ebpfnet.core.internal.libbpf.btf_member;
import io.ebpfnet.core.internal.libbpf.btf_type;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Links the native bindings on a daemon thread once the libraries are found, so that the first opening and
 * loading of a BPF object do not pay for it. Initializing a binding's class creates its downcall handle: the
 * JVM generates and loads classes for each (3-5 ms apiece while the JVM is cold, 150-200 ms for all of them
 * on a 2-CPU VM), which no start-up cache keeps. The thread that needs a class first waits for this one to
 * finish it; nothing is initialized twice. A binding that fails to link here is skipped; its first use then
 * fails with a NoClassDefFoundError whose cause is the original error.
 */
final class BindingWarmUp {
    /** The generated functions by name, in the order a start calls them: opening an object, its programs, maps, BTF. */
    private static final List<String> PREFIXES = List.of("elf_", "gelf_", "bpf_object__", "bpf_program__", "bpf_map__", "btf__");
    private static final Class<?>[] LAST = {btf_type.class, btf_member.class, btf_enum.class,
            bpf_iter_attach_opts.class, bpf_iter_link_info.class, bpf_map_batch_opts.class};

    /*
     * What a collector's start does not call, left to link at its first call: reading maps and iterators, error
     * texts, and functions only tests call. The first read comes after counting has begun, inside the first
     * interval; linking them here competed with the start for the CPUs (~30 ms of CPU). (The closed-connection
     * ring's mmap is linked here: a collector that keeps connections maps it while it starts.)
     * BindingWarmUpTest keeps every binding in the warm-up's order or here.
     */
    static final Set<String> AT_FIRST_USE = Set.of("bpf_map_lookup_batch", "bpf_map_lookup_elem", "bpf_map_delete_elem",
            "bpf_map_get_next_key", "bpf_iter_create", "bpf_link__fd", "bpf_prog_get_next_id", "libbpf_major_version",
            "libbpf_minor_version", "elf_errmsg", "Read", "Munmap");

    /* Besides the object's and programs' functions, what a probe calls: every open names the object's maps (a
     * probe object has its .bss), and closing a probe destroys its link. */
    private static final Set<String> PROBE_ALSO = Set.of("bpf_map__name", "bpf_link__destroy");

    private BindingWarmUp() {
    }

    static void start() {
        try {
            Thread.ofPlatform().daemon().name("ebpfnet-link").start(BindingWarmUp::run);
        } catch (OutOfMemoryError | RuntimeException e) {
            // No thread to spare (a task limit, say): each binding is linked at its first use instead.
        }
    }

    /** Links every binding a start needs; returns the first failure, or null. */
    static Throwable run() {
        ClassLoader loader = BindingWarmUp.class.getClassLoader();
        Throwable first = null;
        for (Class<?> c : order()) {
            try {
                Class.forName(c.getName(), true, loader);
            } catch (ClassNotFoundException | LinkageError e) {
                first = first != null ? first : e;
            }
        }
        return first;
    }

    /** The classes run() initializes, in its order. */
    static List<Class<?>> order() {
        Class<?>[] functions = LibbpfBindings.class.getDeclaredClasses();
        Arrays.sort(functions, Comparator.comparingInt(BindingWarmUp::rank));
        // In the order a start needs them, the first probe first: libelf (ElfCheck reads an object before libbpf
        // opens it), libbpf's open, the object's and programs' functions (and PROBE_ALSO), then what a load does on
        // the calling thread (the signal mask; libbpf's messages, formatted by vsnprintf), the attaches, maps and
        // BTF, the rest. One nested class per function, whose initialization links it.
        Map<Boolean, List<Class<?>>> attaches = Arrays.stream(ErrnoCalls.class.getDeclaredClasses())
                .collect(Collectors.partitioningBy(c -> c.getSimpleName().startsWith("ProgramAttach")));
        Map<Boolean, List<Class<?>>> messages = Arrays.stream(Libc.class.getDeclaredClasses())
                .collect(Collectors.partitioningBy(c -> c.getSimpleName().equals("Vsnprintf")));
        List<Class<?>> order = new ArrayList<>(List.of(bpf_object_open_opts.class, Elf64_Ehdr.class, ElfCheck.class));
        order.addAll(ranked(functions, 0, 2));
        order.addAll(attaches.get(false));
        order.addAll(ranked(functions, 2, 4));
        order.add(ProfilerSignals.class);
        order.addAll(messages.get(true));
        order.addAll(attaches.get(true));
        order.addAll(ranked(functions, 4, Integer.MAX_VALUE));
        order.addAll(messages.get(false));
        order.addAll(List.of(LAST));
        order.removeIf(c -> AT_FIRST_USE.contains(c.getSimpleName()));
        return order;
    }

    /* The functions of ranks from (inclusive) to (exclusive). */
    private static List<Class<?>> ranked(Class<?>[] functions, int from, int to) {
        return Arrays.stream(functions).filter(f -> rank(f) >= from && rank(f) < to).toList();
    }

    /* The index of the function's prefix in PREFIXES; PROBE_ALSO ranks with the programs' functions. */
    private static int rank(Class<?> function) {
        if (PROBE_ALSO.contains(function.getSimpleName())) {
            return PREFIXES.indexOf("bpf_program__");
        }
        for (int i = 0; i < PREFIXES.size(); i++) {
            if (function.getSimpleName().startsWith(PREFIXES.get(i))) {
                return i;
            }
        }
        return PREFIXES.size();
    }
}
