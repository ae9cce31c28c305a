package io.ebpfnet.socket;

import io.ebpfnet.core.KernelDetection;
import io.ebpfnet.core.detect.AttachDecision;
import io.ebpfnet.core.detect.AttachMode;
import io.ebpfnet.core.detect.AttachModeChooser;
import io.ebpfnet.core.detect.AttachRequest;
import io.ebpfnet.core.detect.DetectionReport;
import io.ebpfnet.core.testing.KernelTests;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Detection and {@code auto} on the real kernel: auto takes the first mode whose probe passed, and
 * where the test run names the expected mode (EBPFNET_EXPECT_AUTO_MODE: tracepoint on our CI host,
 * trampoline in the 6.1 guest) it must be that one, and the collector must start in it.
 */
class AutoModeKernelTest {
    @Test
    void autoChoosesTheBestAllowedModeAndSaysWhy() {
        KernelTests.requireBpf();
        DetectionReport report = KernelDetection.detect();
        AttachDecision d = AttachModeChooser.choose(AttachRequest.best(AttachMode.TRAMPOLINE), report);
        System.out.println("auto on " + report.release() + ": " + d.mode().cliName() + " — " + d.explanation());
        AttachMode expected = null;
        for (AttachMode m : new AttachMode[] {AttachMode.TRAMPOLINE, AttachMode.PROBE, AttachMode.TRACEPOINT}) {
            if (report.btfParsable() && report.allows(m.requiredProbe())) {
                expected = m;
                break;
            }
        }
        assertEquals(expected, d.mode());
        assertTrue(d.explanation().contains(d.mode().cliName() + ": chosen"), d.explanation());
        String wanted = System.getenv().getOrDefault("EBPFNET_EXPECT_AUTO_MODE", "");
        if (!wanted.isBlank()) {
            assertEquals(wanted, d.mode().cliName(), "auto on " + report.release() + ": " + d.explanation());
        }
        try (SocketCollector collector = SocketCollector.start(SocketCollectorOptions.defaults(d.mode()))) {
            assertEquals(d.mode(), collector.attachMode());
            assertTrue(!collector.attachedPrograms().isEmpty());
        }
    }
}
