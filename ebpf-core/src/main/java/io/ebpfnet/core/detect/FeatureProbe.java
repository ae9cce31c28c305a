package io.ebpfnet.core.detect;

import java.util.Locale;

/**
 * A kind of BPF program whose support is tested by really loading and attaching one: config flags
 * say what was built, not what the running kernel (lockdown, LSMs, missing PMUs) will allow.
 */
public enum FeatureProbe {
    /** fentry/fexit: needs BTF and BPF trampolines (CONFIG_DYNAMIC_FTRACE_WITH_DIRECT_CALLS). */
    FENTRY("fentry/fexit BPF trampoline"),
    /** kprobe/kretprobe: needs CONFIG_KPROBES and the kprobe PMU. */
    KPROBE("kprobe/kretprobe"),
    /** tp_btf: raw tracepoints typed by BTF. */
    TP_BTF("BTF-typed tracepoint (tp_btf)"),
    /** Classic tracepoints: need tracefs, but no BTF. */
    TRACEPOINT("classic tracepoint"),
    /**
     * Iterators over a map's elements and over socket storage (iter/bpf_map_elem, iter/bpf_sk_storage_map):
     * typed by BTF; a kernel can allow other BTF-typed programs and refuse these at load.
     */
    MAP_ITERATOR("BPF map iterators");

    private final String description;

    FeatureProbe(String description) {
        this.description = description;
    }

    /** What the probe is, for people: "fentry/fexit BPF trampoline", …. */
    public String description() {
        return description;
    }

    /** Whether the probe's programs are typed by the kernel's BTF: without it they cannot even be loaded. */
    public boolean needsBtf() {
        return this == FENTRY || this == TP_BTF || this == MAP_ITERATOR;
    }

    /** The short name used in reasons and JSON: "fentry", "kprobe", "tp_btf", "tracepoint", "map_iterator". */
    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }
}
