/**
 * The socket collector: per process (and cgroup), TCP and UDP bytes and calls, connections opened,
 * accepted and closed, failures and retransmits, counted in the kernel by BPF programs.
 *
 * <ul>
 *   <li>{@link io.ebpfnet.socket}: {@code SocketCollector} (load, attach, snapshot), its options, the
 *       snapshot's process and connection tables, rates between snapshots, and {@code SocketMonitor},
 *       which polls on a thread of its own.</li>
 *   <li>{@link io.ebpfnet.socket.groups}: totals per application (by {@code AppRules}), per cgroup and
 *       per systemd service.</li>
 * </ul>
 * The BPF programs' map layouts and program sets ({@code io.ebpfnet.socket.internal}) are not exported.
 */
module io.ebpfnet.socket {
    requires transitive io.ebpfnet.core;

    exports io.ebpfnet.socket;
    exports io.ebpfnet.socket.groups;
}
