package io.ebpfnet.core.detect;

/** The Linux capabilities that matter for loading BPF programs (bit numbers from linux/capability.h). */
public enum Capability {
    CAP_NET_ADMIN(12),
    /** Before Linux 5.8 the only way to load tracing programs; still covers everything. */
    CAP_SYS_ADMIN(21),
    /** Raises RLIMIT_MEMLOCK, which kernels before 5.11 charge BPF maps against. */
    CAP_SYS_RESOURCE(24),
    /** Tracing program types (kprobe, tracepoint, fentry) since Linux 5.8. */
    CAP_PERFMON(38),
    /** bpf() itself since Linux 5.8. */
    CAP_BPF(39);

    private final int bit;

    Capability(int bit) {
        this.bit = bit;
    }

    /** The capability number, i.e. its bit in the {@code CapEff} mask. */
    public int bit() {
        return bit;
    }
}
