package io.ebpfnet.cli;

import io.ebpfnet.core.BpfPermissionException;
import io.ebpfnet.core.KernelDetection;
import io.ebpfnet.core.detect.AttachMode;
import io.ebpfnet.core.detect.AttachModeChooser;
import io.ebpfnet.core.detect.AttachModeException;
import io.ebpfnet.core.detect.AttachRequest;
import io.ebpfnet.core.detect.Capabilities;
import io.ebpfnet.core.detect.DetectionReport;
import io.ebpfnet.core.detect.FeatureProbe;
import io.ebpfnet.core.detect.ProbeResult;
import io.ebpfnet.core.detect.SystemPaths;
import io.ebpfnet.core.testing.KernelTests;
import org.junit.jupiter.api.Test;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiFunction;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The choice made while the inspection still runs (its probes started before the inspection's report is in)
 * against the choice made after it, on the running kernel: both must be the same, whatever the inspection says.
 */
class KernelChoiceTest {
    private static final AttachRequest AUTO = AttachRequest.best(AttachMode.TRAMPOLINE);

    @Test
    void probingWhileInspectingChoosesAsAfterTheInspection() {
        KernelTests.requireBpf();
        DetectionReport inspected = KernelDetection.inspect();
        for (AttachRequest request : new AttachRequest[]{AUTO, AttachRequest.exactly(AttachMode.TRACEPOINT, true)}) {
            DetectionReport after = KernelChoice.probed(request, false, CompletableFuture.completedFuture(inspected));
            DetectionReport during = probedWhilePending(request, false, inspected);
            assertSameReport(after, during);
            assertEquals(choice(request, after), choice(request, during));
        }
        // As on a kernel without BTF: only what legacy needs is probed, in both orders.
        DetectionReport withoutBtf = KernelDetection.inspectIgnoringBtf();
        DetectionReport after = KernelChoice.probed(AUTO, true, CompletableFuture.completedFuture(withoutBtf));
        DetectionReport during = probedWhilePending(AUTO, true, withoutBtf);
        assertSameReport(after, during);
        assertEquals(choice(AUTO, after), choice(AUTO, during));
        assertTrue(during.probes().containsKey(FeatureProbe.KPROBE), "legacy's probe was not run: " + during.probes());
    }

    /* The probes assume the BTF parses when it is present; when the inspection then finds it does not, the
     * answers for the programs BTF types are dropped, as if they had never been asked for. */
    @Test
    void answersTheInspectionWouldNotAskForAreDropped() {
        KernelTests.requireBpf();
        DetectionReport real = KernelDetection.inspect();
        if (!real.btfPresent()) {
            KernelTests.skipOrFail("needs /sys/kernel/btf/vmlinux: the early probes presume it parses");
        }
        DetectionReport unparsable = new DetectionReport(real.release(), real.configSource(), real.configFlags(), true, false,
                real.capabilities(), real.tracefsMounted(), real.tracefsPath(), Map.of());
        DetectionReport after = KernelChoice.probed(AUTO, false, CompletableFuture.completedFuture(unparsable));
        DetectionReport during = probedWhilePending(AUTO, false, unparsable);
        assertSameReport(after, during);
        assertEquals(choice(AUTO, after), choice(AUTO, during));
        assertTrue(during.probes().containsKey(FeatureProbe.KPROBE), "legacy's probe was not run: " + during.probes());
        for (FeatureProbe f : FeatureProbe.values()) {
            if (f.needsBtf()) {
                assertFalse(during.probes().containsKey(f), f + " kept as if the BTF parsed: " + during.probes());
            }
        }
    }

    /* The inspection reads the capabilities too; when it finds them missing, the choice fails as it would have. */
    @Test
    void missingCapabilitiesInTheInspectionStillRefuse() {
        KernelTests.requireBpf();
        DetectionReport real = KernelDetection.inspect();
        DetectionReport powerless = new DetectionReport(real.release(), real.configSource(), real.configFlags(), real.btfPresent(),
                real.btfParsable(), Capabilities.ofMask(0), real.tracefsMounted(), real.tracefsPath(), Map.of());
        BpfPermissionException after = assertThrows(BpfPermissionException.class,
                () -> KernelChoice.probed(AUTO, false, CompletableFuture.completedFuture(powerless)));
        BpfPermissionException during = assertThrows(BpfPermissionException.class, () -> probedWhilePending(AUTO, false, powerless));
        assertEquals(after.getMessage(), during.getMessage());
    }

    /* With the inspection really running beside the probes (its BTF parse, libbpf's first calls on two threads). */
    @Test
    void probingBesideARunningInspectionChoosesAsAfterIt() {
        KernelTests.requireBpf();
        DetectionReport after = KernelChoice.probed(AUTO, false, CompletableFuture.completedFuture(KernelDetection.inspect()));
        DetectionReport beside = KernelChoice.probed(AUTO, false, KernelChoice.inspectInBackground(false));
        assertSameReport(after, beside);
        assertEquals(choice(AUTO, after), choice(AUTO, beside));
    }

    /* A probe that throws while the inspection runs (libbpf missing, say) yields to the inspection: its failure
     * is what the caller sees, as when the probes ran after it. */
    @Test
    void theInspectionsFailureWinsOverAnEarlyProbes() {
        CompletableFuture<DetectionReport> failing = new CompletableFuture<>() {
            @Override
            public DetectionReport join() {
                completeExceptionally(new IllegalStateException("the inspection's failure"));
                return super.join();
            }
        };
        BiFunction<DetectionReport, FeatureProbe, DetectionReport> throwing = (r, f) -> {
            throw new IllegalStateException("a probe's failure");
        };
        if (!Capabilities.read(SystemPaths.live()).canLoadBpf()) {
            KernelTests.skipOrFail("needs the capabilities to load BPF programs: without them nothing is probed early");
        }
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> KernelChoice.probed(AUTO, false, failing, throwing));
        assertEquals("the inspection's failure", e.getMessage());
    }

    /* probed() with an inspection that is done only once joined: so it probes first, then takes the report. */
    private static DetectionReport probedWhilePending(AttachRequest request, boolean ignoreKernelBtf, DetectionReport report) {
        AtomicBoolean joined = new AtomicBoolean();
        CompletableFuture<DetectionReport> inspection = new CompletableFuture<>() {
            @Override
            public DetectionReport join() {
                joined.set(true);
                complete(report);
                return super.join();
            }
        };
        DetectionReport probed = KernelChoice.probed(request, ignoreKernelBtf, inspection);
        assertTrue(joined.get(), "the inspection was never waited for");
        return probed;
    }

    /* The mode chosen, or why none could be. */
    private static String choice(AttachRequest request, DetectionReport report) {
        try {
            return AttachModeChooser.choose(request, report).mode() + " " + AttachModeChooser.choose(request, report).reasons();
        } catch (AttachModeException e) {
            return "refused: " + e.getMessage();
        }
    }

    private static void assertSameReport(DetectionReport expected, DetectionReport actual) {
        assertEquals(expected.btfParsable(), actual.btfParsable());
        assertEquals(outcomes(expected), outcomes(actual));
    }

    private static Map<FeatureProbe, ProbeResult.Outcome> outcomes(DetectionReport report) {
        Map<FeatureProbe, ProbeResult.Outcome> outcomes = new EnumMap<>(FeatureProbe.class);
        report.probes().forEach((f, r) -> outcomes.put(f, r.outcome()));
        return outcomes;
    }
}
