package io.ebpfnet.core.detect;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Chooses the attach mode from Netdata's {@code ebpf type format} and {@code ebpf co-re tracing}
 * options and a {@link DetectionReport}. It never chooses a mode whose probe the kernel refused.
 *
 * <ul>
 *   <li>{@code auto}: with parsable BTF, the configured tracing first, then trampoline, probe,
 *       tracepoint; legacy last, and alone without BTF.</li>
 *   <li>{@code co-re}: exactly the configured tracing; {@code legacy}: exactly legacy. A refused
 *       explicit mode is an error, unless fallback is allowed: then auto's order, with a warning.</li>
 * </ul>
 */
public final class AttachModeChooser {
    private AttachModeChooser() {
    }

    public static AttachDecision choose(TypeFormat format, CoreTracing tracing, boolean allowFallback, DetectionReport report) {
        List<String> reasons = new ArrayList<>();
        if (format == TypeFormat.AUTO) {
            reasons.add("ebpf type format = auto: choosing the best mode this kernel allows.");
            return best(candidates(tracing, report), report, reasons, false);
        }
        AttachMode wanted = format == TypeFormat.LEGACY ? AttachMode.LEGACY : tracing.mode();
        reasons.add("ebpf type format = " + format.text()
                + (format == TypeFormat.CORE ? ", ebpf co-re tracing = " + tracing.text() : "") + ": " + wanted.cliName() + " requested.");
        String refusal = refusal(wanted, report);
        if (refusal == null) {
            reasons.add(wanted.cliName() + ": chosen, " + allowedBecause(wanted) + ".");
            return new AttachDecision(wanted, List.copyOf(reasons), false);
        }
        reasons.add(wanted.cliName() + ": refused, " + refusal + ".");
        if (!allowFallback) {
            throw new AttachModeException("The configured attach mode '" + wanted.cliName() + "' cannot be used on this kernel"
                    + " (choose another, use auto, or allow fallback).", reasons);
        }
        Set<AttachMode> others = candidates(tracing, report);
        others.remove(wanted);
        AttachDecision fallback = best(others, report, reasons, true);
        List<String> withWarning = new ArrayList<>(fallback.reasons());
        withWarning.add("warning: the configured mode " + wanted.cliName() + " was refused; falling back to "
                + fallback.mode().cliName() + ".");
        return new AttachDecision(fallback.mode(), List.copyOf(withWarning), true);
    }

    private static Set<AttachMode> candidates(CoreTracing tracing, DetectionReport report) {
        Set<AttachMode> order = new LinkedHashSet<>();
        if (report.btfParsable()) {
            order.add(tracing.mode());
            order.add(AttachMode.TRAMPOLINE);
            order.add(AttachMode.PROBE);
            order.add(AttachMode.TRACEPOINT);
        }
        order.add(AttachMode.LEGACY);
        return order;
    }

    private static AttachDecision best(Set<AttachMode> order, DetectionReport report, List<String> reasons, boolean fellBack) {
        if (!report.btfParsable()) {
            reasons.add("no parsable kernel BTF (/sys/kernel/btf/vmlinux): only the legacy mode is possible.");
        }
        for (AttachMode mode : order) {
            String refusal = refusal(mode, report);
            if (refusal == null) {
                reasons.add(mode.cliName() + ": chosen, " + allowedBecause(mode) + ".");
                return new AttachDecision(mode, List.copyOf(reasons), fellBack);
            }
            reasons.add(mode.cliName() + ": refused, " + refusal + ".");
        }
        String what = report.capabilities().canLoadBpf()
                ? "This kernel allows none of the attach modes."
                : "BPF programs cannot be loaded: the process lacks " + report.capabilities().missingForBpf()
                + " (run as root, or grant CAP_BPF and CAP_PERFMON).";
        throw new AttachModeException(what, reasons);
    }

    /** Why mode cannot be used, or null when it can. */
    private static String refusal(AttachMode mode, DetectionReport report) {
        if (mode.needsBtf() && !report.btfParsable()) {
            return "it needs kernel BTF, which " + (report.btfPresent() ? "libbpf cannot parse" : "this kernel does not have");
        }
        ProbeResult r = report.probes().get(mode.requiredProbe());
        if (r == null) {
            return mode.requiredProbe().description() + " was not probed";
        }
        return switch (r.outcome()) {
            case ALLOWED -> null;
            case REFUSED -> mode.requiredProbe().description() + " " + r.stage() + " failed"
                    + (r.errno().isEmpty() ? "" : " with " + r.errno());
            case NOT_RUN -> mode.requiredProbe().description() + " was not tried: " + r.detail();
        };
    }

    private static String allowedBecause(AttachMode mode) {
        return switch (mode) {
            case TRAMPOLINE -> "kernel BTF is present and fentry/fexit programs load and attach";
            case PROBE -> "kernel BTF is present and kprobes load and attach";
            case TRACEPOINT -> "kernel BTF is present and tp_btf programs load and attach";
            case LEGACY -> "classic tracepoints load and attach";
        };
    }
}
