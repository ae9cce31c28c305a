package io.ebpfnet.socket.internal;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.StructLayout;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

/**
 * The Java layouts of the structs in {@code bpf-src/socket/socket_shared.h}. Written here, because
 * they describe our own BPF structs (jextract binds libbpf's), and checked against the compiled
 * object's BTF every time the collector opens it ({@link LayoutCheck}): every struct's size, every
 * member's name, offset and size, and the counter enums. A difference fails the start, naming it.
 */
public final class SocketLayouts {
    private SocketLayouts() {
    }

    /** SC_COUNT: the counters a socket keeps for its owner's row (enum socket_count; the BTF test checks it). */
    public static final int SOCKET_COUNTS = 9;

    public static final StructLayout PROCESS_KEY = MemoryLayout.structLayout(
            JAVA_INT.withName("tgid"),
            JAVA_INT.withName("reserved"),
            JAVA_LONG.withName("start_ns"),
            JAVA_LONG.withName("cgroup_id")).withName("process_key");

    /** The u64 counters of process_stats, in order; see {@code ProcessCounter}. */
    public static final StructLayout PROCESS_STATS = MemoryLayout.structLayout(
            JAVA_LONG.withName("tcp_bytes_sent"),
            JAVA_LONG.withName("tcp_bytes_received"),
            JAVA_LONG.withName("udp_bytes_sent"),
            JAVA_LONG.withName("udp_bytes_received"),
            JAVA_LONG.withName("tcp_send_calls"),
            JAVA_LONG.withName("tcp_recv_calls"),
            JAVA_LONG.withName("udp_send_calls"),
            JAVA_LONG.withName("udp_recv_calls"),
            JAVA_LONG.withName("tcp_send_errors"),
            JAVA_LONG.withName("tcp_recv_errors"),
            JAVA_LONG.withName("udp_send_errors"),
            JAVA_LONG.withName("udp_recv_errors"),
            JAVA_LONG.withName("tcp_retransmits"),
            JAVA_LONG.withName("tcp_closes"),
            JAVA_LONG.withName("tcp_v4_connects"),
            JAVA_LONG.withName("tcp_v6_connects"),
            JAVA_LONG.withName("tcp_connect_errors"),
            JAVA_LONG.withName("tcp_accepts"),
            JAVA_LONG.withName("first_seen_ns"),
            JAVA_LONG.withName("last_seen_ns"),
            JAVA_LONG.withName("exited"),
            JAVA_LONG.withName("comm_ns"),
            MemoryLayout.sequenceLayout(16, JAVA_BYTE).withName("comm")).withName("process_stats");

    /** What the process iterator writes per changed process. */
    public static final StructLayout PROCESS_ROW = MemoryLayout.structLayout(
            PROCESS_KEY.withName("key"),
            PROCESS_STATS.withName("stats")).withName("process_row");

    public static final StructLayout CONNECTION_KEY_V4 = MemoryLayout.structLayout(
            JAVA_INT.withName("saddr"),
            JAVA_INT.withName("daddr"),
            JAVA_SHORT.withName("sport"),
            JAVA_SHORT.withName("dport"),
            JAVA_SHORT.withName("protocol"),
            JAVA_SHORT.withName("reserved"),
            JAVA_INT.withName("tgid")).withName("connection_key_v4");

    public static final StructLayout CONNECTION_KEY_V6 = MemoryLayout.structLayout(
            MemoryLayout.sequenceLayout(16, JAVA_BYTE).withName("saddr"),
            MemoryLayout.sequenceLayout(16, JAVA_BYTE).withName("daddr"),
            JAVA_SHORT.withName("sport"),
            JAVA_SHORT.withName("dport"),
            JAVA_SHORT.withName("protocol"),
            JAVA_SHORT.withName("reserved"),
            JAVA_INT.withName("tgid")).withName("connection_key_v6");

    public static final StructLayout CONNECTION_STATS = MemoryLayout.structLayout(
            JAVA_LONG.withName("bytes_sent"),
            JAVA_LONG.withName("bytes_received"),
            JAVA_LONG.withName("send_calls"),
            JAVA_LONG.withName("recv_calls"),
            JAVA_LONG.withName("retransmits"),
            JAVA_LONG.withName("first_seen_ns"),
            JAVA_LONG.withName("last_seen_ns"),
            JAVA_INT.withName("state"),
            JAVA_INT.withName("direction"),
            JAVA_INT.withName("closed"),
            JAVA_INT.withName("reserved")).withName("connection_stats");

    /** What the connection iterators write, and the closed-connection records hold, per IPv4 connection. */
    public static final StructLayout CONNECTION_ROW_V4 = MemoryLayout.structLayout(
            CONNECTION_KEY_V4.withName("key"),
            JAVA_INT.withName("reserved"),
            CONNECTION_STATS.withName("stats")).withName("connection_row_v4");

    public static final StructLayout CONNECTION_ROW_V6 = MemoryLayout.structLayout(
            CONNECTION_KEY_V6.withName("key"),
            JAVA_INT.withName("reserved"),
            CONNECTION_STATS.withName("stats")).withName("connection_row_v6");

    /** A record of the closed-connection ring buffer: the family, then that family's row. */
    public static final StructLayout CLOSED_CONNECTION = MemoryLayout.structLayout(
            JAVA_INT.withName("family"),
            JAVA_INT.withName("reserved"),
            MemoryLayout.unionLayout(CONNECTION_ROW_V4.withName("v4"), CONNECTION_ROW_V6.withName("v6")).withName("row"))
            .withName("closed_connection");

    /** A value of the map {@code released_tcp}: a released TCP socket's final record, until the socket is destroyed. */
    public static final StructLayout RELEASED_RECORD = MemoryLayout.structLayout(
            JAVA_LONG.withName("alive_at_read"),
            JAVA_LONG.withName("released_ns"),
            JAVA_LONG.withName("taken"),
            CLOSED_CONNECTION.withName("record")).withName("released_record");

    /** Kept by the kernel only; here so its layout is checked with the rest. */
    public static final StructLayout SOCKET_STATE = MemoryLayout.structLayout(
            PROCESS_KEY.withName("owner"),
            JAVA_LONG.withName("owner_leader"),
            JAVA_LONG.withName("owner_cgroups"),
            MemoryLayout.sequenceLayout(SOCKET_COUNTS, JAVA_LONG).withName("counts"),
            MemoryLayout.sequenceLayout(SOCKET_COUNTS, JAVA_LONG).withName("folded"),
            JAVA_LONG.withName("retransmits"),
            JAVA_LONG.withName("first_seen_ns"),
            JAVA_LONG.withName("last_seen_ns"),
            JAVA_INT.withName("direction"),
            JAVA_INT.withName("gone"),
            JAVA_LONG.withName("accept_pending"),
            MemoryLayout.sequenceLayout(16, JAVA_BYTE).withName("local"),
            MemoryLayout.sequenceLayout(16, JAVA_BYTE).withName("remote"),
            JAVA_SHORT.withName("local_port"),
            JAVA_SHORT.withName("remote_port"),
            JAVA_SHORT.withName("family"),
            JAVA_SHORT.withName("protocol"),
            JAVA_INT.withName("counted_protocol"),
            JAVA_INT.withName("read_seq"),
            JAVA_INT.withName("read_seq_known"),
            JAVA_INT.withName("last_transition"),
            JAVA_LONG.withName("address"),
            JAVA_INT.withName("counted_at_event"),
            JAVA_INT.withName("released")).withName("socket_state");

    public static final StructLayout SOCKET_SETTINGS = MemoryLayout.structLayout(
            JAVA_INT.withName("connections"),
            JAVA_INT.withName("shared_maps"),
            JAVA_INT.withName("value_copies"),
            JAVA_INT.withName("accepted_by_address"),
            JAVA_INT.withName("release_seen"),
            JAVA_INT.withName("udp_flags_arg"),
            JAVA_INT.withName("release_hook"),
            JAVA_INT.withName("syscall_hooks"),
            JAVA_INT.withName("no_map_iterators"),
            JAVA_INT.withName("reader_netns"),
            JAVA_INT.withName("socket_table")).withName("socket_settings");

    /** The programs' .bss: what the next iterator read wants. */
    public static final StructLayout READER_STATE = MemoryLayout.structLayout(
            JAVA_LONG.withName("clock_ns"),
            JAVA_LONG.withName("changed_since_ns"),
            JAVA_INT.withName("family"),
            JAVA_INT.withName("closed_wanted"),
            JAVA_LONG.withName("connection_read")).withName("reader_state");

    /** Every shared struct, by its C name, for the BTF comparison. */
    public static final java.util.List<StructLayout> ALL = java.util.List.of(
            PROCESS_KEY, PROCESS_STATS, PROCESS_ROW, CONNECTION_KEY_V4, CONNECTION_KEY_V6, CONNECTION_STATS,
            CONNECTION_ROW_V4, CONNECTION_ROW_V6, CLOSED_CONNECTION, RELEASED_RECORD, SOCKET_STATE, SOCKET_SETTINGS,
            READER_STATE);

    /** Byte offset of {@code field} in {@code layout}. */
    public static long offset(StructLayout layout, String field) {
        return layout.byteOffset(groupElement(field));
    }
}
