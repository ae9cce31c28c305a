package io.ebpfnet.core;

/**
 * How a program attaches, derived from its ELF section name (libbpf's SEC() convention).
 */
public enum ProgramKind {
    /** {@code tracepoint/<category>/<name>}: classic tracepoint; needs tracefs for the event id. */
    TRACEPOINT("tracepoint/", "tp/"),
    /** {@code tp_btf/<name>}: BTF-typed raw tracepoint. */
    TP_BTF("tp_btf/"),
    /** {@code raw_tp/<name>} or {@code raw_tracepoint/<name>}. */
    RAW_TRACEPOINT("raw_tp/", "raw_tracepoint/"),
    /** {@code fentry/<function>}: BPF trampoline at function entry. */
    FENTRY("fentry/"),
    /** {@code fexit/<function>}: BPF trampoline at function return, with the arguments. */
    FEXIT("fexit/"),
    /** {@code kprobe/<function>}. */
    KPROBE("kprobe/"),
    /** {@code kretprobe/<function>}. */
    KRETPROBE("kretprobe/"),
    /** {@code cgroup_skb/ingress|egress}. */
    CGROUP_SKB("cgroup_skb/"),
    /** {@code sockops}. */
    SOCKOPS("sockops"),
    /** {@code cgroup/sock_create} and the other cgroup_sock sections. */
    CGROUP_SOCK("cgroup/sock", "cgroup/post_bind"),
    /** {@code iter/<target>}: a BPF iterator, run on demand over a map or kernel objects. */
    ITERATOR("iter/"),
    /** Anything else; attached with libbpf's generic auto-attach. */
    OTHER();

    private final String[] prefixes;

    ProgramKind(String... prefixes) {
        this.prefixes = prefixes;
    }

    /** Whether programs of this kind attach to a cgroup rather than to a kernel hook. */
    public boolean attachesToCgroup() {
        return this == CGROUP_SKB || this == SOCKOPS || this == CGROUP_SOCK;
    }

    /** The kind for a section name such as {@code "kprobe/tcp_sendmsg"}. */
    public static ProgramKind ofSection(String section) {
        for (ProgramKind kind : values()) {
            for (String prefix : kind.prefixes) {
                if (section.startsWith(prefix)) {
                    return kind;
                }
            }
        }
        return OTHER;
    }

    /** The part of the section after the kind's prefix: the function, or "category/name". */
    public String target(String section) {
        for (String prefix : prefixes) {
            if (section.startsWith(prefix)) {
                return section.substring(prefix.length());
            }
        }
        return section;
    }
}
