package io.ebpfnet.socket;

import io.ebpfnet.core.detect.AttachMode;
import io.ebpfnet.core.testing.KernelTests;
import io.ebpfnet.core.testing.LoopbackTraffic;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;

import static io.ebpfnet.socket.Deltas.delta;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** IPv6, UDP, closes, errors, exited processes, a full table and shared maps, in the tracepoint mode. */
class MoreSocketCollectorKernelTest {
    @BeforeEach
    void needsKernel() {
        KernelTests.requireBpf();
    }



    @Test
    void tcpOverIpv6CountsBytesAndAnIpv6Connect() throws Exception {
        try (SocketCollector collector = SocketCollector.start(SocketCollectorOptions.defaults(AttachMode.TRACEPOINT))) {
            SocketSnapshot before = collector.snapshot();
            LoopbackTraffic.TcpExchange t = LoopbackTraffic.tcp(InetAddress.getByName("::1"), 50, 2000, 17);
            SocketSnapshot after = collector.snapshot();
            assertEquals(t.totalSent(), delta(before, after, ProcessCounter.TCP_BYTES_SENT));
            assertEquals(t.totalSent(), delta(before, after, ProcessCounter.TCP_BYTES_RECEIVED));
            assertEquals(1, delta(before, after, ProcessCounter.TCP_V6_CONNECTS));
            assertEquals(0, delta(before, after, ProcessCounter.TCP_V4_CONNECTS));
            assertEquals(1, delta(before, after, ProcessCounter.TCP_ACCEPTS));
            assertTrue(delta(before, after, GlobalCounter.TCP_CONNECT_V6) >= 1);

            // client, accepted and listening sockets all reach CLOSE
            assertEquals(3, delta(before, after, ProcessCounter.TCP_CLOSES));
        }
    }

    @Test
    void udpOverIpv4AndIpv6IsCountedExactly() throws Exception {
        try (SocketCollector collector = SocketCollector.start(SocketCollectorOptions.defaults(AttachMode.TRACEPOINT))) {
            SocketSnapshot before = collector.snapshot();
            long v4 = LoopbackTraffic.udp(InetAddress.getByName("127.0.0.1"), 40, 512);
            long v6 = LoopbackTraffic.udp(InetAddress.getByName("::1"), 30, 1200);
            SocketSnapshot after = collector.snapshot();
            assertEquals(v4 + v6, delta(before, after, ProcessCounter.UDP_BYTES_SENT));
            assertEquals(v4 + v6, delta(before, after, ProcessCounter.UDP_BYTES_RECEIVED));
            assertEquals(70, delta(before, after, ProcessCounter.UDP_SEND_CALLS));
            assertEquals(70, delta(before, after, ProcessCounter.UDP_RECV_CALLS));
            assertEquals(0, delta(before, after, ProcessCounter.TCP_BYTES_SENT));
            assertTrue(delta(before, after, GlobalCounter.UDP_SEND_BYTES) >= v4 + v6);
            assertTrue(delta(before, after, GlobalCounter.UDP_RECV_BYTES) >= v4 + v6);
        }
    }

    /**
     * Four threads send on one UDP socket while another thread reads the collector as fast as it can, so
     * reads fold the socket's counts into the process row while sends add to them; then the socket closes
     * (its last counts folded at its release). Nothing is counted twice or lost.
     */
    @Test
    void oneSocketSharedByThreadsStaysExactWhileReadsFoldIt() throws Exception {
        int threads = 4;
        int sends = 20_000;
        int size = 64;
        try (SocketCollector collector = SocketCollector.start(SocketCollectorOptions.defaults(AttachMode.TRACEPOINT));
             DatagramSocket sink = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            SocketSnapshot before = collector.snapshot();
            java.util.concurrent.atomic.AtomicBoolean done = new java.util.concurrent.atomic.AtomicBoolean();
            java.util.concurrent.atomic.AtomicInteger reads = new java.util.concurrent.atomic.AtomicInteger();
            Thread reader = new Thread(() -> {
                while (!done.get()) {
                    collector.snapshot();
                    reads.incrementAndGet();
                }
            }, "reader");
            reader.start();
            try (DatagramSocket shared = new DatagramSocket()) {
                shared.connect(sink.getLocalSocketAddress());
                List<Thread> senders = new ArrayList<>();
                for (int i = 0; i < threads; i++) {
                    Thread t = new Thread(() -> {
                        DatagramPacket packet = new DatagramPacket(new byte[size], size);
                        try {
                            for (int n = 0; n < sends; n++) {
                                shared.send(packet);
                            }
                        } catch (java.io.IOException e) {
                            throw new java.io.UncheckedIOException(e);
                        }
                    });
                    t.start();
                    senders.add(t);
                }
                for (Thread t : senders) {
                    t.join();
                }
            } finally {
                done.set(true);
                reader.join();
            }
            SocketSnapshot after = collector.snapshot();
            assertTrue(reads.get() > 2, "reads ran during the sends: " + reads.get());
            assertEquals((long) threads * sends * size, delta(before, after, ProcessCounter.UDP_BYTES_SENT));
            assertEquals((long) threads * sends, delta(before, after, ProcessCounter.UDP_SEND_CALLS));
        }
    }

    @Test
    void failedSendsAreCountedAsErrors() throws Exception {
        try (SocketCollector collector = SocketCollector.start(
                SocketCollectorOptions.defaults(AttachMode.TRACEPOINT).withLoadMode(LoadMode.RETURN))) {
            SocketSnapshot before = collector.snapshot();
            Failures.sendOnResetConnection();
            Failures.udpSendToBroadcastWithoutPermission();
            SocketSnapshot after = collector.snapshot();
            assertTrue(delta(before, after, ProcessCounter.TCP_SEND_ERRORS) >= 1, "tcp send errors");
            assertTrue(delta(before, after, GlobalCounter.TCP_SEND_ERRORS) >= 1);
            assertEquals(1, delta(before, after, ProcessCounter.UDP_SEND_ERRORS), "udp send errors");
            assertTrue(delta(before, after, GlobalCounter.UDP_SEND_ERRORS) >= 1);
        }
    }

    @Test
    void anExitedProcessIsReportedOnceWithItsFinalCountsThenReleased() throws Exception {
        try (SocketCollector collector = SocketCollector.start(SocketCollectorOptions.defaults(AttachMode.TRACEPOINT));
             DatagramSocket sink = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            Process child = Commands.udpSender(sink.getLocalPort(), 5, 300);
            assertEquals(0, child.waitFor());
            int childPid = (int) child.pid();

            ProcessTable last = collector.snapshot().processes();
            int row = last.find(childPid);
            assertTrue(row >= 0, "the exited child is still reported once");
            assertTrue(last.exited(row));
            assertEquals(1500, last.sum(childPid, ProcessCounter.UDP_BYTES_SENT));
            assertEquals(5, last.sum(childPid, ProcessCounter.UDP_SEND_CALLS));
            assertEquals("bash", last.comm(row));

            assertEquals(-1, collector.snapshot().processes().find(childPid), "released after being read");
        }
    }

    /**
     * A listener's entry (tracepoint mode: who is charged for accepts nobody claims) goes when it closes,
     * also when its port was ephemeral, which the kernel gives back before the LISTEN → CLOSE change: 12,000
     * listeners opened and closed one after the other (~9,800 distinct ports) pass through the 4,096-entry
     * table with none refused (each one left its entry behind before, and the table filled for good).
     */
    @Test
    void closedListenersLeaveNoEntryBehind() throws Exception {
        try (SocketCollector collector = SocketCollector.start(SocketCollectorOptions.defaults(AttachMode.TRACEPOINT))) {
            SocketSnapshot before = collector.snapshot();
            for (int i = 0; i < 12_000; i++) { // ~9,800 distinct ephemeral ports: more than the table holds
                new ServerSocket(0, 1, InetAddress.getLoopbackAddress()).close();
            }
            int explicit;
            try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                explicit = probe.getLocalPort();
            }
            for (int i = 0; i < 100; i++) { // bound to a port it names: the port stays bound until the close
                try (ServerSocket s = new ServerSocket()) {
                    s.setReuseAddress(true);
                    s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), explicit), 1);
                }
            }
            SocketSnapshot after = collector.snapshot();
            assertEquals(0, delta(before, after, GlobalCounter.REFUSED_LISTENERS), "listeners refused: the table filled up");
            assertEquals(0, delta(before, after, GlobalCounter.INSERTS_FAILED));
        }
    }

    @Test
    void aFullProcessTableRefusesInsertsVisiblyAndGlobalCountersStayExact() throws Exception {
        SocketCollectorOptions tiny = SocketCollectorOptions.defaults(AttachMode.TRACEPOINT).withBandwidthTableSize(4);
        try (SocketCollector collector = SocketCollector.start(tiny);
             DatagramSocket sink = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            SocketSnapshot before = collector.snapshot();
            List<Process> children = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                children.add(Commands.udpSender(sink.getLocalPort(), 3, 100));
            }
            for (Process p : children) {
                assertEquals(0, p.waitFor());
            }
            SocketSnapshot after = collector.snapshot();
            assertTrue(after.processes().size() <= 4, "the table holds at most its size: " + after.processes().size());
            assertTrue(delta(before, after, GlobalCounter.REFUSED_PROCESSES) > 0, "refused inserts are counted");
            assertEquals(0, delta(before, after, GlobalCounter.INSERTS_FAILED), "a full table's refusals are not failed inserts");
            // Every send is in the global counters, whether or not its process got a row.
            assertTrue(delta(before, after, GlobalCounter.UDP_SEND_CALLS) >= 60);
            assertTrue(delta(before, after, GlobalCounter.UDP_SEND_BYTES) >= 6000);
        }
    }

    @Test
    void connectionTablesTurnedOffAreNeverTouchedAndProcessesStayExact() throws Exception {
        // The control: on, the same kind of traffic leaves this process's connections in the table.
        try (SocketCollector on = SocketCollector.start(SocketCollectorOptions.defaults(AttachMode.TRACEPOINT))) {
            on.connections(false); // from now on closed connections are kept for the next read
            LoopbackTraffic.tcp(InetAddress.getByName("127.0.0.1"), 10, 100, 10);
            ConnectionTable v4 = on.connections(false);
            int ours = 0;
            for (int r = 0; r < v4.size(); r++) {
                ours += v4.tgid(r) == Deltas.PID && v4.closed(r) ? 1 : 0;
            }
            assertTrue(ours >= 2, "both ends of the closed connection are listed: " + ours);
        }
        // Off: no socket counters and no closed-connection records at all.
        try (SocketCollector off = SocketCollector.start(SocketCollectorOptions.defaults(AttachMode.TRACEPOINT).withConnections(false))) {
            SocketSnapshot before = off.snapshot();
            LoopbackTraffic.TcpExchange t = LoopbackTraffic.tcp(InetAddress.getByName("127.0.0.1"), 50, 700, 30);
            long udp = LoopbackTraffic.udp(InetAddress.getByName("::1"), 20, 99);
            SocketSnapshot after = off.snapshot();
            assertEquals(0, delta(before, after, GlobalCounter.REFUSED_CONNECTIONS_V4));
            assertEquals(0, delta(before, after, GlobalCounter.REFUSED_CONNECTIONS_V6));
            assertEquals(t.totalSent(), delta(before, after, ProcessCounter.TCP_BYTES_SENT));
            assertEquals(t.totalSent(), delta(before, after, ProcessCounter.TCP_BYTES_RECEIVED));
            assertEquals(1, delta(before, after, ProcessCounter.TCP_ACCEPTS));
            assertEquals(udp, delta(before, after, ProcessCounter.UDP_BYTES_SENT));
            assertEquals(udp, delta(before, after, ProcessCounter.UDP_BYTES_RECEIVED));
            assertThrows(IllegalStateException.class, () -> off.connections(false));
        }
    }

    @Test
    void sharedMapsCountTheSameAsPerCpuMaps() throws Exception {
        SocketCollectorOptions shared = SocketCollectorOptions.defaults(AttachMode.TRACEPOINT).withMapsPerCore(false);
        try (SocketCollector collector = SocketCollector.start(shared)) {
            SocketSnapshot before = collector.snapshot();
            LoopbackTraffic.TcpExchange t = LoopbackTraffic.tcp(InetAddress.getByName("127.0.0.1"), 200, 333, 44);
            long udp = LoopbackTraffic.udp(InetAddress.getByName("127.0.0.1"), 20, 99);
            SocketSnapshot after = collector.snapshot();
            assertEquals(t.totalSent(), delta(before, after, ProcessCounter.TCP_BYTES_SENT));
            assertEquals(t.totalSent(), delta(before, after, ProcessCounter.TCP_BYTES_RECEIVED));
            assertEquals(udp, delta(before, after, ProcessCounter.UDP_BYTES_SENT));
            assertEquals(udp, delta(before, after, ProcessCounter.UDP_BYTES_RECEIVED));
        }
    }

    @Test
    void aListeningSocketIsNotAConnection() throws Exception {
        try (SocketCollector collector = SocketCollector.start(SocketCollectorOptions.defaults(AttachMode.TRACEPOINT));
             ServerSocket server = new ServerSocket()) {
            collector.connections(false);
            server.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0)); // listens after the collector started
            ConnectionTable v4 = collector.connections(false);
            for (int r = 0; r < v4.size(); r++) {
                assertFalse(v4.tgid(r) == Deltas.PID && v4.localPort(r) == server.getLocalPort(),
                        "the listener is listed: state " + v4.tcpState(r) + ", remote port " + v4.remotePort(r));
            }
        }
    }

    @Test
    void connectionTableHasBothEndsWithExactBytesAndDirections() throws Exception {
        try (SocketCollector collector = SocketCollector.start(SocketCollectorOptions.defaults(AttachMode.TRACEPOINT))) {
            collector.connections(false); // closed connections are kept from the first read on
            InetAddress lo = InetAddress.getByName("127.0.0.1");
            int serverPort;
            try (ServerSocket server = new ServerSocket()) {
                server.bind(new InetSocketAddress(lo, 0));
                serverPort = server.getLocalPort();
                try (Socket client = new Socket(lo, serverPort); Socket accepted = server.accept()) {
                    client.getOutputStream().write(new byte[4321]);
                    accepted.getInputStream().readNBytes(4321);
                    accepted.getOutputStream().write(new byte[99]);
                    client.getInputStream().readNBytes(99);
                }
            }
            ConnectionTable v4 = collector.connections(false);
            int outbound = -1;
            int inbound = -1;
            for (int r = 0; r < v4.size(); r++) {
                if (v4.tgid(r) == Deltas.PID && v4.remotePort(r) == serverPort) {
                    outbound = r;
                } else if (v4.tgid(r) == Deltas.PID && v4.localPort(r) == serverPort) {
                    inbound = r;
                }
            }
            assertTrue(outbound >= 0 && inbound >= 0, "both ends listed");
            assertEquals(4321, v4.bytesSent(outbound));
            assertEquals(99, v4.bytesReceived(outbound));
            assertEquals(ConnectionTable.Direction.OUTBOUND, v4.direction(outbound));
            assertEquals(4321, v4.bytesReceived(inbound));
            assertEquals(99, v4.bytesSent(inbound));
            assertEquals(ConnectionTable.Direction.INBOUND, v4.direction(inbound));
            assertEquals(6, v4.protocol(inbound));
            assertEquals(lo, v4.remoteAddress(outbound));
            assertFalse(v4.isIpv6());
        }
    }

    @Test
    void acceptsOnAListenerOlderThanTheCollectorGoToTheAcceptingProcess() throws Exception {
        InetAddress lo = InetAddress.getByName("127.0.0.1");
        try (ServerSocket server = new ServerSocket()) {
            server.bind(new InetSocketAddress(lo, 0)); // listening before the collector starts
            try (SocketCollector collector = SocketCollector.start(SocketCollectorOptions.defaults(AttachMode.TRACEPOINT))) {
                collector.connections(false); // closed connections are kept from the first read on
                SocketSnapshot before = collector.snapshot();
                try (Socket client = new Socket(lo, server.getLocalPort()); Socket accepted = server.accept()) {
                    client.getOutputStream().write(new byte[10]);
                    accepted.getInputStream().readNBytes(10);
                }
                SocketSnapshot after = collector.snapshot();
                assertEquals(1, delta(before, after, ProcessCounter.TCP_ACCEPTS), "charged to this process, not to pid 0");
                assertEquals(0, after.processes().sum(0, ProcessCounter.TCP_ACCEPTS) - before.processes().sum(0, ProcessCounter.TCP_ACCEPTS));
                ConnectionTable v4 = collector.connections(false);
                boolean inbound = false;
                for (int r = 0; r < v4.size(); r++) {
                    inbound |= v4.tgid(r) == Deltas.PID && v4.localPort(r) == server.getLocalPort()
                            && v4.direction(r) == ConnectionTable.Direction.INBOUND && v4.bytesReceived(r) == 10;
                }
                assertTrue(inbound, "the accepted connection is listed as inbound");
            }
        }
    }
}
