package io.ebpfnet.socket;

import io.ebpfnet.core.detect.AttachMode;
import io.ebpfnet.core.testing.KernelTests;
import io.ebpfnet.core.testing.LoopbackTraffic;
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
            LoopbackTraffic.TcpExchange t = LoopbackTraffic.tcp(InetAddress.getByName("127.0.0.1"), 100, 1000, 300);
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

    @Test
    void largeTablesAreNotPreallocatedWhereTheKernelAllowsIt() {
        // 4M-entry per-CPU tables would take gigabytes if preallocated; allocated on insert they load at once.
        SocketCollectorOptions huge = SocketCollectorOptions.defaults(AttachMode.TRACEPOINT).withBandwidthTableSize(4_194_304)
                .withConnectionTableSizes(4_194_304, 4_194_304);
        if (!SocketCollector.allocatesOnInsert()) {
            KernelTests.skipOrFail("this kernel (before 6.1) needs preallocated tables");
        }
        long before = percpuKilobytes();
        try (SocketCollector collector = SocketCollector.start(huge)) {
            long grown = percpuKilobytes() - before;
            // Preallocated, the process table alone would take 4,194,304 x 184 B x CPUs of per-CPU memory.
            long preallocated = 4_194_304L * 184 * io.ebpfnet.core.PossibleCpus.count() / 1024;
            assertTrue(grown < preallocated / 10, "per-CPU memory grew by " + grown + " kB; preallocation would take " + preallocated);
            assertEquals(0, collector.snapshot().global(GlobalCounter.REFUSED_PROCESSES));
        }
    }

    private static long percpuKilobytes() {
        try {
            return java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/meminfo")).stream()
                    .filter(l -> l.startsWith("Percpu:"))
                    .mapToLong(l -> Long.parseLong(l.replaceAll("[^0-9]", "")))
                    .findFirst().orElseThrow();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
