package io.ebpfnet.socket;

import io.ebpfnet.core.KernelDetection;
import io.ebpfnet.core.detect.AttachDecision;
import io.ebpfnet.core.detect.AttachMode;
import io.ebpfnet.core.detect.AttachModeChooser;
import io.ebpfnet.core.detect.AttachModeException;
import io.ebpfnet.core.detect.AttachRequest;
import io.ebpfnet.core.detect.FeatureProbe;
import io.ebpfnet.core.detect.ProbeResult;
import io.ebpfnet.core.detect.DetectionReport;
import io.ebpfnet.core.testing.KernelTests;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
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
        for (AttachMode m : new AttachMode[] {AttachMode.TRAMPOLINE, AttachMode.PROBE, AttachMode.TRACEPOINT, AttachMode.LEGACY}) {
            if ((report.btfParsable() || !m.needsBtf()) && report.allows(m.requiredProbe())) {
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

    /**
     * The same kernel as one without BTF would report it (no BTF, so the fentry and tp_btf probes cannot
     * run): auto chooses legacy where kprobes work, and the collector starts in it ignoring the kernel's
     * BTF; where kprobes are refused (our CI host) auto refuses legacy and says why.
     */
    @Test
    void withoutBtfAutoChoosesLegacyWhereKprobesWork() {
        KernelTests.requireBpf();
        DetectionReport r = KernelDetection.detect();
        java.util.Map<FeatureProbe, ProbeResult> probes = new java.util.EnumMap<>(r.probes());
        probes.put(FeatureProbe.FENTRY, ProbeResult.notRun(FeatureProbe.FENTRY, "no kernel BTF"));
        probes.put(FeatureProbe.TP_BTF, ProbeResult.notRun(FeatureProbe.TP_BTF, "no kernel BTF"));
        DetectionReport noBtf = new DetectionReport(r.release(), r.configSource(), r.configFlags(), false, false,
                r.capabilities(), r.tracefsMounted(), r.tracefsPath(), probes);
        if (!r.allows(FeatureProbe.KPROBE)) {
            AttachModeException e = assertThrows(AttachModeException.class,
                    () -> AttachModeChooser.choose(AttachRequest.best(AttachMode.TRAMPOLINE), noBtf));
            assertTrue(e.getMessage().contains("only legacy is possible. legacy: refused, kprobe"), e.getMessage());
            return;
        }
        AttachDecision d = AttachModeChooser.choose(AttachRequest.best(AttachMode.TRAMPOLINE), noBtf);
        System.out.println("auto on " + r.release() + " without BTF: " + d.mode().cliName() + " — " + d.explanation());
        assertEquals(AttachMode.LEGACY, d.mode());
        try (SocketCollector collector = SocketCollector.start(SocketCollectorOptions.defaults(d.mode()).withIgnoreKernelBtf(true))) {
            assertEquals(AttachMode.LEGACY, collector.attachMode());
            assertTrue(collector.attachedPrograms().stream().allMatch(p -> p.matches(".* → (kprobe|kretprobe|tracepoint)/.*")),
                    collector.attachedPrograms().toString());
            assertEquals(java.util.List.of(), collector.skippedPrograms().stream().filter(p -> !p.contains("_sendpage")).toList(),
                    "only sendpage hooks may be missing (Linux 6.5+)");
        }
    }
}
