package io.ebpfnet.socket;

import io.ebpfnet.core.detect.AttachMode;
import io.ebpfnet.core.testing.KernelTests;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The tracepoint mode, fully, on this kernel: exact per-process bytes from our own loopback traffic. */
class SocketCollectorKernelTest {
    private static final int PID = (int) ProcessHandle.current().pid();

    @BeforeEach
    void needsKernel() {
        KernelTests.requireBpf();
    }

    @Test
    void tcpOverIpv4IsCountedExactlyForThisProcess() throws Exception {
        try (SocketCollector collector = SocketCollector.start(SocketCollectorOptions.defaults(AttachMode.TRACEPOINT))) {
            SocketSnapshot before = collector.snapshot();
            Traffic.TcpExchange t = Traffic.tcp(InetAddress.getByName("127.0.0.1"), 100, 1000, 300);
            SocketSnapshot after = collector.snapshot();

            ProcessTable p = after.processes();
            assertEquals(t.totalSent(), p.sum(PID, ProcessCounter.TCP_BYTES_SENT) - before.processes().sum(PID, ProcessCounter.TCP_BYTES_SENT));
            assertEquals(t.totalSent(), p.sum(PID, ProcessCounter.TCP_BYTES_RECEIVED) - before.processes().sum(PID, ProcessCounter.TCP_BYTES_RECEIVED));
            assertEquals(1, p.sum(PID, ProcessCounter.TCP_V4_CONNECTS) - before.processes().sum(PID, ProcessCounter.TCP_V4_CONNECTS));
            assertEquals(1, p.sum(PID, ProcessCounter.TCP_ACCEPTS) - before.processes().sum(PID, ProcessCounter.TCP_ACCEPTS));
            assertTrue(after.global(GlobalCounter.TCP_SEND_BYTES) - before.global(GlobalCounter.TCP_SEND_BYTES) >= t.totalSent());
            assertTrue(after.global(GlobalCounter.TCP_RECV_BYTES) - before.global(GlobalCounter.TCP_RECV_BYTES) >= t.totalSent());
            int row = p.find(PID);
            assertTrue(row >= 0);
            assertTrue(p.comm(row).startsWith("java"), p.comm(row));
        }
    }
}
