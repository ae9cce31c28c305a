package io.ebpfnet.cli;

import io.ebpfnet.core.testing.KernelTests;
import org.junit.jupiter.api.Test;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The default job: collect and print every interval, stopping after --count outputs. */
class CollectorRunTest {
    @Test
    void printsTheGlobalChartsEveryIntervalAndStops() throws Exception {
        KernelTests.requireBpf();
        // Traffic for as long as the CLI runs, however long it takes to start on a busy host.
        java.util.concurrent.atomic.AtomicBoolean done = new java.util.concurrent.atomic.AtomicBoolean();
        Thread traffic = new Thread(() -> {
            try (DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
                byte[] payload = new byte[1000];
                while (!done.get()) {
                    s.send(new DatagramPacket(payload, payload.length, InetAddress.getLoopbackAddress(), s.getLocalPort()));
                    s.receive(new DatagramPacket(new byte[2000], 2000));
                    Thread.sleep(10);
                }
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
        traffic.start();
        CliRun run = CliRun.of("--interval", "1", "--count", "2", "--load-mode", "return");
        done.set(true);
        traffic.join();
        assertEquals(0, run.exitCode(), run.err());
        assertEquals(2, run.out().lines().filter(l -> l.contains("interval")).count(), run.out());
        assertTrue(run.out().contains("ip.total_udp_bandwidth"), run.out());
        assertTrue(run.out().contains("ip.udp_error"), "return mode shows the error charts:\n" + run.out());
        assertTrue(run.err().contains("attach mode"), run.err());
        assertTrue(run.err().lines().anyMatch(l -> l.matches("ebpf-cli: \\d+ programs attached, counting; the first interval follows in 1 s")),
                run.err());
        // This JVM sent UDP in every interval, so each interval lists processes: at most ten, busiest first.
        // (Whether this JVM is among them depends on what else the host does; JsonOutputIT checks its exact bytes.)
        for (String block : run.out().split("(?m)^(?=\\S.*interval)")) {
            List<Double> totals = block.lines().filter(l -> l.matches("  \\d+ .*")).map(CollectorRunTest::rowTotal).toList();
            if (!block.isBlank()) {
                assertTrue(!totals.isEmpty() && totals.size() <= 10, "1 to 10 process rows:\n" + block);
                for (int i = 1; i < totals.size(); i++) {
                    assertTrue(totals.get(i - 1) >= totals.get(i) - 0.02, "busiest first (rows are rounded to 0.01):\n" + block);
                }
            }
        }
    }

    /** The sum of a process row's four kilobit rates. */
    private static double rowTotal(String row) {
        String[] f = row.trim().split("\\s+");
        double sum = 0;
        for (int i = f.length - 4; i < f.length; i++) {
            sum += Double.parseDouble(f[i]);
        }
        return sum;
    }

    /**
     * In tracepoint mode the splice() and connect() exits (system-call tracepoints: a cost to every system call
     * on the host) are attached only when asked, by the flag or by the configuration key.
     */
    @Test
    void theSyscallHooksAreAttachedOnlyWhenAsked(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        KernelTests.requireBpf();
        CliRun plain = CliRun.of("--interval", "1", "--count", "1", "--mode", "tracepoint");
        assertEquals(0, plain.exitCode(), plain.err());
        assertTrue(plain.err().contains("skipped tp_splice_exit: not asked for"), plain.err());
        assertTrue(plain.err().contains("skipped tp_connect_exit: not asked for"), plain.err());
        CliRun flag = CliRun.of("--interval", "1", "--count", "1", "--mode", "tracepoint", "--syscall-hooks");
        assertEquals(0, flag.exitCode(), flag.err());
        assertTrue(!flag.err().contains("skipped tp_splice_exit") && !flag.err().contains("skipped tp_connect_exit"), flag.err());
        java.nio.file.Path conf = java.nio.file.Files.writeString(dir.resolve("network.conf"), "[global]\n    syscall hooks = yes\n");
        CliRun config = CliRun.of("--interval", "1", "--count", "1", "--mode", "tracepoint", "--config", conf.toString());
        assertEquals(0, config.exitCode(), config.err());
        assertTrue(!config.err().contains("skipped tp_splice_exit") && !config.err().contains("skipped tp_connect_exit"), config.err());
    }

    @Test
    void badIntervalIsAUsageError() {
        CliRun run = CliRun.of("--interval", "0");
        assertEquals(ExitCode.USAGE.code(), run.exitCode());
    }
}
