package io.ebpfnet.socket;

import io.ebpfnet.core.BpfException;
import io.ebpfnet.core.BpfPermissionException;
import io.ebpfnet.core.BpfUnsupportedException;
import io.ebpfnet.core.KernelDetection;
import io.ebpfnet.core.detect.AttachMode;
import io.ebpfnet.core.detect.DetectionReport;
import io.ebpfnet.core.detect.ProbeResult;
import io.ebpfnet.core.testing.KernelPrograms;
import io.ebpfnet.core.testing.KernelTests;
import io.ebpfnet.core.testing.LoopbackTraffic;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.net.InetAddress;
import java.util.stream.Stream;

import static io.ebpfnet.socket.Deltas.delta;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The same accuracy assertions in every attach mode and load mode. Where the kernel refuses a mode
 * (our CI kernel: fentry at load, kprobes at attach), the collector must fail with the typed error the
 * probe predicted, and the rest is skipped with that reason; the qemu kernel matrix runs them fully.
 */
class AttachModesKernelTest {
    private static DetectionReport report;

    @BeforeAll
    static void detect() {
        KernelTests.requireBpf();
        report = KernelDetection.detect();
    }

    static Stream<Arguments> modes() {
        return Stream.of(AttachMode.TRAMPOLINE, AttachMode.PROBE, AttachMode.TRACEPOINT)
                .flatMap(m -> Stream.of(Arguments.of(m, LoadMode.ENTRY), Arguments.of(m, LoadMode.RETURN)));
    }

    @ParameterizedTest(name = "{0} / {1}")
    @MethodSource("modes")
    void exactCountsInEveryMode(AttachMode mode, LoadMode load) throws Exception {
        SocketCollectorOptions options = SocketCollectorOptions.defaults(mode).withLoadMode(load);
        ProbeResult probe = report.probes().get(mode.requiredProbe());
        if (!probe.allowed()) {
            // The kernel matrix (scripts/kernel-matrix.sh) names the modes its kernel must run.
            assertTrue(!requiredModes().contains(mode.cliName()),
                    mode.cliName() + " is required on this kernel (EBPFNET_REQUIRE_MODES) but refused: " + probe.summary());
            BpfException e = assertThrows(BpfException.class, () -> SocketCollector.start(options).close());
            if (probe.errno().equals("EPERM") || probe.errno().equals("EACCES")) {
                assertInstanceOf(BpfPermissionException.class, e);
            } else {
                assertInstanceOf(BpfUnsupportedException.class, e);
            }
            // The kernel's refusal, or (errno 0) the collector's own check that the hooks exist.
            assertTrue(e.errno() == 0 || probe.errno().equals(e.errnoName()), probe.errno() + " vs " + e.getMessage());
            String reason = mode.cliName() + " mode cannot run on this kernel: " + probe.summary();
            System.out.println("SKIPPED (kernel refuses the mode, as probed): " + reason);
            Assumptions.abort(reason);
        }
        long programsBefore = KernelPrograms.settled(-1);
        try (SocketCollector collector = SocketCollector.start(options)) {
            assertTrue(collector.skippedPrograms().isEmpty(), collector.skippedPrograms().toString());
            assertTrue(KernelPrograms.count() > programsBefore, "programs loaded");
            SocketSnapshot before = collector.snapshot();
            LoopbackTraffic.TcpExchange t = LoopbackTraffic.tcp(InetAddress.getByName("127.0.0.1"), 64, 777, 55);
            LoopbackTraffic.TcpExchange t6 = LoopbackTraffic.tcp(InetAddress.getByName("::1"), 10, 100, 100);
            long udp = LoopbackTraffic.udp(InetAddress.getByName("127.0.0.1"), 25, 333);
            SocketSnapshot after = collector.snapshot();

            assertEquals(t.totalSent() + t6.totalSent(), delta(before, after, ProcessCounter.TCP_BYTES_SENT));
            assertEquals(t.totalSent() + t6.totalSent(), delta(before, after, ProcessCounter.TCP_BYTES_RECEIVED));
            assertEquals(udp, delta(before, after, ProcessCounter.UDP_BYTES_SENT));
            assertEquals(udp, delta(before, after, ProcessCounter.UDP_BYTES_RECEIVED));
            assertEquals(1, delta(before, after, ProcessCounter.TCP_V4_CONNECTS));
            assertEquals(1, delta(before, after, ProcessCounter.TCP_V6_CONNECTS));
            assertEquals(2, delta(before, after, ProcessCounter.TCP_ACCEPTS));
            assertTrue(delta(before, after, ProcessCounter.TCP_CLOSES) >= 2);
            assertEquals(0, delta(before, after, ProcessCounter.TCP_SEND_ERRORS));

            // Errors: counted in return mode (and always by the tracepoints, which carry the return value).
            SocketSnapshot beforeErrors = collector.snapshot();
            Failures.udpSendToBroadcastWithoutPermission();
            Failures.sendOnResetConnection();
            SocketSnapshot afterErrors = collector.snapshot();
            boolean errorsKnown = load == LoadMode.RETURN || mode == AttachMode.TRACEPOINT;
            assertEquals(errorsKnown ? 1 : 0, delta(beforeErrors, afterErrors, ProcessCounter.UDP_SEND_ERRORS), "udp send errors");
            // The modes differ here, by design (docs/metrics.md): at function entry the requested size is all
            // there is, so the failed 10-byte UDP send counts 10 bytes; hooks that see the return value count 0.
            boolean requestedSize = load == LoadMode.ENTRY && mode != AttachMode.TRACEPOINT;
            assertEquals(requestedSize ? 10 : 0, delta(beforeErrors, afterErrors, ProcessCounter.UDP_BYTES_SENT),
                    "bytes of a failed UDP send");
            long tcpErrors = delta(beforeErrors, afterErrors, ProcessCounter.TCP_SEND_ERRORS);
            assertTrue(errorsKnown ? tcpErrors >= 1 : tcpErrors == 0, "tcp send errors: " + tcpErrors);
        }
        // A clean detach: every program of the collector is gone.
        assertEquals(programsBefore, KernelPrograms.settled(programsBefore), "BPF programs after close");
    }

    /** Modes that must run here (comma-separated EBPFNET_REQUIRE_MODES); empty on our CI host. */
    static java.util.List<String> requiredModes() {
        String v = System.getenv().getOrDefault("EBPFNET_REQUIRE_MODES", "");
        return v.isBlank() ? java.util.List.of() : java.util.List.of(v.split(","));
    }

}
