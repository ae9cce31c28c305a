package io.ebpfnet.core.detect;

import java.util.Locale;

/** An attach kind whose support is tested by really loading and attaching a program. */
public enum FeatureProbe {
    FENTRY("fentry/fexit BPF trampoline"),
    KPROBE("kprobe/kretprobe"),
    TP_BTF("BTF-typed tracepoint (tp_btf)"),
    TRACEPOINT("classic tracepoint");

    private final String description;

    FeatureProbe(String description) {
        this.description = description;
    }

    public String description() {
        return description;
    }

    /** "fentry", "kprobe", "tp_btf", "tracepoint". */
    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }
}
