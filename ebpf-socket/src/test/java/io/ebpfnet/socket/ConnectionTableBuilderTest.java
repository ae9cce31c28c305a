package io.ebpfnet.socket;

import io.ebpfnet.socket.internal.SocketLayouts;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.net.InetAddress;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The per-CPU merge of connection entries, on buffers laid out as the kernel's batch lookup writes them. */
class ConnectionTableBuilderTest {
    private static final int CPUS = 3;
    private static final StructLayout STATS = SocketLayouts.CONNECTION_STATS;
    private static final long STRIDE = STATS.byteSize(); // 64: already a multiple of 8

    private final Arena arena = Arena.ofAuto();

    private static long at(String field) {
        return SocketLayouts.offset(STATS, field);
    }

    /** Two entries' keys, packed as the kernel packs them (20 or 44 bytes, no padding between keys). */
    private MemorySegment keys(boolean ipv6, InetAddress local, InetAddress remote) {
        StructLayout layout = ipv6 ? SocketLayouts.CONNECTION_KEY_V6 : SocketLayouts.CONNECTION_KEY_V4;
        long size = layout.byteSize();
        MemorySegment keys = arena.allocate(2 * size, 4);
        for (int e = 0; e < 2; e++) {
            long k = e * size;
            byte[] l = local.getAddress();
            byte[] r = remote.getAddress();
            MemorySegment.copy(l, 0, keys, ValueLayout.JAVA_BYTE, k + SocketLayouts.offset(layout, "saddr"), l.length);
            MemorySegment.copy(r, 0, keys, ValueLayout.JAVA_BYTE, k + SocketLayouts.offset(layout, "daddr"), r.length);
            keys.set(ValueLayout.JAVA_SHORT, k + SocketLayouts.offset(layout, "sport"), (short) (40000 + e));
            keys.set(ValueLayout.JAVA_SHORT, k + SocketLayouts.offset(layout, "dport"), (short) 443);
            keys.set(ValueLayout.JAVA_SHORT, k + SocketLayouts.offset(layout, "protocol"), (short) 6);
            keys.set(ValueLayout.JAVA_INT, k + SocketLayouts.offset(layout, "tgid"), 700 + e);
        }
        return keys;
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void copiesAreSummedAndTheLatestStateKept(boolean ipv6) throws Exception {
        InetAddress local = InetAddress.getByName(ipv6 ? "2001:db8::1" : "10.0.0.1");
        InetAddress remote = InetAddress.getByName(ipv6 ? "2001:db8::2" : "10.0.0.2");
        MemorySegment keys = keys(ipv6, local, remote);
        MemorySegment values = arena.allocate(2 * CPUS * STRIDE, 8);
        String[] counters = {"bytes_sent", "bytes_received", "send_calls", "recv_calls", "retransmits"};
        for (int cpu = 0; cpu < CPUS; cpu++) {
            long copy = cpu * STRIDE;
            for (int f = 0; f < counters.length; f++) {
                values.set(ValueLayout.JAVA_LONG, copy + at(counters[f]), (cpu + 1) * 100L + f);
            }
        }
        // CPU 0 saw it first (ESTABLISHED), CPU 1 last (FIN_WAIT1 = 4); CPU 2 learned the direction.
        values.set(ValueLayout.JAVA_LONG, at("first_seen_ns"), 10);
        values.set(ValueLayout.JAVA_LONG, at("last_seen_ns"), 20);
        values.set(ValueLayout.JAVA_INT, at("state"), 1);
        values.set(ValueLayout.JAVA_LONG, STRIDE + at("first_seen_ns"), 15);
        values.set(ValueLayout.JAVA_LONG, STRIDE + at("last_seen_ns"), 90);
        values.set(ValueLayout.JAVA_INT, STRIDE + at("state"), 4);
        values.set(ValueLayout.JAVA_LONG, 2 * STRIDE + at("last_seen_ns"), 30);
        values.set(ValueLayout.JAVA_INT, 2 * STRIDE + at("state"), 7);
        values.set(ValueLayout.JAVA_INT, 2 * STRIDE + at("direction"), 2);
        long keySize = (ipv6 ? SocketLayouts.CONNECTION_KEY_V6 : SocketLayouts.CONNECTION_KEY_V4).byteSize();

        ConnectionTableBuilder builder = new ConnectionTableBuilder(ipv6, CPUS, STRIDE, keySize, CPUS * STRIDE, 1);
        builder.accept(keys, values, 2);
        ConnectionTable table = builder.build();

        assertEquals(2, table.size());
        assertEquals(local, table.localAddress(0));
        assertEquals(remote, table.remoteAddress(0));
        assertEquals(40000, table.localPort(0));
        assertEquals(443, table.remotePort(0));
        assertEquals(6, table.protocol(0));
        assertEquals(700, table.tgid(0));
        assertEquals(600, table.bytesSent(0));
        assertEquals(609, table.receiveCalls(0));
        assertEquals(612, table.retransmits(0));
        assertEquals(10, table.firstSeenNanos(0));
        assertEquals(90, table.lastSeenNanos(0));
        assertEquals(4, table.tcpState(0));
        assertEquals(ConnectionTable.Direction.INBOUND, table.direction(0));
        assertEquals(40001, table.localPort(1));
        assertEquals(701, table.tgid(1));
        assertEquals(0, table.bytesSent(1));
    }

    @Test
    void aReusedBuilderLeavesNothingOfEarlierRows() throws Exception {
        long keySize = SocketLayouts.CONNECTION_KEY_V4.byteSize();
        MemorySegment values = arena.allocate(2 * CPUS * STRIDE, 8);
        ConnectionTableBuilder builder = new ConnectionTableBuilder(false, CPUS, STRIDE, keySize, CPUS * STRIDE, 1);
        values.set(ValueLayout.JAVA_LONG, STRIDE + at("bytes_sent"), 5);
        values.set(ValueLayout.JAVA_INT, STRIDE + at("direction"), 1);
        values.set(ValueLayout.JAVA_LONG, STRIDE + at("last_seen_ns"), 9);
        values.set(ValueLayout.JAVA_INT, STRIDE + at("state"), 1);
        builder.accept(keys(false, InetAddress.getByName("10.0.0.1"), InetAddress.getByName("10.0.0.2")), values, 1);
        assertEquals(ConnectionTable.Direction.OUTBOUND, builder.build().direction(0));

        values.fill((byte) 0);
        builder = builder.reset();
        builder.accept(keys(false, InetAddress.getByName("10.0.0.3"), InetAddress.getByName("10.0.0.4")), values, 1);
        ConnectionTable again = builder.build();
        assertEquals(1, again.size());
        assertEquals(InetAddress.getByName("10.0.0.3"), again.localAddress(0));
        assertEquals(0, again.bytesSent(0));
        assertEquals(0, again.tcpState(0));
        assertEquals(ConnectionTable.Direction.UNKNOWN, again.direction(0));
    }
}
