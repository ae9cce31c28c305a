package io.ebpfnet.socket;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The kernel's global counters, in the order of {@code enum global_counter} in
 * {@code bpf-src/socket/socket_shared.h} (the ordinal is the array index). Cumulative since load.
 */
public enum GlobalCounter {
    TCP_SEND_CALLS,
    TCP_SEND_ERRORS,
    TCP_SEND_BYTES,
    TCP_RECV_CALLS,
    TCP_RECV_ERRORS,
    TCP_RECV_BYTES,
    TCP_CLOSES,
    TCP_RETRANSMITS,
    TCP_CONNECT_V4,
    TCP_CONNECT_V4_ERRORS,
    TCP_CONNECT_V6,
    TCP_CONNECT_V6_ERRORS,
    TCP_ACCEPTS,
    UDP_SEND_CALLS,
    UDP_SEND_ERRORS,
    UDP_SEND_BYTES,
    UDP_RECV_CALLS,
    UDP_RECV_ERRORS,
    UDP_RECV_BYTES,
    /** Inserts refused because the per-process table was full. */
    REFUSED_PROCESSES,
    /** Closed IPv4 connections whose final counters the closed-connection buffer had no room for. */
    REFUSED_CONNECTIONS_V4,
    /** The same for IPv6. */
    REFUSED_CONNECTIONS_V6,
    /** Kprobe arguments that could not be kept for their kretprobe (table full). */
    REFUSED_PENDING_CALLS,
    /** Listening sockets that could not be remembered (table full). */
    REFUSED_LISTENERS,
    /** Sockets whose state could not be kept (probe mode's socket table full; socket storage: no memory or lock). */
    REFUSED_SOCKETS,
    /**
     * Tracepoint mode: TCP sockets the kernel freed without firing {@code tcp_destroy_sock} (about one in
     * 300,000 orphans under churn on Linux 6.18), whose final record was queued from their release when
     * a new socket took their address, or when two connection reads in a row, a second or more after the
     * release, did not find the socket alive. Their retransmits after the close are not in the record.
     */
    TCP_DESTROYS_MISSED,
    /**
     * Inserts into a hash table with room that the kernel failed: a bucket lock it could not take (lock
     * contention, or a program that interrupted another holding it on the same CPU), or memory it could not
     * get. The event still counts in these global counters, not in its row; unlike a refused insert, no
     * table size would have helped. (A preallocated table's free-list lock that could not be taken makes
     * the kernel answer "full": that one is counted as refused.)
     */
    INSERTS_FAILED;

    /** The number of counters (the BPF array's size). */
    public static final int COUNT = values().length;

    /** The counters of inserts a full kernel table refused: data the other counters lack (say so when not 0). */
    public static final List<GlobalCounter> REFUSED_INSERTS = Arrays.stream(values())
            .filter(c -> c.name().startsWith("REFUSED_")).toList();

    /** For a refused-insert counter, the table that refused: "processes", "connections_v4", "sockets", ... */
    public String refusedTable() {
        if (!name().startsWith("REFUSED_")) {
            throw new IllegalStateException(this + " counts no refused inserts");
        }
        return name().substring("REFUSED_".length()).toLowerCase(Locale.ROOT);
    }
}
