package io.ebpfnet.socket;

import io.ebpfnet.core.detect.AttachMode;
import io.ebpfnet.core.testing.KernelTests;
import org.junit.jupiter.api.Test;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** UDP sockets closed between two reads are reported once, closed, with their final counters (tracepoint mode). */
class UdpConnectionsKernelTest {
    @Test
    void closedUdpSocketsAreReportedWithTheirFinalCounters() throws Exception {
        KernelTests.requireBpf();
        InetAddress lo = InetAddress.getByName("127.0.0.1");
        try (SocketCollector collector = SocketCollector.start(SocketCollectorOptions.defaults(AttachMode.TRACEPOINT))) {
            assertTrue(collector.attachedPrograms().stream().anyMatch(p -> p.startsWith("socket_release")),
                    "the release program is attached: " + collector.attachedPrograms() + " skipped: " + collector.skippedPrograms());
            collector.connections(false); // closed connections are kept from now on
            int senderPort;
            int receiverPort;
            try (DatagramSocket receiver = new DatagramSocket(new InetSocketAddress(lo, 0));
                 DatagramSocket sender = new DatagramSocket(new InetSocketAddress(lo, 0))) {
                receiverPort = receiver.getLocalPort();
                senderPort = sender.getLocalPort();
                sender.connect(lo, receiverPort);
                byte[] buf = new byte[500];
                for (int i = 0; i < 3; i++) {
                    sender.send(new DatagramPacket(new byte[123], 123));
                    receiver.receive(new DatagramPacket(buf, buf.length));
                }
            }
            ConnectionTable t = collector.connections(false);
            long sent = -1;
            long received = -1;
            for (int r = 0; r < t.size(); r++) {
                if (t.tgid(r) != Deltas.PID || t.protocol(r) != 17) {
                    continue;
                }
                boolean ours = t.localPort(r) == senderPort || t.localPort(r) == receiverPort;
                assertTrue(!ours || t.closed(r), "a released socket is reported closed only, not open too");
                if (!t.closed(r)) {
                    continue;
                }
                if (t.localPort(r) == senderPort && t.remotePort(r) == receiverPort) {
                    sent = t.bytesSent(r);
                    assertEquals(3, t.sendCalls(r));
                } else if (t.localPort(r) == receiverPort) {
                    received = t.bytesReceived(r);
                    assertEquals(3, t.receiveCalls(r));
                }
            }
            assertEquals(369, sent, "the connected sender's final row");
            assertEquals(369, received, "the receiver's final row");
        }
    }

    /** An unconnected UDP socket bound to 127.0.0.1 (remote 0.0.0.0) can reach loopback only: it is loopback. */
    @Test
    void unconnectedUdpSocketsOnLoopbackAreLoopback() throws Exception {
        KernelTests.requireBpf();
        InetAddress lo = InetAddress.getByName("127.0.0.1");
        try (SocketCollector collector = SocketCollector.start(SocketCollectorOptions.defaults(AttachMode.TRACEPOINT));
             DatagramSocket receiver = new DatagramSocket(new InetSocketAddress(lo, 0));
             DatagramSocket wildcard = new DatagramSocket(new InetSocketAddress(InetAddress.getByName("0.0.0.0"), 0))) {
            byte[] buf = new byte[100];
            wildcard.send(new DatagramPacket(new byte[10], 10, lo, receiver.getLocalPort()));
            receiver.receive(new DatagramPacket(buf, buf.length));
            // Java's wildcard socket is an IPv6 one (::): its row is in the IPv6 table.
            int seen = 0;
            StringBuilder rows = new StringBuilder();
            for (boolean ipv6 : new boolean[] {false, true}) {
                ConnectionTable t = collector.connections(ipv6);
                for (int r = 0; r < t.size(); r++) {
                    if (t.tgid(r) != Deltas.PID || t.protocol(r) != 17) {
                        continue;
                    }
                    rows.append(t.localAddress(r)).append(':').append(t.localPort(r)).append(" -> ").append(t.remoteAddress(r))
                            .append(':').append(t.remotePort(r)).append('\n');
                    if (t.localPort(r) == receiver.getLocalPort()) {
                        assertTrue(t.remoteAddress(r).isAnyLocalAddress(), "unconnected: " + t.remoteAddress(r));
                        assertTrue(t.isLoopback(r), "bound to 127.0.0.1, unconnected");
                        seen++;
                    } else if (t.localPort(r) == wildcard.getLocalPort()) {
                        assertTrue(!t.isLoopback(r), "bound to the wildcard address: it may reach any address");
                        seen++;
                    }
                }
            }
            assertEquals(2, seen, "both sockets are in the tables; ours (receiver " + receiver.getLocalPort() + ", sender "
                    + wildcard.getLocalPort() + "):\n" + rows);
        }
    }
}
