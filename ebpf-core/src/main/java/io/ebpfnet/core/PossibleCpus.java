package io.ebpfnet.core;

import io.ebpfnet.core.internal.NativeLibraries;
import io.ebpfnet.core.internal.libbpf.LibbpfBindings;

/**
 * The number of possible CPUs, counted as libbpf counts it ({@code libbpf_num_possible_cpus()}, from
 * {@code /sys/devices/system/cpu/possible}). Per-CPU maps hold one value per possible CPU, not per
 * online CPU, so buffers sized by {@code Runtime.availableProcessors()} would be too small.
 */
public final class PossibleCpus {
    private static volatile int count;

    private PossibleCpus() {
    }

    /** The count; read once and cached. */
    public static int count() {
        int c = count;
        if (c == 0) {
            NativeLibraries.ensureAvailable();
            c = LibbpfBindings.libbpf_num_possible_cpus();
            if (c <= 0) {
                throw new BpfException("count possible CPUs", -c,
                        "libbpf could not read /sys/devices/system/cpu/possible; is /sys mounted?");
            }
            count = c;
        }
        return c;
    }

    /** {@code size} rounded up to 8 bytes: the kernel's per-CPU value stride. */
    public static long roundUp8(long size) {
        return (size + 7) & ~7L;
    }
}
