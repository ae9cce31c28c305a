package io.ebpfnet.core.detect;

import java.util.Locale;

/** How the collector hooks the kernel. */
public enum AttachMode {
    /** fentry/fexit BPF trampolines: the lowest overhead; needs BTF and a kernel that allows them. */
    TRAMPOLINE(FeatureProbe.FENTRY, true),
    /** CO-RE kprobes/kretprobes; needs BTF and CONFIG_KPROBES. */
    PROBE(FeatureProbe.KPROBE, true),
    /** BTF-typed tracepoints (tp_btf): stable hooks; needs BTF. */
    TRACEPOINT(FeatureProbe.TP_BTF, true),
    /** No BTF: classic tracepoints without CO-RE. */
    LEGACY(FeatureProbe.TRACEPOINT, false);

    private final FeatureProbe probe;
    private final boolean needsBtf;

    AttachMode(FeatureProbe probe, boolean needsBtf) {
        this.probe = probe;
        this.needsBtf = needsBtf;
    }

    /** "trampoline", "probe", "tracepoint" or "legacy". */
    public String cliName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The probe that must have succeeded for this mode to be usable. */
    public FeatureProbe requiredProbe() {
        return probe;
    }

    public boolean needsBtf() {
        return needsBtf;
    }
}
