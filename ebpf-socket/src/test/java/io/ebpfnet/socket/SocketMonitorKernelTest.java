package io.ebpfnet.socket;

import io.ebpfnet.core.detect.AttachMode;
import io.ebpfnet.core.testing.KernelPrograms;
import io.ebpfnet.core.testing.KernelTests;
import io.ebpfnet.core.testing.LoopbackTraffic;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The embedding API: called back every interval with rates over the measured time. */
class SocketMonitorKernelTest {
    /** A monitor that cannot start (a zero or negative interval, no listener) closes the collector it owns. */
    @Test
    void aMonitorThatCannotStartClosesItsCollector() {
        KernelTests.requireBpf();
        long before = KernelPrograms.heldByThisProcess();
        List<Runnable> badStarts = List.of(
                () -> SocketMonitor.start(SocketCollector.start(SocketCollectorOptions.defaults(AttachMode.TRACEPOINT)),
                        Duration.ZERO, i -> { }),
                () -> SocketMonitor.start(SocketCollector.start(SocketCollectorOptions.defaults(AttachMode.TRACEPOINT)),
                        Duration.ofSeconds(-1), i -> { }),
                () -> SocketMonitor.start(SocketCollector.start(SocketCollectorOptions.defaults(AttachMode.TRACEPOINT)),
                        Duration.ofSeconds(1), null));
        for (Runnable start : badStarts) {
            assertThrows(RuntimeException.class, start::run);
            assertEquals(before, KernelPrograms.heldByThisProcess(), "programs and links left by a monitor that did not start");
        }
    }

    @Test
    void listenerGetsEveryIntervalWithRatesAndAllTrafficInBetween() throws Exception {
        KernelTests.requireBpf();
        BlockingQueue<SocketInterval> intervals = new LinkedBlockingQueue<>();
        int pid = (int) ProcessHandle.current().pid();
        long sent = 0;
        try (SocketMonitor monitor = SocketMonitor.start(
                SocketCollector.start(SocketCollectorOptions.defaults(AttachMode.TRACEPOINT)),
                Duration.ofMillis(300), intervals::add)) {
            SocketInterval first = intervals.poll(10, TimeUnit.SECONDS);
            assertNotNull(first);
            sent += LoopbackTraffic.udp(InetAddress.getByName("127.0.0.1"), 10, 1000);
            long sendsDone = System.nanoTime();
            SocketInterval second = intervals.poll(10, TimeUnit.SECONDS);
            assertNotNull(second);
            // consecutive intervals share their ends, so nothing falls between them
            assertEquals(first.current(), second.previous());
            SocketInterval last = second;
            while (last.current().monotonicNanos() <= sendsDone) {
                SocketInterval next = intervals.poll(10, TimeUnit.SECONDS);
                assertNotNull(next);
                assertEquals(last.current(), next.previous());
                last = next;
            }
            assertNull(monitor.failure());
            long counted = last.current().processes().sum(pid, ProcessCounter.UDP_BYTES_SENT)
                    - first.current().processes().sum(pid, ProcessCounter.UDP_BYTES_SENT);
            assertEquals(sent, counted);
            assertTrue(second.rates().seconds() > 0.2 && second.rates().seconds() < 5, "measured " + second.rates().seconds());
        }
    }
}
