package io.ebpfnet.core.detect;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.stream.Collectors;

/**
 * Chooses the attach mode for an {@link AttachRequest} from a {@link DetectionReport}. It never
 * chooses a mode whose probe the kernel refused or that was not run: config flags are not proof, a
 * program that loaded and attached is.
 *
 * <ul>
 *   <li>best: with parsable BTF, the first choice, then trampoline, probe, tracepoint; legacy last,
 *       and alone without BTF.</li>
 *   <li>exactly one mode: that mode. A refused mode is an error, unless fallback is allowed: then the
 *       best order over the other modes, with a warning.</li>
 * </ul>
 */
public final class AttachModeChooser {
    private AttachModeChooser() {
    }

    /**
     * @throws AttachModeException when the configured mode is refused without fallback, or no mode is allowed
     */
    public static AttachDecision choose(AttachRequest request, DetectionReport report) {
        Objects.requireNonNull(request, "request");
        Objects.requireNonNull(report, "report");
        List<String> reasons = new ArrayList<>();
        if (request.isBest()) {
            reasons.add("auto: choosing the best mode the kernel allows, " + request.firstChoice().cliName() + " first.");
            return best(candidates(request.firstChoice(), report), null, report, reasons);
        }
        AttachMode wanted = request.mode();
        reasons.add(wanted.cliName() + " requested" + (request.allowFallback() ? ", with fallback." : "."));
        String refusal = refusal(wanted, report);
        if (refusal == null) {
            reasons.add(chosen(wanted));
            return new AttachDecision(wanted, reasons, false);
        }
        reasons.add(wanted.cliName() + ": refused, " + refusal + ".");
        if (!request.allowFallback()) {
            throw new AttachModeException("The requested attach mode '" + wanted.cliName() + "' cannot be used on this kernel: "
                    + refusal + ". " + explicitAdvice(report), reasons);
        }
        Set<AttachMode> others = candidates(request.firstChoice(), report);
        others.remove(wanted);
        return best(others, wanted, report, reasons);
    }

    /**
     * {@code inspected} with the probes {@link #choose} consults for {@code request} run by {@code probe},
     * one at a time in the order it consults them, until one is allowed: {@link #choose} then decides on
     * the result as on a report with every probe run (the modes after the chosen one are never consulted).
     * A kernel that allows the first choice pays for one probe, not four.
     */
    public static DetectionReport probeAsNeeded(AttachRequest request, DetectionReport inspected,
                                                BiFunction<DetectionReport, FeatureProbe, DetectionReport> probe) {
        Set<AttachMode> order = new LinkedHashSet<>();
        if (!request.isBest()) {
            order.add(request.mode());
        }
        if (request.isBest() || request.allowFallback()) {
            order.addAll(candidates(request.firstChoice(), inspected));
        }
        DetectionReport report = inspected;
        for (AttachMode mode : order) {
            FeatureProbe needed = mode.requiredProbe();
            if (!report.probes().containsKey(needed)) {
                report = probe.apply(report, needed);
            }
            if (refusal(mode, report) == null) {
                break;
            }
        }
        return report;
    }

    /** The best order: the first choice, then the other BTF modes (all need BTF), legacy last. */
    private static Set<AttachMode> candidates(AttachMode firstChoice, DetectionReport report) {
        Set<AttachMode> order = new LinkedHashSet<>();
        if (report.btfParsable() || !firstChoice.needsBtf()) {
            order.add(firstChoice);
        }
        if (report.btfParsable()) {
            order.add(AttachMode.TRAMPOLINE);
            order.add(AttachMode.PROBE);
            order.add(AttachMode.TRACEPOINT);
        }
        order.add(AttachMode.LEGACY);
        return order;
    }

    /** The first allowed mode of {@code order}; {@code refusedMode} is the configured one when falling back. */
    private static AttachDecision best(Set<AttachMode> order, AttachMode refusedMode, DetectionReport report, List<String> reasons) {
        if (!report.btfParsable()) {
            reasons.add("no parsable kernel BTF (/sys/kernel/btf/vmlinux " + (report.btfPresent() ? "not parsable" : "absent")
                    + "): trampoline, probe and tracepoint need it, so only legacy is possible.");
        }
        for (AttachMode mode : order) {
            String refusal = refusal(mode, report);
            if (refusal == null) {
                reasons.add(chosen(mode));
                if (refusedMode != null) {
                    reasons.add("warning: the requested mode " + refusedMode.cliName() + " was refused; "
                            + mode.cliName() + " was chosen instead.");
                }
                return new AttachDecision(mode, reasons, refusedMode != null);
            }
            reasons.add(mode.cliName() + ": refused, " + refusal + ".");
        }
        // Without the capabilities nothing was tried: blame the process, not the kernel.
        String headline = !report.capabilities().canLoadBpf()
                ? "No usable attach mode: this process may not load BPF programs."
                : "No usable attach mode: " + (refusedMode == null ? "" : "the requested mode '" + refusedMode.cliName()
                + "' was refused and ") + "this kernel allows none of the attach modes.";
        throw new AttachModeException(headline + " " + String.join(" ", reasons) + " " + noneAdvice(report), reasons);
    }

    /** Why {@code mode} cannot be used, or null when it can. */
    private static String refusal(AttachMode mode, DetectionReport report) {
        if (mode.needsBtf() && !report.btfParsable()) {
            return "it needs kernel BTF, which " + (report.btfPresent() ? "libbpf cannot parse" : "this kernel does not have");
        }
        String probe = label(mode.requiredProbe());
        ProbeResult r = report.probes().get(mode.requiredProbe());
        if (r == null) {
            return probe + " was not probed";
        }
        return switch (r.outcome()) {
            case ALLOWED -> null;
            case REFUSED -> probe + " " + (r.stage().isEmpty() ? "probe" : r.stage()) + " failed"
                    + (r.errno().isEmpty() ? "" : " with " + r.errno())
                    + (r.detail().isBlank() ? "" : " (" + trimPeriod(r.detail()) + ")");
            case NOT_RUN -> probe + " was not run: " + trimPeriod(r.detail());
        };
    }

    /** The probe's short name; "classic tracepoint" so that it is not read as the tracepoint mode. */
    private static String label(FeatureProbe probe) {
        return probe == FeatureProbe.TRACEPOINT ? "classic tracepoint" : probe.key();
    }

    private static String chosen(AttachMode mode) {
        return mode.cliName() + ": chosen, " + switch (mode) {
            case TRAMPOLINE -> "kernel BTF is present and fentry/fexit programs load and attach.";
            case PROBE -> "kernel BTF is present and kprobes load and attach.";
            case TRACEPOINT -> "kernel BTF is present and tp_btf programs load and attach.";
            case LEGACY -> "kprobes load and attach (legacy mode needs no BTF).";
        };
    }

    private static String explicitAdvice(DetectionReport report) {
        return report.capabilities().canLoadBpf()
                ? "Use the auto mode, choose another mode, or allow fallback."
                : capabilityAdvice(report);
    }

    private static String noneAdvice(DetectionReport report) {
        if (!report.capabilities().canLoadBpf()) {
            return capabilityAdvice(report);
        }
        return "What to do: use a kernel with BTF (CONFIG_DEBUG_INFO_BTF) that allows fentry, kprobes or tp_btf,"
                + (report.tracefsMounted() ? "" : " or mount tracefs (mount -t tracefs none /sys/kernel/tracing) for classic tracepoints,")
                + " and check that lockdown or an LSM policy is not refusing BPF programs.";
    }

    /** Names CAP_BPF and CAP_PERFMON, the capabilities a non-root collector needs. */
    private static String capabilityAdvice(DetectionReport report) {
        String missing = report.capabilities().missingForBpf().stream().map(Enum::name).collect(Collectors.joining(" and "));
        return "BPF programs cannot be loaded: this process lacks " + missing + " (and CAP_SYS_ADMIN). "
                + Capabilities.GRANT_ADVICE + ".";
    }

    private static String trimPeriod(String s) {
        String t = s.strip();
        return t.endsWith(".") ? t.substring(0, t.length() - 1) : t;
    }
}
