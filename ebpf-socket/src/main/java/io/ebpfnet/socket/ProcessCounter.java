package io.ebpfnet.socket;

import io.ebpfnet.socket.internal.SocketLayouts;

/**
 * The cumulative per-process counters the kernel keeps (fields of {@code struct process_stats}).
 */
public enum ProcessCounter {
    TCP_BYTES_SENT("tcp_bytes_sent"),
    TCP_BYTES_RECEIVED("tcp_bytes_received"),
    UDP_BYTES_SENT("udp_bytes_sent"),
    UDP_BYTES_RECEIVED("udp_bytes_received"),
    TCP_SEND_CALLS("tcp_send_calls"),
    TCP_RECV_CALLS("tcp_recv_calls"),
    UDP_SEND_CALLS("udp_send_calls"),
    UDP_RECV_CALLS("udp_recv_calls"),
    TCP_SEND_ERRORS("tcp_send_errors"),
    TCP_RECV_ERRORS("tcp_recv_errors"),
    UDP_SEND_ERRORS("udp_send_errors"),
    UDP_RECV_ERRORS("udp_recv_errors"),
    TCP_RETRANSMITS("tcp_retransmits"),
    TCP_CLOSES("tcp_closes"),
    TCP_V4_CONNECTS("tcp_v4_connects"),
    TCP_V6_CONNECTS("tcp_v6_connects"),
    TCP_CONNECT_ERRORS("tcp_connect_errors"),
    TCP_ACCEPTS("tcp_accepts");

    private final String field;
    private final long offset;

    ProcessCounter(String field) {
        this.field = field;
        this.offset = SocketLayouts.offset(SocketLayouts.PROCESS_STATS, field);
    }

    /** The C field name, also used as the JSON key. */
    public String fieldName() {
        return field;
    }

    /** Byte offset in {@code struct process_stats}. */
    public long offset() {
        return offset;
    }
}
