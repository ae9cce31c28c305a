package io.ebpfnet.core;

import io.ebpfnet.core.detect.FeatureProbe;
import io.ebpfnet.core.detect.FeatureProber;
import io.ebpfnet.core.detect.ProbeResult;

/**
 * Asks the running kernel, rather than its config, what it allows: loads and attaches one trivial
 * program of each kind from {@code feature_probe.bpf.o}, one at a time (a refused program would fail
 * the whole object's load), and records the stage and errno of any refusal.
 */
final class LiveFeatureProber implements FeatureProber {
    private static final String OBJECT = "/io/ebpfnet/core/bpf/feature_probe.bpf.o";

    @Override
    public ProbeResult probe(FeatureProbe feature) {
        String program = switch (feature) {
            case FENTRY -> "probe_fentry";
            case KPROBE -> "probe_kprobe";
            case TP_BTF -> "probe_tp_btf";
            case TRACEPOINT -> "probe_tracepoint";
        };
        try (BpfObject obj = BpfObject.open(LiveFeatureProber.class.getResourceAsStream(OBJECT), "feature_probe")) {
            for (BpfProgram p : obj.programs()) {
                p.setAutoload(p.name().equals(program));
            }
            try {
                obj.load();
            } catch (BpfException e) {
                return ProbeResult.refused(feature, "load", e.errnoName(), firstLine(e.getMessage()));
            }
            try (BpfLink ignored = obj.program(program).attach()) {
                return ProbeResult.allowed(feature);
            } catch (BpfException e) {
                return ProbeResult.refused(feature, "attach", e.errnoName(), firstLine(e.getMessage()));
            }
        }
    }

    private static String firstLine(String message) {
        int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
    }
}
