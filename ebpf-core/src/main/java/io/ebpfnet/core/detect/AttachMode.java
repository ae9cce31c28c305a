package io.ebpfnet.core.detect;

import java.util.Locale;

/** How the collector hooks the kernel; each mode stands or falls with one {@link FeatureProbe}. */
public enum AttachMode {
    /** fentry/fexit BPF trampolines: the lowest overhead; needs BTF. */
    TRAMPOLINE(FeatureProbe.FENTRY, true),
    /** CO-RE kprobes/kretprobes; needs BTF. */
    PROBE(FeatureProbe.KPROBE, true),
    /** BTF-typed tracepoints (tp_btf): stable hooks; needs BTF. */
    TRACEPOINT(FeatureProbe.TP_BTF, true),
    /**
     * No BTF needed: kprobes/kretprobes without CO-RE (its counts), plus classic tracepoints where tracefs
     * has them (retransmits, process exits and renames; optional). It stands or falls with kprobes.
     */
    LEGACY(FeatureProbe.KPROBE, false);

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

    /** The probe that must have been allowed for this mode to be usable. */
    public FeatureProbe requiredProbe() {
        return probe;
    }

    /** Whether this mode needs parsable kernel BTF (CO-RE relocations or tp_btf/fentry types). */
    public boolean needsBtf() {
        return needsBtf;
    }
}
