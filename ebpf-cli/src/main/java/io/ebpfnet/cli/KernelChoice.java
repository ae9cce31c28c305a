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
import java.util.Map;

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

    /** {@code ignoreKernelBtf}: decide as on a kernel without BTF (auto then chooses legacy). */
    static Choice decide(AttachRequest request, boolean ignoreKernelBtf) {
        DetectionReport report = detect(ignoreKernelBtf);
        if (!report.capabilities().canLoadBpf()) {
            throw new BpfPermissionException("load the socket collector", 1, "it needs CAP_BPF and CAP_PERFMON (or CAP_SYS_ADMIN);"
                    + " this process lacks " + report.capabilities().missingForBpf()
                    + ". " + Capabilities.GRANT_ADVICE);
        }
        return new Choice(report, AttachModeChooser.choose(request, report));
    }

    /** The running kernel's report; with {@code ignoreKernelBtf}, as a kernel without BTF would give it. */
    static DetectionReport detect(boolean ignoreKernelBtf) {
        DetectionReport report = KernelDetection.detect();
        return ignoreKernelBtf ? withoutBtf(report) : report;
    }

    /* No BTF: the programs it types (fentry, tp_btf) could not even be loaded, so their probes are not run. */
    private static DetectionReport withoutBtf(DetectionReport r) {
        Map<FeatureProbe, ProbeResult> probes = new EnumMap<>(r.probes());
        for (FeatureProbe typed : new FeatureProbe[] {FeatureProbe.FENTRY, FeatureProbe.TP_BTF}) {
            probes.put(typed, ProbeResult.notRun(typed, BTF_IGNORED));
        }
        return new DetectionReport(r.release(), r.configSource(), r.configFlags(), false, false, r.capabilities(),
                r.tracefsMounted(), r.tracefsPath(), probes);
    }
}
