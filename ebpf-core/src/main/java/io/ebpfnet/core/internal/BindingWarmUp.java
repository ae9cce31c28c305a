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
import io.ebpfnet.core.internal.libbpf.libbpf_print_fn_t;

import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Links the native bindings on a daemon thread once the libraries are found, so that the first opening and
 * loading of a BPF object do not pay for it. Initializing a binding's class creates its downcall handle (the
 * JVM generates and loads classes for each: ~4 ms apiece while the JVM is cold, ~250 ms for all of them, which
 * a start-up cache cannot keep); the thread that needs a class first waits for this one to finish it, never
 * initializes it twice. A binding that fails here fails the same way where it is used.
 */
final class BindingWarmUp {
    /** The generated functions by name, in the order a start calls them: opening an object, its programs, maps, BTF. */
    private static final List<String> PREFIXES = List.of("elf_", "gelf_", "bpf_object__", "bpf_program__", "bpf_map__", "btf__");
    private static final Class<?>[] LAST = {ProfilerSignals.class, Libc.class, btf_type.class, btf_member.class, btf_enum.class,
            bpf_iter_attach_opts.class, bpf_iter_link_info.class, bpf_map_batch_opts.class};

    private BindingWarmUp() {
    }

    static void start() {
        Thread.ofPlatform().daemon().name("ebpfnet-link").start(BindingWarmUp::run);
    }

    /** Links everything; returns what failed first, or null. */
    static Throwable run() {
        ClassLoader loader = BindingWarmUp.class.getClassLoader();
        try {
            LibbpfLog.install(); // the callback every open installs
            initialize(loader, bpf_object_open_opts.class, Elf64_Ehdr.class, ElfCheck.class);
            // One nested class per function, whose initialization links it.
            Class<?>[] functions = LibbpfBindings.class.getDeclaredClasses();
            Arrays.sort(functions, Comparator.comparingInt(BindingWarmUp::rank));
            // libelf's first (ElfCheck reads an object before libbpf opens it), then libbpf's open (ErrnoCalls).
            initialize(loader, Arrays.stream(functions).filter(f -> rank(f) < 2).toArray(Class<?>[]::new));
            initialize(loader, ErrnoCalls.class.getDeclaredClasses());
            initialize(loader, functions);
            initialize(loader, LAST);
            return null;
        } catch (Throwable t) {
            return t; // left to the code that uses the binding, which reports it
        }
    }

    private static int rank(Class<?> function) {
        for (int i = 0; i < PREFIXES.size(); i++) {
            if (function.getSimpleName().startsWith(PREFIXES.get(i))) {
                return i;
            }
        }
        return PREFIXES.size();
    }

    private static void initialize(ClassLoader loader, Class<?>... classes) throws ClassNotFoundException {
        for (Class<?> c : classes) {
            Class.forName(c.getName(), true, loader);
        }
    }
}
