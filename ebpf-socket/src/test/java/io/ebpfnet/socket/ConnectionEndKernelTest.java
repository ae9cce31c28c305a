package io.ebpfnet.socket;

import io.ebpfnet.core.detect.AttachMode;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Tracepoint mode reports a TCP connection closed when it reaches CLOSE, whether or not its process has
 * closed the socket yet; a socket that connects again after a disconnect reports each connection once.
 */
class ConnectionEndKernelTest {
    private static final InetAddress LO = InetAddress.getLoopbackAddress();

    private static SocketCollector start() {
        return SocketCollector.start(ModeTests.optionsOrSkip(AttachMode.TRACEPOINT, LoadMode.RETURN));
    }

    /**
     * The server closes; the client shuts its side down and keeps the socket, which the server's ACK of its
     * FIN takes to CLOSE: the connection is reported closed (once, with its bytes) while the client still
     * holds it, and not listed open; closing the socket later reports nothing more.
     */
    @Test
    void aConnectionOverIsReportedClosedWhileItsSocketIsStillOpen() throws Exception {
        try (SocketCollector collector = start(); ServerSocket server = new ServerSocket()) {
            server.bind(new InetSocketAddress(LO, 0), 4);
            collector.connections(false); // closed connections are kept from now on
            List<ClientRows> reads = new ArrayList<>();
            int readsWhileOpen;
            int clientPort;
            try (SocketChannel client = SocketChannel.open(server.getLocalSocketAddress())) {
                clientPort = ((InetSocketAddress) client.getLocalAddress()).getPort();
                try (Socket accepted = server.accept()) {
                    client.write(ByteBuffer.allocate(11));
                    assertEquals(11, accepted.getInputStream().readNBytes(11).length);
                }
                assertEquals(-1, client.read(ByteBuffer.allocate(1)), "the server's FIN");
                client.shutdownOutput(); // LAST_ACK, then CLOSE at the server's ACK
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                while (System.nanoTime() < deadline && reads.stream().noneMatch(r -> !r.closed().isEmpty())) {
                    reads.add(ClientRows.of(collector.connections(false), clientPort, server.getLocalPort()));
                    Thread.sleep(50);
                }
                for (int i = 0; i < 3; i++) { // and it stays reported once
                    reads.add(ClientRows.of(collector.connections(false), clientPort, server.getLocalPort()));
                    Thread.sleep(50);
                }
                readsWhileOpen = reads.size();
            }
            for (int i = 0; i < 3; i++) { // closing the socket reports nothing more
                reads.add(ClientRows.of(collector.connections(false), clientPort, server.getLocalPort()));
                Thread.sleep(50);
            }
            List<Long> closed = reads.stream().flatMap(r -> r.closed().stream()).toList();
            assertEquals(List.of(11L), closed, "closed rows of the client's connection (bytes sent each)");
            int reportedAt = 0;
            while (reads.get(reportedAt).closed().isEmpty()) {
                reportedAt++;
            }
            assertTrue(reportedAt < readsWhileOpen, "reported closed by read " + (reportedAt + 1) + ", after the socket was closed at read "
                    + readsWhileOpen + " (" + reads.size() + " reads)");
            for (int i = reportedAt; i < reads.size(); i++) {
                assertEquals(List.of(), reads.get(i).open(), "listed open at read " + (i + 1) + ", after it was reported closed at read " + (reportedAt + 1));
            }
        }
    }

    /**
     * A socket connected, disconnected (connect() with AF_UNSPEC, which resets the connection) and connected
     * to another server: two closed connections, each with its own ports and bytes.
     */
    @Test
    void aSocketConnectedAgainReportsEachConnection() throws Exception {
        try (SocketCollector collector = start(); ServerSocket first = new ServerSocket(); ServerSocket second = new ServerSocket()) {
            first.bind(new InetSocketAddress(LO, 0), 4);
            second.bind(new InetSocketAddress(LO, 0), 4);
            collector.connections(false);
            int firstPort;
            int secondPort;
            try (NativeTcpSocket client = new NativeTcpSocket()) {
                assertTrue(client.connectLoopback(first.getLocalPort()), "connected to the first server");
                firstPort = client.localPort();
                try (Socket accepted = first.accept()) {
                    assertEquals(5, client.send(5));
                    assertEquals(5, accepted.getInputStream().readNBytes(5).length);
                    assertTrue(client.disconnect(), "disconnected");
                }
                assertTrue(client.connectLoopback(second.getLocalPort()), "connected to the second server");
                secondPort = client.localPort();
                try (Socket accepted = second.accept()) {
                    assertEquals(9, client.send(9));
                    assertEquals(9, accepted.getInputStream().readNBytes(9).length);
                }
            }
            List<Long> toFirst = new ArrayList<>();
            List<Long> toSecond = new ArrayList<>();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            for (int extra = 0; extra < 3 && System.nanoTime() < deadline; ) {
                ConnectionTable t = collector.connections(false);
                toFirst.addAll(ClientRows.of(t, firstPort, first.getLocalPort()).closed());
                toSecond.addAll(ClientRows.of(t, secondPort, second.getLocalPort()).closed());
                if (!toFirst.isEmpty() && !toSecond.isEmpty()) {
                    extra++; // a few reads more: each reported once
                }
                Thread.sleep(100);
            }
            assertEquals(List.of(5L), toFirst, "closed rows of the first connection (bytes sent each)");
            assertEquals(List.of(9L), toSecond, "closed rows of the second connection (bytes sent each)");
        }
    }
}
