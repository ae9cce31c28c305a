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
import io.ebpfnet.core.detect.SystemPaths;

import java.nio.file.Files;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.BiFunction;

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

    /* Under SystemPaths.sys(), as KernelDetector reads it. */
    private static final String VMLINUX_BTF = "kernel/btf/vmlinux";

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
     * {@link #inspectInBackground(boolean)}). Only the probes the choice needs run (see AttachModeChooser.probeAsNeeded);
     * while the inspection runs, those it needs if the kernel's BTF parses.
     */
    static Choice decide(AttachRequest request, boolean ignoreKernelBtf, CompletableFuture<DetectionReport> inspection) {
        DetectionReport report = probed(request, ignoreKernelBtf, inspection);
        return new Choice(report, AttachModeChooser.choose(request, report));
    }

    /** The report {@link #decide(AttachRequest, boolean, CompletableFuture)} chooses from: the inspection's, probed as needed. */
    static DetectionReport probed(AttachRequest request, boolean ignoreKernelBtf, CompletableFuture<DetectionReport> inspection) {
        return probed(request, ignoreKernelBtf, inspection, (r, feature) -> KernelDetection.probe(r, EnumSet.of(feature)));
    }

    /** As {@link #probed(AttachRequest, boolean, CompletableFuture)}, each probe run by {@code probe} (tests). */
    static DetectionReport probed(AttachRequest request, boolean ignoreKernelBtf, CompletableFuture<DetectionReport> inspection,
                                  BiFunction<DetectionReport, FeatureProbe, DetectionReport> probe) {
        if (inspection != null && !inspection.isDone()) {
            return probedWhileInspecting(request, ignoreKernelBtf, inspection, probe);
        }
        DetectionReport inspected = inspection != null ? join(inspection) : inspect(ignoreKernelBtf);
        return probedAfter(request, ignoreKernelBtf, inspected, Map.of(), probe);
    }

    /*
     * The probes run while the inspection still parses the kernel's BTF, on the BTF's presence alone: the thread
     * would otherwise wait for it (~150 ms of a 2-CPU VM's start). A probe's answer does not depend on the
     * inspection; only which probes the choice consults does. So once it is in, the answers that the inspection
     * would not have asked for (BTF present but not parsable: those of the programs BTF types, run in vain there)
     * are dropped, and the choice is made as if the probes had run after it. A probe that throws (libbpf
     * missing, say) yields to the inspection: its failure, or its report, then probed as before.
     */
    private static DetectionReport probedWhileInspecting(AttachRequest request, boolean ignoreKernelBtf,
                                                         CompletableFuture<DetectionReport> inspection,
                                                         BiFunction<DetectionReport, FeatureProbe, DetectionReport> probe) {
        SystemPaths live = SystemPaths.live();
        Capabilities capabilities = Capabilities.read(live);
        boolean btf = !ignoreKernelBtf && Files.exists(live.sys().resolve(VMLINUX_BTF));
        Map<FeatureProbe, ProbeResult> early = Map.of();
        if (capabilities.canLoadBpf()) { // without them every load fails: the inspection's report says why
            DetectionReport presumed = new DetectionReport("unknown", "", Map.of(), btf, btf, capabilities, false, "", Map.of());
            try {
                early = AttachModeChooser.probeAsNeeded(request, presumed, probe).probes();
            } catch (RuntimeException e) {
                return probedAfter(request, ignoreKernelBtf, join(inspection), Map.of(), probe);
            }
        }
        DetectionReport inspected = join(inspection);
        boolean asPresumed = (!ignoreKernelBtf && inspected.btfParsable()) == btf;
        Map<FeatureProbe, ProbeResult> kept = new EnumMap<>(FeatureProbe.class);
        early.forEach((feature, result) -> {
            if (asPresumed || !feature.needsBtf()) {
                kept.put(feature, result);
            }
        });
        return probedAfter(request, ignoreKernelBtf, inspected, kept, probe);
    }

    /* The inspection's report with the probe results already known ({@code probed}) and those the choice still needs. */
    private static DetectionReport probedAfter(AttachRequest request, boolean ignoreKernelBtf, DetectionReport inspected,
                                               Map<FeatureProbe, ProbeResult> probed,
                                               BiFunction<DetectionReport, FeatureProbe, DetectionReport> probe) {
        if (!inspected.capabilities().canLoadBpf()) {
            throw new BpfPermissionException("load the socket collector", 1, "it needs CAP_BPF and CAP_PERFMON (or CAP_SYS_ADMIN);"
                    + " this process lacks " + inspected.capabilities().missingForBpf()
                    + ". " + Capabilities.GRANT_ADVICE);
        }
        DetectionReport inspectedAs = ignoreKernelBtf ? withoutBtf(inspected) : inspected;
        return AttachModeChooser.probeAsNeeded(request, withProbes(inspectedAs, probed), probe);
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

    /* {@code r} with {@code probes} added; a result it has already is kept. */
    private static DetectionReport withProbes(DetectionReport r, Map<FeatureProbe, ProbeResult> probes) {
        if (probes.isEmpty()) {
            return r;
        }
        Map<FeatureProbe, ProbeResult> all = new EnumMap<>(FeatureProbe.class);
        all.putAll(probes);
        all.putAll(r.probes());
        return new DetectionReport(r.release(), r.configSource(), r.configFlags(), r.btfPresent(), r.btfParsable(),
                r.capabilities(), r.tracefsMounted(), r.tracefsPath(), all);
    }
}
