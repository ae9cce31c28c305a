package io.ebpfnet.socket;

import io.ebpfnet.core.detect.AttachMode;
import io.ebpfnet.core.testing.KernelTests;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.file.Files;
import java.nio.file.Path;
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
            long foreign = 0;
            // Reads for 2 s at least: the last sockets' destruction, and a socket the kernel freed without
            // tcp_destroy_sock is reported a second after its release (GlobalCounter.TCP_DESTROYS_MISSED).
            for (int read = 0; read < 24 && (read < 8 || open > 0); read++) {
                Thread.sleep(250);
                ConnectionTable table = collector.connections(false);
                open = 0;
                for (int r = 0; r < table.size(); r++) {
                    boolean atPort = table.localPort(r) == port || table.remotePort(r) == port;
                    boolean mine = atPort && table.tgid(r) == Deltas.PID && table.protocol(r) == 6;
                    ours += mine && table.closed(r) ? 1 : 0;
                    foreign += atPort && !mine && table.closed(r) ? 1 : 0;
                    open += mine && !table.closed(r) && table.remotePort(r) != 0 ? 1 : 0;
                }
            }
            SocketSnapshot after = collector.snapshot();
            long refused = after.global(GlobalCounter.REFUSED_CONNECTIONS_V4) - before.global(GlobalCounter.REFUSED_CONNECTIONS_V4);
            // where a shortfall would be: sockets still alive, rows of another owner, refused states, vanished sockets
            String counters = String.format("%d still open, %d in the kernel (/proc/net/tcp*), %d closed rows at our port "
                    + "of another process or protocol, sockets refused %d, TCP destroys missed %d", open, kernelSockets(port), foreign,
                    after.global(GlobalCounter.REFUSED_SOCKETS) - before.global(GlobalCounter.REFUSED_SOCKETS),
                    after.global(GlobalCounter.TCP_DESTROYS_MISSED) - before.global(GlobalCounter.TCP_DESTROYS_MISSED));
            System.out.printf("closed-connection overflow: %,d of ours reported, %,d refused; %s%n", ours, refused, counters);
            // Others' sockets closed meanwhile take room too: refused >= what of ours is missing.
            assertTrue(refused > 0, "the buffer overflowed and said so");
            assertTrue(ours + refused >= 2L * CONNECTIONS,
                    "closed sockets of ours reported " + ours + " + refused " + refused + " < " + 2 * CONNECTIONS + "; " + counters);
            assertTrue(ours > 0 && ours < 2L * CONNECTIONS, "reported " + ours);
        }
    }

    /* TCP sockets at this port the kernel still has, neither listening nor in TIME_WAIT (no socket state of ours). */
    private static long kernelSockets(int port) throws IOException {
        long n = 0;
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            List<String> lines = Files.readAllLines(Path.of(table));
            for (String line : lines.subList(1, lines.size())) {
                String[] f = line.trim().split("\\s+"); // sl local_address rem_address st ...
                int local = Integer.parseInt(f[1].substring(f[1].indexOf(':') + 1), 16);
                int remote = Integer.parseInt(f[2].substring(f[2].indexOf(':') + 1), 16);
                int state = Integer.parseInt(f[3], 16);
                n += (local == port || remote == port) && state != 0x0A && state != 0x06 ? 1 : 0;
            }
        }
        return n;
    }
}
