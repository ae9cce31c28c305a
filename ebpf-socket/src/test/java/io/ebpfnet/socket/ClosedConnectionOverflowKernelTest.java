package io.ebpfnet.socket;

import io.ebpfnet.core.detect.AttachMode;
import io.ebpfnet.core.testing.KernelTests;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Closed connections nobody reads in time are never lost silently: every closed socket of ours is either
 * reported by the next read or counted in REFUSED_CONNECTIONS_V4, when more close than the buffer holds.
 */
class ClosedConnectionOverflowKernelTest {
    private static final int CONNECTIONS = 40_000; // 80,000 closed sockets: more than the 8 MB buffer's ~61,000

    @Test
    void whatTheBufferCannotHoldIsCounted() throws Exception {
        KernelTests.requireBpf();
        InetAddress lo = InetAddress.getByName("127.0.0.1");
        try (SocketCollector collector = SocketCollector.start(SocketCollectorOptions.defaults(AttachMode.TRACEPOINT)
                .withConnectionTableSizes(1024, 1024));
             ServerSocket server = new ServerSocket()) {
            server.bind(new InetSocketAddress(lo, 0), 4096);
            int port = server.getLocalPort();
            collector.connections(false); // closed connections are kept from now on
            SocketSnapshot before = collector.snapshot();
            AtomicReference<Throwable> failure = new AtomicReference<>();
            List<Thread> threads = new ArrayList<>();
            for (int s = 0; s < 2; s++) {
                threads.add(Thread.ofPlatform().daemon().start(() -> {
                    try {
                        while (true) {
                            try (Socket c = server.accept()) {
                                InputStream in = c.getInputStream();
                                assertEquals(7, in.readNBytes(7).length);
                            } // the server closes first: no TIME_WAIT on the clients' ports
                        }
                    } catch (SocketException closed) {
                        // the test is over
                    } catch (Throwable e) {
                        failure.compareAndSet(null, e);
                    }
                }));
            }
            List<Thread> clients = new ArrayList<>();
            for (int c = 0; c < 2; c++) {
                clients.add(Thread.ofPlatform().start(() -> {
                    try {
                        for (int i = 0; i < CONNECTIONS / 2 && failure.get() == null; i++) {
                            try (Socket s = new Socket(lo, port)) {
                                s.getOutputStream().write(new byte[7]);
                                assertEquals(-1, s.getInputStream().read());
                            }
                        }
                    } catch (Throwable e) {
                        failure.compareAndSet(null, e);
                    }
                }));
            }
            for (Thread t : clients) {
                t.join();
            }
            assertNull(failure.get(), () -> "traffic failed: " + failure.get());
            long ours = 0;
            long open = 0;
            // Reads for 2 s at least: the last sockets' destruction, and a socket the kernel freed without
            // tcp_destroy_sock is reported a second after its release (GlobalCounter.TCP_DESTROYS_MISSED).
            for (int read = 0; read < 24 && (read < 8 || open > 0); read++) {
                Thread.sleep(250);
                ConnectionTable table = collector.connections(false);
                open = 0;
                for (int r = 0; r < table.size(); r++) {
                    boolean mine = (table.localPort(r) == port || table.remotePort(r) == port) && table.tgid(r) == Deltas.PID
                            && table.protocol(r) == 6;
                    ours += mine && table.closed(r) ? 1 : 0;
                    open += mine && !table.closed(r) && table.remotePort(r) != 0 ? 1 : 0;
                }
            }
            long refused = collector.snapshot().global(GlobalCounter.REFUSED_CONNECTIONS_V4) - before.global(GlobalCounter.REFUSED_CONNECTIONS_V4);
            System.out.printf("closed-connection overflow: %,d of ours reported, %,d refused, %d still open%n", ours, refused, open);
            // Others' sockets closed meanwhile take room too: refused >= what of ours is missing.
            assertTrue(refused > 0, "the buffer overflowed and said so");
            assertTrue(ours + refused >= 2L * CONNECTIONS,
                    "closed sockets of ours reported " + ours + " + refused " + refused + " < " + 2 * CONNECTIONS);
            assertTrue(ours > 0 && ours < 2L * CONNECTIONS, "reported " + ours);
        }
    }
}
