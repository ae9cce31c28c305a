package io.ebpfnet.core.detect;

/** The Linux capabilities that matter for loading BPF programs (bit numbers from linux/capability.h). */
public enum Capability {
    CAP_NET_ADMIN(12),
    CAP_SYS_ADMIN(21),
    CAP_SYS_RESOURCE(24),
    CAP_PERFMON(38),
    CAP_BPF(39);

    private final int bit;

    Capability(int bit) {
        this.bit = bit;
    }

    public int bit() {
        return bit;
    }
}
