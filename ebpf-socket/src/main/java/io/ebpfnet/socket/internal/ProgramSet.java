package io.ebpfnet.socket.internal;

import io.ebpfnet.core.BpfObject;
import io.ebpfnet.core.BpfProgram;
import io.ebpfnet.core.detect.AttachMode;
import io.ebpfnet.socket.LoadMode;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Which programs of {@code socket.bpf.o} (or, in legacy mode, {@code socket_legacy.bpf.o}) an attach mode
 * and load mode need, and the kernel function or tracepoint each one hooks (so a missing one can be
 * skipped with a reason rather than failing the whole load).
 */
public final class ProgramSet {
    /** What a hook's target names. */
    public enum Target {
        /** a kernel function (fentry/fexit, kprobe/kretprobe) */
        FUNCTION,
        /** a raw tracepoint (tp_btf) */
        TRACEPOINT,
        /** a system call's classic tracepoint ({@code syscalls/sys_exit_*}) */
        SYSCALL,
        /** a classic tracepoint, {@code category/name} in tracefs (legacy mode: no BTF needed) */
        EVENT,
        /** an iterator target (iter/): the kernel has a {@code bpf_iter_<target>} function for it */
        ITERATOR,
        /** a cgroup program, attached to the root of the cgroup v2 hierarchy */
        CGROUP
    }

    /**
     * A program and its hook. Optional hooks may be missing (IPv6 built as a module that is not
     * loaded; sendpage, gone in Linux 6.5); the others may not.
     */
    public record Hook(String program, String target, Target kind) {
        public boolean optional() {
            return kind == Target.SYSCALL || kind == Target.EVENT || target.startsWith("tcp_v6_") || target.startsWith("udpv6_")
                    || target.endsWith("_sendpage") || target.startsWith("mptcp_");
        }

        /** What a system-call hook counts that nothing else does, for the skipped-program messages ("... are"). */
        public String whatItCounts() {
            return target.equals("sys_exit_connect") ? "TCP connects that fail before any SYN are"
                    : "splice() reads from TCP sockets are";
        }

        /** What an optional hook's absence means, for the skipped-program message. */
        public String whenAbsent() {
            if (kind == Target.SYSCALL) {
                return " (no system call tracepoints: CONFIG_FTRACE_SYSCALLS off, or tracefs not mounted; "
                        + whatItCounts() + " not counted)";
            }
            if (kind == Target.EVENT) {
                return switch (target) {
                    case RETRANSMIT_EVENT -> " (retransmits are not counted)";
                    case EXIT_EVENT -> " (exited processes' rows are never released: the process table fills up)";
                    default -> " (a process keeps the name it had before exec())";
                };
            }
            if (target.endsWith("_sendpage")) {
                return " (Linux 6.5+: sendfile() and splice() to a socket go through sendmsg, counted there)";
            }
            return target.startsWith("mptcp_") ? " (no MPTCP in this kernel: no MPTCP traffic to count)"
                    : " (IPv6 is not loaded: no IPv6 traffic to count)";
        }

        /** An {@link Target#EVENT}'s tracefs category and name. */
        public String[] event() {
            return target.split("/", 2);
        }

        /** The name the kernel's BTF has for the target. */
        public String btfName() {
            return kind == Target.ITERATOR ? "bpf_iter_" + target : target;
        }
    }

    /** Legacy mode's classic tracepoints. */
    static final String RETRANSMIT_EVENT = "tcp/tcp_retransmit_skb";
    static final String EXIT_EVENT = "sched/sched_process_exit";
    static final String EXEC_EVENT = "sched/sched_process_exec";

    /** Tracepoint mode's cgroup program that queues a released socket's final counters. */
    public static final String SOCKET_RELEASE = "socket_release";

    /** Tracepoint mode's exit of connect(), with the syscall hooks: it needs the programs' SYN_SENT marks. */
    public static final String CONNECT_EXIT = "tp_connect_exit";

    /** The iterator that reads the process table. */
    public static final String PROCESS_ITERATOR = "read_processes";

    /** The iterator that folds every socket's counts into its owner's process row, before each read, in {@code mode}. */
    public static String foldIterator(AttachMode mode) {
        return mode == AttachMode.PROBE ? "fold_socket_table" : "fold_sockets";
    }

    /**
     * The iterators that fold the sockets' counts before each read: {@link #foldIterator}, or, where the kernel
     * refuses map iterators, one over each of the kernel's TCP and UDP socket tables (the reader's network
     * namespace's; the other sockets' events count in their rows at once).
     */
    public static List<String> foldIterators(AttachMode mode, boolean mapIterators) {
        return mapIterators ? List.of(foldIterator(mode)) : List.of(TCP_FOLD_ITERATOR, UDP_FOLD_ITERATOR);
    }

    /** The iterators that read the open connections in {@code mode}: one over its socket states, or, where
     * the kernel refuses map iterators, one over each of the kernel's TCP and UDP socket tables. */
    public static List<String> connectionIterators(AttachMode mode, boolean mapIterators) {
        if (!mapIterators) {
            return List.of(TCP_SOCKETS_ITERATOR, UDP_SOCKETS_ITERATOR);
        }
        return List.of(switch (mode) {
            case PROBE -> "read_socket_table";
            case TRACEPOINT -> "read_released_sockets"; // with the sweep of released TCP sockets gone unseen
            default -> "read_sockets";
        });
    }

    static final String TCP_SOCKETS_ITERATOR = "read_tcp_sockets";
    static final String UDP_SOCKETS_ITERATOR = "read_udp_sockets";
    static final String TCP_FOLD_ITERATOR = "fold_tcp_sockets";
    static final String UDP_FOLD_ITERATOR = "fold_udp_sockets";

    private ProgramSet() {
    }

    /**
     * The hooks for {@code mode} and {@code load} (and the connection iterator when {@code connections});
     * see docs/metrics.md for what each one feeds. {@code retransmitErrors}: the kernel's
     * {@code tcp_retransmit_skb} tracepoint has its third argument, the attempt's error (Linux 6.18+).
     * {@code mapIterators}: the kernel allows map iterators; without them the folds and the open connections
     * come from the kernel's TCP and UDP socket tables (iter/tcp, iter/udp) and user space reads the process table.
     */
    public static List<Hook> hooks(AttachMode mode, LoadMode load, boolean connections, boolean retransmitErrors,
                                   boolean mapIterators) {
        List<Hook> hooks = new ArrayList<>();
        boolean ret = load == LoadMode.RETURN;
        switch (mode) {
            case TRAMPOLINE -> {
                fn(hooks, ret ? "tramp_tcp_sendmsg_return" : "tramp_tcp_sendmsg_entry", "tcp_sendmsg");
                fn(hooks, ret ? "tramp_tcp_sendpage_return" : "tramp_tcp_sendpage_entry", "tcp_sendpage");
                // udp_sendpage marks its thread at entry and counts in its load mode's program (see socket.bpf.c)
                fn(hooks, ret ? "tramp_udp_sendpage_mark" : "tramp_udp_sendpage_entry", "udp_sendpage");
                fn(hooks, ret ? "tramp_udp_sendpage_return" : "tramp_udp_sendpage_unmark", "udp_sendpage");
                fn(hooks, ret ? "tramp_mptcp_sendmsg_return" : "tramp_mptcp_sendmsg_entry", "mptcp_sendmsg");
                fn(hooks, "tramp_mptcp_recvmsg_return", "mptcp_recvmsg");
                fn(hooks, "tramp_mptcp_close", "mptcp_close");
                fn(hooks, "tramp_tcp_cleanup_rbuf", "tcp_cleanup_rbuf");
                if (ret) {
                    fn(hooks, "tramp_tcp_recvmsg_return", "tcp_recvmsg");
                }
                fn(hooks, "tramp_tcp_close", "tcp_close");
                fn(hooks, ret ? "tramp_udp_sendmsg_return" : "tramp_udp_sendmsg_entry", "udp_sendmsg");
                fn(hooks, ret ? "tramp_udpv6_sendmsg_return" : "tramp_udpv6_sendmsg_entry", "udpv6_sendmsg");
                fn(hooks, "tramp_udp_recvmsg_return", "udp_recvmsg");
                fn(hooks, "tramp_udpv6_recvmsg_return", "udpv6_recvmsg");
                fn(hooks, ret ? "tramp_tcp_v4_connect_return" : "tramp_tcp_v4_connect_entry", "tcp_v4_connect");
                fn(hooks, ret ? "tramp_tcp_v6_connect_return" : "tramp_tcp_v6_connect_entry", "tcp_v6_connect");
                fn(hooks, "tramp_inet_csk_accept_return", "inet_csk_accept");
                fn(hooks, "tramp_udp_destroy_sock", "udp_destroy_sock");
                fn(hooks, "tramp_udpv6_destroy_sock", "udpv6_destroy_sock");
                tp(hooks, "tp_tcp_destroy_sock", "tcp_destroy_sock");
                tp(hooks, "tp_tcp_destroy_sock_nested", "tcp_destroy_sock");
            }
            case PROBE -> {
                if (ret) {
                    fn(hooks, "probe_tcp_sendmsg_remember", "tcp_sendmsg");
                    fn(hooks, "probe_tcp_sendmsg_return", "tcp_sendmsg");
                    fn(hooks, "probe_tcp_sendpage_remember", "tcp_sendpage");
                    fn(hooks, "probe_tcp_sendpage_return", "tcp_sendpage");
                    fn(hooks, "probe_udp_sendpage_remember", "udp_sendpage");
                    fn(hooks, "probe_udp_sendpage_return", "udp_sendpage");
                    fn(hooks, "probe_mptcp_sendmsg_remember", "mptcp_sendmsg");
                    fn(hooks, "probe_mptcp_sendmsg_return", "mptcp_sendmsg");
                    fn(hooks, "probe_tcp_recvmsg_remember", "tcp_recvmsg");
                    fn(hooks, "probe_tcp_recvmsg_return", "tcp_recvmsg");
                    fn(hooks, "probe_udp_sendmsg_remember", "udp_sendmsg");
                    fn(hooks, "probe_udp_sendmsg_return", "udp_sendmsg");
                    fn(hooks, "probe_udpv6_sendmsg_remember", "udpv6_sendmsg");
                    fn(hooks, "probe_udpv6_sendmsg_return", "udpv6_sendmsg");
                    fn(hooks, "probe_tcp_v4_connect_remember", "tcp_v4_connect");
                    fn(hooks, "probe_tcp_v4_connect_return", "tcp_v4_connect");
                    fn(hooks, "probe_tcp_v6_connect_remember", "tcp_v6_connect");
                    fn(hooks, "probe_tcp_v6_connect_return", "tcp_v6_connect");
                } else {
                    fn(hooks, "probe_tcp_sendmsg_entry", "tcp_sendmsg");
                    fn(hooks, "probe_tcp_sendpage_entry", "tcp_sendpage");
                    fn(hooks, "probe_udp_sendpage_entry", "udp_sendpage");
                    fn(hooks, "probe_udp_sendpage_done", "udp_sendpage");
                    fn(hooks, "probe_mptcp_sendmsg_entry", "mptcp_sendmsg");
                    fn(hooks, "probe_udp_sendmsg_entry", "udp_sendmsg");
                    fn(hooks, "probe_udpv6_sendmsg_entry", "udpv6_sendmsg");
                    fn(hooks, "probe_tcp_v4_connect_entry", "tcp_v4_connect");
                    fn(hooks, "probe_tcp_v6_connect_entry", "tcp_v6_connect");
                }
                fn(hooks, "probe_tcp_cleanup_rbuf", "tcp_cleanup_rbuf");
                fn(hooks, "probe_mptcp_recvmsg_remember", "mptcp_recvmsg");
                fn(hooks, "probe_mptcp_recvmsg_return", "mptcp_recvmsg");
                fn(hooks, "probe_mptcp_close", "mptcp_close");
                fn(hooks, "probe_tcp_close", "tcp_close");
                fn(hooks, "probe_udp_recvmsg_remember", "udp_recvmsg");
                fn(hooks, "probe_udp_recvmsg_return", "udp_recvmsg");
                fn(hooks, "probe_udpv6_recvmsg_remember", "udpv6_recvmsg");
                fn(hooks, "probe_udpv6_recvmsg_return", "udpv6_recvmsg");
                fn(hooks, "probe_inet_csk_accept_return", "inet_csk_accept");
                fn(hooks, "probe_udp_destroy_sock", "udp_destroy_sock");
                fn(hooks, "probe_udpv6_destroy_sock", "udpv6_destroy_sock");
                tp(hooks, "probe_tcp_destroy_sock", "tcp_destroy_sock");
                tp(hooks, "probe_tcp_destroy_sock_nested", "tcp_destroy_sock");
            }
            case TRACEPOINT -> {
                tp(hooks, "tp_sock_send_length", "sock_send_length");
                tp(hooks, "tp_sock_recv_length", "sock_recv_length");
                tp(hooks, "tp_inet_sock_set_state", "inet_sock_set_state");
                tp(hooks, "tp_inet_sock_set_state_nested", "inet_sock_set_state"); // the handler twice: see socket.bpf.c transition_seen
                tp(hooks, "tp_tcp_destroy_sock", "tcp_destroy_sock");
                tp(hooks, "tp_tcp_destroy_sock_nested", "tcp_destroy_sock");
                // with the syscall hooks: splice() reads from TCP sockets and connects that fail before any SYN,
                // which no socket tracepoint shows
                hooks.add(new Hook("tp_splice_exit", "sys_exit_splice", Target.SYSCALL));
                hooks.add(new Hook(CONNECT_EXIT, "sys_exit_connect", Target.SYSCALL));
                // released sockets' counts folded and final counters queued (UDP's only here)
                hooks.add(new Hook(SOCKET_RELEASE, "sock_release", Target.CGROUP));
            }
            case LEGACY -> {
                return legacyHooks(ret);
            }
        }
        // Retransmits: the tracepoint fires for a retransmit that was sent (see socket.bpf.c); probe mode's
        // programs find the socket's state in its table, the others in the socket's storage.
        String retransmitPrefix = (mode == AttachMode.PROBE ? "probe" : "tp") + "_tcp_retransmit_skb";
        String retransmit = retransmitPrefix + (retransmitErrors ? "_err" : "");
        tp(hooks, retransmit, "tcp_retransmit_skb"); // these three in this order: see socket.bpf.c `handled`
        tp(hooks, retransmit + "_nested", "tcp_retransmit_skb");
        tp(hooks, retransmitPrefix + "_forget", "tcp_retransmit_skb"); // the socket only: either tracepoint's form
        tp(hooks, "on_process_exit", "sched_process_exit");
        tp(hooks, "on_process_exec", "sched_process_exec");
        String socketIterator = mode == AttachMode.PROBE ? "bpf_map_elem" : "bpf_sk_storage_map";
        for (String name : foldIterators(mode, mapIterators)) {
            hooks.add(new Hook(name, iteratorTarget(name, socketIterator), Target.ITERATOR));
        }
        if (mapIterators) {
            hooks.add(new Hook(PROCESS_ITERATOR, "bpf_map_elem", Target.ITERATOR));
        }
        if (connections) {
            for (String name : connectionIterators(mode, mapIterators)) {
                hooks.add(new Hook(name, iteratorTarget(name, socketIterator), Target.ITERATOR));
            }
        }
        return List.copyOf(hooks);
    }

    /*
     * socket_legacy.bpf.o: kprobes and classic tracepoints only, nothing typed by the kernel's BTF; no
     * iterator (an iterator is BTF-typed): user space reads the process table itself. Receives are counted
     * at return in both load modes; entry mode's outer UDP sends forget their note at return.
     */
    private static List<Hook> legacyHooks(boolean ret) {
        List<Hook> hooks = new ArrayList<>();
        for (String f : List.of("tcp_sendmsg", "tcp_sendpage", "udp_sendmsg", "udpv6_sendmsg", "udp_sendpage",
                "tcp_v4_connect", "tcp_v6_connect")) {
            if (ret) {
                fn(hooks, "legacy_" + f + "_remember", f);
                fn(hooks, "legacy_" + f + "_return", f);
            } else {
                fn(hooks, "legacy_" + f + "_entry", f);
                if (f.equals("udpv6_sendmsg") || f.equals("udp_sendpage")) {
                    fn(hooks, "legacy_" + f + "_done", f);
                }
            }
        }
        for (String f : List.of("tcp_recvmsg", "udp_recvmsg", "udpv6_recvmsg")) {
            fn(hooks, "legacy_" + f + "_remember", f);
            fn(hooks, "legacy_" + f + "_return", f);
        }
        fn(hooks, "legacy_tcp_close", "tcp_close");
        fn(hooks, "legacy_inet_csk_accept_return", "inet_csk_accept");
        hooks.add(new Hook("legacy_tcp_retransmit_skb", RETRANSMIT_EVENT, Target.EVENT));
        hooks.add(new Hook("legacy_process_exit", EXIT_EVENT, Target.EVENT));
        hooks.add(new Hook("legacy_process_exec", EXEC_EVENT, Target.EVENT));
        return List.copyOf(hooks);
    }

    /**
     * One sentence per hook of {@code hooks} whose program {@code object} lacks, or whose section does not
     * name the hook's target (a section is {@code kind/target}, a system call's {@code tracepoint/syscalls/target}):
     * the hook names here and the sections in the C source must agree, or a program would attach
     * somewhere else than the kernel checks say, or never load.
     */
    public static List<String> sectionDifferences(BpfObject object, List<Hook> hooks) {
        Map<String, BpfProgram> programs = new HashMap<>();
        object.programs().forEach(p -> programs.put(p.name(), p));
        List<String> out = new ArrayList<>();
        for (Hook hook : hooks) {
            BpfProgram p = programs.get(hook.program());
            if (p == null) {
                out.add("no program " + hook.program() + " in " + object.name());
                continue;
            }
            String section = p.sectionName().startsWith("?") ? p.sectionName().substring(1) : p.sectionName();
            String target = section.substring(section.indexOf('/') + 1);
            String expected = hook.kind() == Target.SYSCALL ? "syscalls/" + hook.target() : hook.target();
            if (!target.equals(expected)) {
                out.add(hook.program() + " is in section " + section + ", not on " + expected);
            }
        }
        return out;
    }

    /* iter/tcp or iter/udp for the socket-table iterators, else the mode's map iterator. */
    private static String iteratorTarget(String program, String mapIterator) {
        return program.startsWith("fold_tcp") || program.startsWith("read_tcp") ? "tcp"
                : program.startsWith("fold_udp") || program.startsWith("read_udp") ? "udp" : mapIterator;
    }

    private static void fn(List<Hook> hooks, String program, String function) {
        hooks.add(new Hook(program, function, Target.FUNCTION));
    }

    private static void tp(List<Hook> hooks, String program, String tracepoint) {
        hooks.add(new Hook(program, tracepoint, Target.TRACEPOINT));
    }
}
