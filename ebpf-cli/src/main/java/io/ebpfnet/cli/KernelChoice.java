package io.ebpfnet.cli;

import io.ebpfnet.core.BpfPermissionException;
import io.ebpfnet.core.KernelDetection;
import io.ebpfnet.core.detect.AttachDecision;
import io.ebpfnet.core.detect.AttachModeChooser;
import io.ebpfnet.core.detect.AttachRequest;
import io.ebpfnet.core.detect.Capabilities;
import io.ebpfnet.core.detect.DetectionReport;
import io.ebpfnet.core.detect.FeatureProbe;
import io.ebpfnet.core.detect.ProbeResult;

import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * Detects the kernel and chooses the attach mode for a command that loads programs. Missing
 * capabilities are a {@link BpfPermissionException} (exit code 3), not "kernel not supported".
 */
final class KernelChoice {
    private KernelChoice() {
    }

    record Choice(DetectionReport report, AttachDecision decision) {
    }

    /** The note the commands print and the reasons carry when {@code --ignore-kernel-btf} is given. */
    static final String BTF_IGNORED = "kernel BTF ignored (--ignore-kernel-btf): acting as on a kernel without it";

    /**
     * The kernel's inspection ({@link KernelDetection#inspect()}: files and BTF, nothing loaded; without BTF
     * with {@code ignoreKernelBtf}), begun on a thread of its own while the collector reads its configuration.
     */
    static CompletableFuture<DetectionReport> inspectInBackground(boolean ignoreKernelBtf) {
        CompletableFuture<DetectionReport> inspection = new CompletableFuture<>();
        Thread.ofPlatform().daemon().name("ebpfnet-inspect").start(() -> {
            try {
                inspection.complete(inspect(ignoreKernelBtf));
            } catch (Throwable t) {
                inspection.completeExceptionally(t);
            }
        });
        return inspection;
    }

    /* With ignoreKernelBtf, /sys/kernel/btf/vmlinux is not read at all. */
    private static DetectionReport inspect(boolean ignoreKernelBtf) {
        return ignoreKernelBtf ? KernelDetection.inspectIgnoringBtf() : KernelDetection.inspect();
    }

    /** {@code ignoreKernelBtf}: decide as on a kernel without BTF (auto then chooses legacy). */
    static Choice decide(AttachRequest request, boolean ignoreKernelBtf) {
        return decide(request, ignoreKernelBtf, null);
    }

    /**
     * As {@link #decide(AttachRequest, boolean)}, from {@code inspection} when given (see
     * {@link #inspectInBackground(boolean)}). Only the probes the choice needs run (see AttachModeChooser.probeAsNeeded).
     */
    static Choice decide(AttachRequest request, boolean ignoreKernelBtf, CompletableFuture<DetectionReport> inspection) {
        DetectionReport inspected = inspection != null ? join(inspection) : inspect(ignoreKernelBtf);
        if (!inspected.capabilities().canLoadBpf()) {
            throw new BpfPermissionException("load the socket collector", 1, "it needs CAP_BPF and CAP_PERFMON (or CAP_SYS_ADMIN);"
                    + " this process lacks " + inspected.capabilities().missingForBpf()
                    + ". " + Capabilities.GRANT_ADVICE);
        }
        DetectionReport inspectedAs = ignoreKernelBtf ? withoutBtf(inspected) : inspected;
        DetectionReport report = AttachModeChooser.probeAsNeeded(request, inspectedAs,
                (r, feature) -> KernelDetection.probe(r, EnumSet.of(feature)));
        return new Choice(report, AttachModeChooser.choose(request, report));
    }

    /** The running kernel's report; with {@code ignoreKernelBtf}, as a kernel without BTF would give it. */
    static DetectionReport detect(boolean ignoreKernelBtf) {
        return probe(inspect(ignoreKernelBtf), EnumSet.allOf(FeatureProbe.class), ignoreKernelBtf);
    }

    private static DetectionReport probe(DetectionReport report, Set<FeatureProbe> features, boolean ignoreKernelBtf) {
        DetectionReport asIfWithoutBtf = ignoreKernelBtf ? withoutBtf(report) : report;
        return KernelDetection.probe(asIfWithoutBtf, features);
    }

    private static DetectionReport join(CompletableFuture<DetectionReport> inspection) {
        try {
            return inspection.join();
        } catch (CompletionException e) {
            // What the inspection threw (libbpf missing, say), as if it had run here.
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            if (e.getCause() instanceof Error r) {
                throw r;
            }
            throw e;
        }
    }

    /* No BTF: the programs it types (fentry, tp_btf, iterators) could not even be loaded, so their probes are not run. */
    private static DetectionReport withoutBtf(DetectionReport r) {
        Map<FeatureProbe, ProbeResult> probes = new EnumMap<>(FeatureProbe.class);
        probes.putAll(r.probes());
        for (FeatureProbe typed : FeatureProbe.values()) {
            if (typed.needsBtf()) {
                probes.put(typed, ProbeResult.notRun(typed, BTF_IGNORED));
            }
        }
        return new DetectionReport(r.release(), r.configSource(), r.configFlags(), false, false, r.capabilities(),
                r.tracefsMounted(), r.tracefsPath(), probes);
    }
}
