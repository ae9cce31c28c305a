package io.ebpfnet.cli;

import io.ebpfnet.core.BpfPermissionException;
import io.ebpfnet.core.KernelDetection;
import io.ebpfnet.core.detect.AttachDecision;
import io.ebpfnet.core.detect.AttachModeChooser;
import io.ebpfnet.core.detect.Capabilities;
import io.ebpfnet.cli.config.CoreTracing;
import io.ebpfnet.core.detect.DetectionReport;
import io.ebpfnet.cli.config.TypeFormat;

/**
 * Detects the kernel and chooses the attach mode for a command that loads programs. Missing
 * capabilities are a {@link BpfPermissionException} (exit code 3), not "kernel not supported".
 */
final class KernelChoice {
    private KernelChoice() {
    }

    record Choice(DetectionReport report, AttachDecision decision) {
    }

    static Choice decide(TypeFormat format, CoreTracing tracing, boolean allowFallback) {
        return decide(format.request(tracing, allowFallback));
    }

    static Choice decide(io.ebpfnet.core.detect.AttachRequest request) {
        DetectionReport report = KernelDetection.detect();
        if (!report.capabilities().canLoadBpf()) {
            throw new BpfPermissionException("load the socket collector", 1, "it needs CAP_BPF and CAP_PERFMON (or CAP_SYS_ADMIN);"
                    + " this process lacks " + report.capabilities().missingForBpf()
                    + ". " + Capabilities.GRANT_ADVICE);
        }
        return new Choice(report, AttachModeChooser.choose(request, report));
    }
}
