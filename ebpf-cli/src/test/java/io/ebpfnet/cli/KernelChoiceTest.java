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
import io.ebpfnet.core.testing.KernelTests;
import org.junit.jupiter.api.Test;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

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
    void probingWhileInspectingChoosesAsAfterTheInspection() throws Exception {
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
    void answersTheInspectionWouldNotAskForAreDropped() throws Exception {
        KernelTests.requireBpf();
        DetectionReport real = KernelDetection.inspect();
        assertTrue(real.btfParsable(), "this test needs a kernel whose BTF libbpf parses");
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
    void missingCapabilitiesInTheInspectionStillRefuse() throws Exception {
        KernelTests.requireBpf();
        DetectionReport real = KernelDetection.inspect();
        DetectionReport powerless = new DetectionReport(real.release(), real.configSource(), real.configFlags(), real.btfPresent(),
                real.btfParsable(), Capabilities.ofMask(0), real.tracefsMounted(), real.tracefsPath(), Map.of());
        assertThrows(BpfPermissionException.class, () -> probedWhilePending(AUTO, false, powerless));
    }

    /* probed() with an inspection not done when it is called (so it probes first), done once probing began. */
    private static DetectionReport probedWhilePending(AttachRequest request, boolean ignoreKernelBtf, DetectionReport report)
            throws Exception {
        CompletableFuture<DetectionReport> inspection = new CompletableFuture<>();
        CountDownLatch called = new CountDownLatch(1);
        Thread completer = Thread.ofPlatform().start(() -> {
            try {
                called.await();
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            inspection.complete(report);
        });
        try {
            called.countDown();
            assertFalse(inspection.isDone());
            return KernelChoice.probed(request, ignoreKernelBtf, inspection);
        } finally {
            completer.join(TimeUnit.SECONDS.toMillis(10));
        }
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
