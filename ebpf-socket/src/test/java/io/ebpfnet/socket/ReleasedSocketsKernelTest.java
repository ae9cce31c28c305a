package io.ebpfnet.socket;

import io.ebpfnet.core.BpfMap;
import io.ebpfnet.core.detect.AttachMode;
import io.ebpfnet.socket.internal.SocketLayouts;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.InputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemoryLayout.PathElement;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static io.ebpfnet.socket.internal.SocketLayouts.RELEASED_RECORD;
import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Tracepoint mode keeps each released TCP socket's final record in {@code released_tcp} until the socket is
 * destroyed, because the kernel now and then frees an orphaned socket without tcp_destroy_sock. A record whose
 * socket two connection reads in a row did not find alive, released over a second ago, is reported as closed;
 * a socket still closing is not. Run with and without map iterators (the two ways a read walks the sockets).
 */
class ReleasedSocketsKernelTest {
    private static final InetAddress LO = InetAddress.getLoopbackAddress();
    private static final long NOT_WALKED = -1L;

    private static SocketCollector start(boolean mapIterators) {
        SocketCollectorOptions options = ModeTests.optionsOrSkip(AttachMode.TRACEPOINT, LoadMode.RETURN);
        SocketCollector collector = mapIterators ? SocketCollector.start(options) : SocketCollector.start(options, false);
        assertTrue(collector.attachedPrograms().stream().anyMatch(p -> p.startsWith("socket_release")),
                "the release hook must run for this test (CAP_NET_ADMIN, cgroup v2): " + collector.skippedPrograms());
        return collector;
    }

    /**
     * A client closes with data the server does not read: its socket is released and stays in FIN_WAIT1,
     * probing the server's zero window, for as long as the server waits. Reads over two seconds list it
     * open and never closed; once the server reads and closes, it is reported closed once, with its bytes.
     */
    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void aReleasedSocketStillClosingIsNotReportedClosed(boolean mapIterators) throws Exception {
        try (SocketCollector collector = start(mapIterators);
             ServerSocket server = new ServerSocket()) {
            server.setReceiveBufferSize(4096);
            server.bind(new InetSocketAddress(LO, 0), 1);
            collector.connections(false); // closed records are kept from the first read on
            SocketChannel client = SocketChannel.open();
            client.setOption(StandardSocketOptions.SO_SNDBUF, 4096);
            client.connect(server.getLocalSocketAddress());
            int clientPort = ((InetSocketAddress) client.getLocalAddress()).getPort();
            long written = 0;
            try (Socket accepted = server.accept()) {
                client.configureBlocking(false);
                ByteBuffer chunk = ByteBuffer.allocate(4096);
                long quiet = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(200);
                while (System.nanoTime() < quiet) { // until both buffers are full
                    int n = client.write(chunk.clear());
                    written += n;
                    if (n > 0) {
                        quiet = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(200);
                    }
                }
                client.close(); // released; its FIN waits behind the unsent bytes

                long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(2500);
                int openReads = 0;
                int reads = 0;
                while (System.nanoTime() < until) {
                    ClientRows rows = ClientRows.of(collector.connections(false), clientPort, server.getLocalPort());
                    reads++;
                    assertEquals(0, rows.closed().size(), "the closing client socket reported closed after " + reads + " reads: " + rows);
                    if (rows.open().size() == 1) {
                        openReads++;
                    }
                    Thread.sleep(100);
                }
                assertTrue(openReads >= reads - 1, "the closing client socket listed open in " + openReads + " of " + reads + " reads");

                accepted.setSoTimeout(10_000);
                InputStream in = accepted.getInputStream();
                long read = in.transferTo(java.io.OutputStream.nullOutputStream()); // to the client's FIN
                assertEquals(written, read);
            } // the server closes: the client's socket is destroyed
            List<Long> closedBytes = new ArrayList<>();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            for (int extra = 0; extra < 3 && System.nanoTime() < deadline; ) {
                ClientRows rows = ClientRows.of(collector.connections(false), clientPort, server.getLocalPort());
                closedBytes.addAll(rows.closed());
                if (!closedBytes.isEmpty()) {
                    extra++; // a few reads more: reported once
                }
                Thread.sleep(100);
            }
            assertEquals(List.of(written), closedBytes, "closed reports of the client socket (bytes sent each)");
        }
    }

    /**
     * Records planted in {@code released_tcp} as the kernel leaves them when it frees a socket without
     * tcp_destroy_sock (at addresses no socket has): one released two seconds ago is reported closed by the
     * read after the next, once, and leaves the map; one released now waits a second; one of a socket no read
     * walks (another network namespace) is left to a new socket at its address.
     */
    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void aRecordNoReadFindsAliveIsReportedClosedOnce(boolean mapIterators) throws Exception {
        try (SocketCollector collector = start(mapIterators); Arena arena = Arena.ofConfined()) {
            collector.connections(false);
            SocketSnapshot before = collector.snapshot();
            BpfMap released = collector.map("released_tcp");
            long now = System.nanoTime(); // CLOCK_MONOTONIC, as bpf_ktime_get_ns
            MemorySegment old = plant(released, arena, 0x10, 0, now - TimeUnit.SECONDS.toNanos(2), 4242);
            long youngAt = System.nanoTime();
            MemorySegment young = plant(released, arena, 0x20, 0, youngAt, 4343);
            MemorySegment unwalked = plant(released, arena, 0x30, NOT_WALKED, now - TimeUnit.SECONDS.toNanos(2), 4444);

            List<Long> reported = new ArrayList<>();
            long youngSeenAfterSweepAt = -1;
            long previousReadEnd = 0;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (System.nanoTime() < deadline && !(reported.contains(4242L) && reported.contains(4343L))) {
                List<Long> planted = plantedRows(collector.connections(false));
                reported.addAll(planted);
                if (planted.contains(4343L)) {
                    youngSeenAfterSweepAt = previousReadEnd; // swept at the end of the read before
                }
                previousReadEnd = System.nanoTime();
                Thread.sleep(100);
            }
            for (int i = 0; i < 3; i++) { // reported once
                reported.addAll(plantedRows(collector.connections(false)));
            }
            assertTrue(youngSeenAfterSweepAt - youngAt >= TimeUnit.SECONDS.toNanos(1),
                    "the record released now was swept " + (youngSeenAfterSweepAt - youngAt) / 1_000_000 + " ms after its release");
            assertEquals(List.of(4242L, 4343L), reported, "closed rows of the planted records");
            MemorySegment value = arena.allocate(RELEASED_RECORD);
            assertFalse(released.lookup(old, value), "the reported record left the map");
            assertFalse(released.lookup(young, value), "the reported record left the map");
            assertTrue(released.lookup(unwalked, value), "the record of a socket no read walks stays for a new socket at its address");
            long missed = collector.snapshot().global(GlobalCounter.TCP_DESTROYS_MISSED) - before.global(GlobalCounter.TCP_DESTROYS_MISSED);
            assertTrue(missed >= 2, "TCP_DESTROYS_MISSED grew by " + missed); // and by sockets of other programs, if any vanished
        }
    }

    /**
     * A socket the kernel freed without tcp_destroy_sock left its record, and a new socket took its address
     * without passing SYN_SENT, SYN_RECV or LISTEN (which would report it): planted here at a connected
     * socket's address. That socket's release reports the record, once, and keeps its own, which its
     * destruction reports.
     */
    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void aPredecessorsRecordAtAReleasedSocketsAddressIsReported(boolean mapIterators) throws Exception {
        try (SocketCollector collector = start(mapIterators); Arena arena = Arena.ofConfined();
             ServerSocket server = new ServerSocket()) {
            server.bind(new InetSocketAddress(LO, 0), 4);
            collector.connections(false);
            BpfMap released = collector.map("released_tcp");
            MemorySegment address;
            int clientPort;
            NativeTcpSocket client = new NativeTcpSocket();
            try {
                assertTrue(client.connectLoopback(server.getLocalPort()), "connected");
                clientPort = client.localPort();
                try (Socket accepted = server.accept()) {
                    // not walked: no sweep reports it, only the release can
                    address = plant(released, arena, kernelAddress(collector, client, arena), NOT_WALKED,
                            System.nanoTime() - TimeUnit.SECONDS.toNanos(2), 4545);
                    client.close(); // released: its record finds the planted one at its address
                    assertEquals(-1, accepted.getInputStream().read(), "the client's FIN");
                } // the server closes: the client's socket is destroyed
            } finally {
                client.close();
            }
            List<Long> planted = new ArrayList<>();
            int own = 0;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            for (int extra = 0; extra < 3 && System.nanoTime() < deadline; ) {
                ConnectionTable t = collector.connections(false);
                planted.addAll(plantedRows(t));
                own += ClientRows.of(t, clientPort, server.getLocalPort()).closed().size();
                if (!planted.isEmpty() && own > 0) {
                    extra++; // a few reads more: each reported once
                }
                Thread.sleep(100);
            }
            assertEquals(List.of(4545L), planted, "closed rows of the planted record");
            assertEquals(1, own, "closed rows of the client socket");
            assertFalse(released.lookup(address, arena.allocate(RELEASED_RECORD)), "the client's own record left at its destruction");
        }
    }

    /**
     * The same record at the address of a socket that makes none (its connect refused: it has no addresses,
     * so its release keeps no record) outlives that socket's destruction, and the sweep reports it.
     */
    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void aRecordAtTheAddressOfASocketThatMadeNoneOutlivesItsDestruction(boolean mapIterators) throws Exception {
        try (SocketCollector collector = start(mapIterators); Arena arena = Arena.ofConfined()) {
            int port;
            try (ServerSocket gone = new ServerSocket(0, 1, LO)) {
                port = gone.getLocalPort(); // nobody listens there once it is closed
            }
            collector.connections(false);
            BpfMap released = collector.map("released_tcp");
            try (NativeTcpSocket client = new NativeTcpSocket()) {
                assertFalse(client.connectLoopback(port), "refused");
                plant(released, arena, kernelAddress(collector, client, arena), 0, System.nanoTime() - TimeUnit.SECONDS.toNanos(2), 4646);
            } // released (no record of its own) and destroyed
            List<Long> reported = new ArrayList<>();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            for (int extra = 0; extra < 3 && System.nanoTime() < deadline; ) {
                reported.addAll(plantedRows(collector.connections(false)));
                if (!reported.isEmpty()) {
                    extra++;
                }
                Thread.sleep(100);
            }
            assertEquals(List.of(4646L), reported, "closed rows of the planted record");
        }
    }

    /* The kernel address of a socket of ours, as its state in the socket storage map keeps it. */
    private static long kernelAddress(SocketCollector collector, NativeTcpSocket socket, Arena arena) {
        MemorySegment fd = arena.allocate(ValueLayout.JAVA_INT);
        fd.set(ValueLayout.JAVA_INT, 0, socket.fd());
        MemorySegment state = arena.allocate(SocketLayouts.SOCKET_STATE);
        assertTrue(collector.map("sockets").lookup(fd, state), "the socket has state");
        long address = state.get(ValueLayout.JAVA_LONG, SocketLayouts.offset(SocketLayouts.SOCKET_STATE, "address"));
        assertTrue(address != 0, "its state has its address");
        return address;
    }

    /* The bytes sent of the closed rows of this process that are planted records' (4242 to 4646). */
    private static List<Long> plantedRows(ConnectionTable t) {
        List<Long> planted = new ArrayList<>();
        for (int r = 0; r < t.size(); r++) {
            if (t.tgid(r) == Deltas.PID && t.closed(r) && t.bytesSent(r) >= 4242 && t.bytesSent(r) <= 4646) {
                planted.add(t.bytesSent(r));
            }
        }
        return planted;
    }

    /* A record of a closed IPv4 TCP connection of this process at fake address `address`; returns its key. */
    private static MemorySegment plant(BpfMap map, Arena arena, long address, long aliveAtRead, long releasedNanos, long bytesSent) {
        MemorySegment key = arena.allocate(ValueLayout.JAVA_LONG);
        key.set(ValueLayout.JAVA_LONG, 0, address);
        MemorySegment v = arena.allocate(RELEASED_RECORD);
        set(v, ValueLayout.JAVA_LONG, aliveAtRead, groupElement("alive_at_read"));
        set(v, ValueLayout.JAVA_LONG, releasedNanos, groupElement("released_ns"));
        set(v, ValueLayout.JAVA_INT, 2, groupElement("record"), groupElement("family")); // AF_INET
        PathElement[] row = {groupElement("record"), groupElement("row"), groupElement("v4")};
        set(v, ValueLayout.JAVA_INT, 0x0100007f, path(row, "key", "saddr")); // 127.0.0.1
        set(v, ValueLayout.JAVA_INT, 0x0100007f, path(row, "key", "daddr"));
        set(v, ValueLayout.JAVA_SHORT, (short) 0x0101, path(row, "key", "sport")); // port 257 in either byte order
        set(v, ValueLayout.JAVA_SHORT, (short) 0x0101, path(row, "key", "dport"));
        set(v, ValueLayout.JAVA_SHORT, (short) 6, path(row, "key", "protocol")); // IPPROTO_TCP
        set(v, ValueLayout.JAVA_INT, Deltas.PID, path(row, "key", "tgid"));
        set(v, ValueLayout.JAVA_LONG, bytesSent, path(row, "stats", "bytes_sent"));
        set(v, ValueLayout.JAVA_INT, 7, path(row, "stats", "state")); // TCP_CLOSE
        set(v, ValueLayout.JAVA_INT, 1, path(row, "stats", "closed"));
        map.update(key, v, BpfMap.UpdateFlag.NO_EXIST);
        return key;
    }

    private static PathElement[] path(PathElement[] prefix, String... names) {
        PathElement[] p = java.util.Arrays.copyOf(prefix, prefix.length + names.length);
        for (int i = 0; i < names.length; i++) {
            p[prefix.length + i] = groupElement(names[i]);
        }
        return p;
    }

    private static void set(MemorySegment v, ValueLayout layout, Object value, PathElement... path) {
        long offset = RELEASED_RECORD.byteOffset(path);
        switch (value) {
            case Long l -> v.set((ValueLayout.OfLong) layout, offset, l);
            case Integer i -> v.set((ValueLayout.OfInt) layout, offset, i);
            case Short s -> v.set((ValueLayout.OfShort) layout, offset, s);
            default -> throw new IllegalArgumentException(value.toString());
        }
    }
}
