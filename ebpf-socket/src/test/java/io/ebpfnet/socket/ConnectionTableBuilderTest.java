package io.ebpfnet.socket;

import io.ebpfnet.socket.internal.SocketLayouts;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.net.InetAddress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Connection rows as the kernel writes them (struct connection_row_v4/_v6), read back through the table. */
class ConnectionTableBuilderTest {
    private final Arena arena = Arena.ofAuto();

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void rowsAreReadAsTheKernelWroteThem(boolean ipv6) throws Exception {
        StructLayout row = ipv6 ? SocketLayouts.CONNECTION_ROW_V6 : SocketLayouts.CONNECTION_ROW_V4;
        StructLayout key = ipv6 ? SocketLayouts.CONNECTION_KEY_V6 : SocketLayouts.CONNECTION_KEY_V4;
        long keyAt = SocketLayouts.offset(row, "key");
        long statsAt = SocketLayouts.offset(row, "stats");
        InetAddress local = InetAddress.getByName(ipv6 ? "2001:db8::1" : "10.0.0.1");
        InetAddress remote = InetAddress.getByName(ipv6 ? "2001:db8::2" : "10.0.0.2");
        MemorySegment rows = arena.allocate(2 * row.byteSize(), 8);
        for (int e = 0; e < 2; e++) {
            long k = e * row.byteSize() + keyAt;
            MemorySegment.copy(local.getAddress(), 0, rows, ValueLayout.JAVA_BYTE, k + SocketLayouts.offset(key, "saddr"), ipv6 ? 16 : 4);
            MemorySegment.copy(remote.getAddress(), 0, rows, ValueLayout.JAVA_BYTE, k + SocketLayouts.offset(key, "daddr"), ipv6 ? 16 : 4);
            rows.set(ValueLayout.JAVA_SHORT, k + SocketLayouts.offset(key, "sport"), (short) (40000 + e));
            rows.set(ValueLayout.JAVA_SHORT, k + SocketLayouts.offset(key, "dport"), (short) 443);
            rows.set(ValueLayout.JAVA_SHORT, k + SocketLayouts.offset(key, "protocol"), (short) 6);
            rows.set(ValueLayout.JAVA_INT, k + SocketLayouts.offset(key, "tgid"), 700 + e);
            long s = e * row.byteSize() + statsAt;
            rows.set(ValueLayout.JAVA_LONG, s + stat("bytes_sent"), 600 + e);
            rows.set(ValueLayout.JAVA_LONG, s + stat("bytes_received"), 50);
            rows.set(ValueLayout.JAVA_LONG, s + stat("send_calls"), 3);
            rows.set(ValueLayout.JAVA_LONG, s + stat("recv_calls"), 609);
            rows.set(ValueLayout.JAVA_LONG, s + stat("retransmits"), 612);
            rows.set(ValueLayout.JAVA_LONG, s + stat("first_seen_ns"), 10);
            rows.set(ValueLayout.JAVA_LONG, s + stat("last_seen_ns"), 90);
            rows.set(ValueLayout.JAVA_INT, s + stat("state"), e == 0 ? 4 : 7);
            rows.set(ValueLayout.JAVA_INT, s + stat("direction"), 2);
            rows.set(ValueLayout.JAVA_INT, s + stat("closed"), e);
        }

        ConnectionTableBuilder builder = new ConnectionTableBuilder(ipv6, 1);
        builder.accept(rows, 0, 1);
        builder.accept(rows, row.byteSize(), 1);
        ConnectionTable table = builder.build();

        assertEquals(2, table.size());
        assertEquals(local, table.localAddress(0));
        assertEquals(remote, table.remoteAddress(0));
        assertEquals(40000, table.localPort(0));
        assertEquals(443, table.remotePort(0));
        assertEquals(6, table.protocol(0));
        assertEquals(700, table.tgid(0));
        assertEquals(600, table.bytesSent(0));
        assertEquals(50, table.bytesReceived(0));
        assertEquals(3, table.sendCalls(0));
        assertEquals(609, table.receiveCalls(0));
        assertEquals(612, table.retransmits(0));
        assertEquals(10, table.firstSeenNanos(0));
        assertEquals(90, table.lastSeenNanos(0));
        assertEquals(4, table.tcpState(0));
        assertEquals(ConnectionTable.Direction.INBOUND, table.direction(0));
        assertFalse(table.closed(0));
        assertEquals(40001, table.localPort(1));
        assertEquals(701, table.tgid(1));
        assertEquals(601, table.bytesSent(1));
        assertTrue(table.closed(1));
    }

    private static long stat(String field) {
        return SocketLayouts.offset(SocketLayouts.CONNECTION_STATS, field);
    }
}
