package io.ebpfnet.socket;

import io.ebpfnet.socket.internal.SocketLayouts;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * The per-connection counters of one read, IPv4 or IPv6: one row per socket, open ones as they are now
 * and closed ones with their final counters and state (each reported by one read only), read in place.
 * The protocol, addresses and ports with the first-seen time tell sockets apart; the owning process can
 * change between reads (an accepted socket is the listener's process's until the process that accepted
 * it uses it), so a reader that follows sockets across reads must not key them by it.
 */
public final class ConnectionTable {
    /** Who opened the connection, as seen from the owning process. */
    public enum Direction { UNKNOWN, OUTBOUND, INBOUND }

    private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG_UNALIGNED;
    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED;
    private static final ValueLayout.OfShort SHORT = ValueLayout.JAVA_SHORT_UNALIGNED;

    private final MemorySegment rows;
    private final int size;
    private final boolean ipv6;
    private final long rowSize;
    private final long stats;
    private final long saddr;
    private final long daddr;
    private final long sport;
    private final long dport;
    private final long protocol;
    private final long tgid;

    ConnectionTable(MemorySegment rows, int size, boolean ipv6) {
        this.rows = rows;
        this.size = size;
        this.ipv6 = ipv6;
        StructLayout key = keyLayout(ipv6);
        this.rowSize = rowSize(ipv6);
        this.stats = statsOffset(ipv6);
        this.saddr = SocketLayouts.offset(key, "saddr");
        this.daddr = SocketLayouts.offset(key, "daddr");
        this.sport = SocketLayouts.offset(key, "sport");
        this.dport = SocketLayouts.offset(key, "dport");
        this.protocol = SocketLayouts.offset(key, "protocol");
        this.tgid = SocketLayouts.offset(key, "tgid");
    }

    static StructLayout keyLayout(boolean ipv6) {
        return ipv6 ? SocketLayouts.CONNECTION_KEY_V6 : SocketLayouts.CONNECTION_KEY_V4;
    }

    /** The key rounded up to 8 bytes, so the stats that follow are aligned. */
    static long statsOffset(boolean ipv6) {
        return (keyLayout(ipv6).byteSize() + 7) & ~7L;
    }

    static long rowSize(boolean ipv6) {
        return statsOffset(ipv6) + SocketLayouts.CONNECTION_STATS.byteSize();
    }

    public int size() {
        return size;
    }

    public boolean isIpv6() {
        return ipv6;
    }

    /** IPPROTO_TCP (6) or IPPROTO_UDP (17). */
    public int protocol(int row) {
        return Short.toUnsignedInt(rows.get(SHORT, row * rowSize + protocol));
    }

    public int tgid(int row) {
        return rows.get(INT, row * rowSize + tgid);
    }

    public int localPort(int row) {
        return Short.toUnsignedInt(rows.get(SHORT, row * rowSize + sport));
    }

    public int remotePort(int row) {
        return Short.toUnsignedInt(rows.get(SHORT, row * rowSize + dport));
    }

    /** The local address (allocates). */
    public InetAddress localAddress(int row) {
        return address(row * rowSize + saddr);
    }

    /** The remote address (allocates); the any-address for unconnected UDP sockets. */
    public InetAddress remoteAddress(int row) {
        return address(row * rowSize + daddr);
    }

    /**
     * Whether the socket talks over loopback only: its local address is a loopback address and its
     * remote one is too, or is unspecified (an unconnected UDP socket bound to a loopback address,
     * which can reach loopback peers only).
     */
    public boolean isLoopback(int row) {
        InetAddress remote = remoteAddress(row);
        return localAddress(row).isLoopbackAddress() && (remote.isLoopbackAddress() || remote.isAnyLocalAddress());
    }

    public long bytesSent(int row) {
        return stat(row, "bytes_sent");
    }

    public long bytesReceived(int row) {
        return stat(row, "bytes_received");
    }

    public long sendCalls(int row) {
        return stat(row, "send_calls");
    }

    public long receiveCalls(int row) {
        return stat(row, "recv_calls");
    }

    public long retransmits(int row) {
        return stat(row, "retransmits");
    }

    /** When the programs first saw the socket (CLOCK_MONOTONIC ns, as {@link System#nanoTime()} on Linux). */
    public long firstSeenNanos(int row) {
        return stat(row, "first_seen_ns");
    }

    /** When the socket last had traffic, to a read interval (see {@link ProcessTable#lastSeenNanos}); 0 if it never had any. */
    public long lastSeenNanos(int row) {
        return stat(row, "last_seen_ns");
    }

    /** Whether the socket has closed: its final counters, reported once. */
    public boolean closed(int row) {
        return rows.get(INT, row * rowSize + stats + SocketLayouts.offset(SocketLayouts.CONNECTION_STATS, "closed")) != 0;
    }

    /** The TCP state number when last seen (1 = ESTABLISHED … 7 = CLOSE), 0 for UDP. */
    public int tcpState(int row) {
        return rows.get(INT, row * rowSize + stats + SocketLayouts.offset(SocketLayouts.CONNECTION_STATS, "state"));
    }

    public Direction direction(int row) {
        int d = rows.get(INT, row * rowSize + stats + SocketLayouts.offset(SocketLayouts.CONNECTION_STATS, "direction"));
        return d >= 0 && d < Direction.values().length ? Direction.values()[d] : Direction.UNKNOWN;
    }

    private long stat(int row, String field) {
        return rows.get(LONG, row * rowSize + stats + SocketLayouts.offset(SocketLayouts.CONNECTION_STATS, field));
    }

    private InetAddress address(long offset) {
        byte[] bytes = new byte[ipv6 ? 16 : 4];
        MemorySegment.copy(rows, ValueLayout.JAVA_BYTE, offset, bytes, 0, bytes.length);
        try {
            return InetAddress.getByAddress(bytes);
        } catch (UnknownHostException e) {
            throw new AssertionError(e); // only thrown for a wrong length
        }
    }
}
