package io.ebpfnet.core.testing;

import io.ebpfnet.core.detect.Capabilities;
import io.ebpfnet.core.detect.DetectionReport;
import io.ebpfnet.core.detect.FeatureProbe;
import io.ebpfnet.core.detect.ProbeResult;
import io.ebpfnet.core.detect.Tristate;

import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/** Hand-built {@link DetectionReport}s for the chooser and report tests. */
public final class TestReports {
    /** All capabilities but CAP_SYS_RESOURCE, as on our machine. */
    public static final Capabilities ROOT = Capabilities.ofMask(0x000001fffeffffffL);
    public static final Capabilities NONE = Capabilities.ofMask(0);

    private TestReports() {
    }

    /** BTF present and parsable (or neither); {@code allowed} probes allowed, the rest refused. */
    public static DetectionReport report(boolean btf, Set<FeatureProbe> allowed) {
        Map<FeatureProbe, ProbeResult> probes = new EnumMap<>(FeatureProbe.class);
        for (FeatureProbe f : FeatureProbe.values()) {
            probes.put(f, allowed.contains(f) ? ProbeResult.allowed(f) : FixedFeatureProber.refusal(f));
        }
        return report(btf, btf, ROOT, probes);
    }

    public static DetectionReport report(boolean btfPresent, boolean btfParsable, Capabilities caps,
                                  Map<FeatureProbe, ProbeResult> probes) {
        Map<String, Tristate> flags = new LinkedHashMap<>();
        flags.put("CONFIG_KPROBES", Tristate.NO);
        flags.put("CONFIG_DEBUG_INFO_BTF", btfPresent ? Tristate.YES : Tristate.NO);
        flags.put("CONFIG_NF_TABLES", Tristate.MODULE);
        flags.put("CONFIG_DYNAMIC_FTRACE_WITH_DIRECT_CALLS", Tristate.UNKNOWN);
        return new DetectionReport("6.18.44-test", "/proc/config.gz", flags, btfPresent, btfParsable, caps, true,
                "/sys/kernel/tracing", probes);
    }

    /** Every probe NOT_RUN for lack of capabilities, as the detector reports an unprivileged process. */
    public static DetectionReport unprivileged() {
        Map<FeatureProbe, ProbeResult> probes = new EnumMap<>(FeatureProbe.class);
        for (FeatureProbe f : FeatureProbe.values()) {
            probes.put(f, ProbeResult.notRun(f, "missing CAP_BPF/CAP_PERFMON"));
        }
        return report(true, true, NONE, probes);
    }

    /** The report the detector makes on our machine. */
    public static DetectionReport ourMachine() {
        Map<FeatureProbe, ProbeResult> probes = new EnumMap<>(FeatureProbe.class);
        FixedFeatureProber prober = FixedFeatureProber.ourMachine();
        for (FeatureProbe f : FeatureProbe.values()) {
            probes.put(f, prober.probe(f));
        }
        return report(true, true, ROOT, probes);
    }
}
