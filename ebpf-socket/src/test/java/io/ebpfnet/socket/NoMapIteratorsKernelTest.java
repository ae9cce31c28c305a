package io.ebpfnet.socket;

import io.ebpfnet.core.KernelDetection;
import io.ebpfnet.core.detect.AttachMode;
import io.ebpfnet.core.detect.FeatureProbe;
import io.ebpfnet.socket.internal.ProgramSet;
import io.ebpfnet.core.testing.LoopbackTraffic;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The collector as on a kernel that refuses BPF map iterators (our CI kernel does, the kernel matrix's
 * do not): a read folds the sockets of this network namespace's TCP and UDP tables (iter/tcp, iter/udp),
 * the other sockets' events count in their rows at once, user space reads the process table, and the open
 * connections come from the same socket tables. Counts must be as exact as with the iterators.
 */
class NoMapIteratorsKernelTest {
    private static final InetAddress LO = InetAddress.getLoopbackAddress();

    @ParameterizedTest
    @MethodSource("io.ebpfnet.socket.ModeTests#attachModes")
    void theKernelsAnswerDecidesHowTheTablesAreRead(AttachMode mode, LoadMode load) {
        SocketCollectorOptions options = ModeTests.optionsOrSkip(mode, load);
        boolean allowed = KernelDetection.probe(FeatureProbe.MAP_ITERATOR).allowed();
        try (SocketCollector collector = SocketCollector.start(options)) {
            String refused = ProgramSet.foldIterator(mode) + ", read_processes: BPF map iterators: refused";
            boolean noted = collector.skippedPrograms().stream().anyMatch(s -> s.startsWith(refused));
            assertEquals(!allowed, noted, "map iterators allowed: " + allowed + "; skipped: " + collector.skippedPrograms());
        }
    }

    @ParameterizedTest
    @MethodSource("io.ebpfnet.socket.ModeTests#attachModes")
    void processCountsAreExact(AttachMode mode, LoadMode load) throws Exception {
        SocketCollectorOptions options = ModeTests.optionsOrSkip(mode, load);
        try (SocketCollector collector = SocketCollector.start(options, false)) {
            // "started as on a kernel that refuses …", or the refusal, where the probe ran and the kernel refused
            assertTrue(collector.skippedPrograms().stream().anyMatch(s -> s.startsWith(ProgramSet.foldIterator(mode) + ", read_processes: ")
                    && s.contains("BPF map iterators")), collector.skippedPrograms().toString());
            SocketSnapshot before = collector.snapshot();
            LoopbackTraffic.TcpExchange t = LoopbackTraffic.tcp(LO, 50, 1000, 300);
            long udp = LoopbackTraffic.udp(LO, 7, 321);
            SocketSnapshot after = collector.snapshot();
            ProcessTable p = after.processes();
            ProcessTable b = before.processes();
            assertEquals(t.totalSent(), p.sum(Deltas.PID, ProcessCounter.TCP_BYTES_SENT) - b.sum(Deltas.PID, ProcessCounter.TCP_BYTES_SENT));
            assertEquals(t.totalSent(), p.sum(Deltas.PID, ProcessCounter.TCP_BYTES_RECEIVED) - b.sum(Deltas.PID, ProcessCounter.TCP_BYTES_RECEIVED));
            assertEquals(1, p.sum(Deltas.PID, ProcessCounter.TCP_V4_CONNECTS) - b.sum(Deltas.PID, ProcessCounter.TCP_V4_CONNECTS));
            assertEquals(1, p.sum(Deltas.PID, ProcessCounter.TCP_ACCEPTS) - b.sum(Deltas.PID, ProcessCounter.TCP_ACCEPTS));
            assertEquals(udp, p.sum(Deltas.PID, ProcessCounter.UDP_BYTES_SENT) - b.sum(Deltas.PID, ProcessCounter.UDP_BYTES_SENT));
            assertEquals(udp, p.sum(Deltas.PID, ProcessCounter.UDP_BYTES_RECEIVED) - b.sum(Deltas.PID, ProcessCounter.UDP_BYTES_RECEIVED));
            // the global counters move with the rows, not at a fold
            assertTrue(after.global(GlobalCounter.TCP_SEND_BYTES) - before.global(GlobalCounter.TCP_SEND_BYTES) >= t.totalSent());
            assertTrue(after.global(GlobalCounter.UDP_SEND_BYTES) - before.global(GlobalCounter.UDP_SEND_BYTES) >= udp);
        }
    }

    @ParameterizedTest
    @MethodSource("io.ebpfnet.socket.ModeTests#attachModes")
    void openConnectionsAreListedFromTheSocketTables(AttachMode mode, LoadMode load) throws Exception {
        SocketCollectorOptions options = ModeTests.optionsOrSkip(mode, load);
        try (SocketCollector collector = SocketCollector.start(options, false);
             ServerSocket server = new ServerSocket(0, 1, LO);
             Socket client = new Socket(LO, server.getLocalPort());
             Socket accepted = server.accept();
             DatagramSocket receiver = new DatagramSocket(new InetSocketAddress(LO, 0));
             DatagramSocket sender = new DatagramSocket(new InetSocketAddress(LO, 0))) {
            receiver.setSoTimeout(5000);
            accepted.setSoTimeout(5000);
            SocketSnapshot before = collector.snapshot();
            OutputStream out = client.getOutputStream();
            out.write(new byte[1500]);
            out.flush();
            InputStream in = accepted.getInputStream();
            byte[] buf = new byte[2048];
            for (int got = 0; got < 1500; ) {
                got += in.read(buf, 0, 1500 - got);
            }
            sender.connect(LO, receiver.getLocalPort());
            for (int i = 0; i < 3; i++) {
                sender.send(new DatagramPacket(new byte[123], 123));
                receiver.receive(new DatagramPacket(buf, buf.length));
            }

            // open sockets of this namespace: their counts reach the rows by the read's fold
            SocketSnapshot after = collector.snapshot();
            assertEquals(1500, after.processes().sum(Deltas.PID, ProcessCounter.TCP_BYTES_SENT)
                    - before.processes().sum(Deltas.PID, ProcessCounter.TCP_BYTES_SENT));
            assertEquals(1500, after.processes().sum(Deltas.PID, ProcessCounter.TCP_BYTES_RECEIVED)
                    - before.processes().sum(Deltas.PID, ProcessCounter.TCP_BYTES_RECEIVED));
            assertEquals(369, after.processes().sum(Deltas.PID, ProcessCounter.UDP_BYTES_SENT)
                    - before.processes().sum(Deltas.PID, ProcessCounter.UDP_BYTES_SENT));

            ConnectionTable t = collector.connections(false);
            long clientSent = -1;
            long serverReceived = -1;
            long udpSent = -1;
            for (int r = 0; r < t.size(); r++) {
                if (t.tgid(r) != Deltas.PID) {
                    continue;
                }
                assertFalse(t.closed(r), "nothing of ours closed yet");
                if (t.protocol(r) == 6 && t.localPort(r) == client.getLocalPort() && t.remotePort(r) == server.getLocalPort()) {
                    clientSent = t.bytesSent(r);
                } else if (t.protocol(r) == 6 && t.localPort(r) == server.getLocalPort() && t.remotePort(r) == client.getLocalPort()) {
                    serverReceived = t.bytesReceived(r);
                } else if (t.protocol(r) == 17 && t.localPort(r) == sender.getLocalPort()) {
                    udpSent = t.bytesSent(r);
                    assertEquals(3, t.sendCalls(r));
                }
            }
            assertEquals(1500, clientSent, "the client's open connection");
            assertEquals(1500, serverReceived, "the accepted connection");
            assertEquals(369, udpSent, "the connected UDP sender");
        }
    }

    @ParameterizedTest
    @MethodSource("io.ebpfnet.socket.ModeTests#attachModes")
    void socketsOfAnotherNetworkNamespaceCountAtOnce(AttachMode mode, LoadMode load) throws Exception {
        SocketCollectorOptions options = ModeTests.optionsOrSkip(mode, load);
        String ns = "ebpfnet-nmi-" + Deltas.PID;
        Commands.run("ip", "netns", "add", ns);
        try (SocketCollector collector = SocketCollector.start(options, false)) {
            Commands.run("ip", "netns", "exec", ns, "ip", "link", "set", "lo", "up");
            // `ip netns exec` execs the command: the JVM keeps the child's pid
            Process exchange = new ProcessBuilder("ip", "netns", "exec", ns,
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                    System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")),
                    LoopbackExchange.class.getName(), "7", "300").redirectErrorStream(true).start();
            int pid = (int) exchange.pid();
            try {
                BufferedReader out = new BufferedReader(new InputStreamReader(exchange.getInputStream()));
                assertEquals("sent", out.readLine());
                // its sockets are open and in no table this namespace's iterators walk: counted at each event
                assertExchangeCounted(collector.snapshot().processes(), pid, "sockets open");
            } finally {
                exchange.getOutputStream().close();
                if (!exchange.waitFor(30, TimeUnit.SECONDS)) {
                    exchange.destroyForcibly();
                }
            }
            // closed and released: nothing folded a second time
            assertExchangeCounted(collector.snapshot().processes(), pid, "sockets closed");
        } finally {
            Commands.run("ip", "netns", "del", ns);
        }
    }

    /* LoopbackExchange 7 300: 2,100 bytes each way over UDP, 2,100 + 300 over TCP, one connect, one accept. */
    private static void assertExchangeCounted(ProcessTable p, int pid, String when) {
        assertEquals(2100, p.sum(pid, ProcessCounter.UDP_BYTES_SENT), "UDP sent, " + when);
        assertEquals(2100, p.sum(pid, ProcessCounter.UDP_BYTES_RECEIVED), "UDP received, " + when);
        assertEquals(2400, p.sum(pid, ProcessCounter.TCP_BYTES_SENT), "TCP sent, " + when);
        assertEquals(2400, p.sum(pid, ProcessCounter.TCP_BYTES_RECEIVED), "TCP received, " + when);
        assertEquals(1, p.sum(pid, ProcessCounter.TCP_V4_CONNECTS), "connects, " + when);
        assertEquals(1, p.sum(pid, ProcessCounter.TCP_ACCEPTS), "accepts, " + when);
    }
}
