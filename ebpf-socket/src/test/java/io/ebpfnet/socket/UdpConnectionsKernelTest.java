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
}
