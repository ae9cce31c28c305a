package io.ebpfnet.core;

import io.ebpfnet.core.detect.FeatureProbe;
import io.ebpfnet.core.detect.FeatureProber;
import io.ebpfnet.core.detect.ProbeResult;

import java.util.Set;

/**
 * Asks the running kernel, rather than its config, what it allows: loads and attaches one trivial
 * program of each kind from {@code feature_probe.bpf.o}, one at a time (a refused program would fail
 * the whole object's load), and records the stage and errno of any refusal.
 */
final class LiveFeatureProber implements FeatureProber {
    private static final String OBJECT = "/io/ebpfnet/core/bpf/feature_probe.bpf.o";

    @Override
    public ProbeResult probe(FeatureProbe feature) {
        if (feature == FeatureProbe.MAP_ITERATOR) {
            return probeMapIterators();
        }
        String program = switch (feature) {
            case FENTRY -> "probe_fentry";
            case KPROBE -> "probe_kprobe";
            case TP_BTF -> "probe_tp_btf";
            case TRACEPOINT -> "probe_tracepoint";
            case MAP_ITERATOR -> throw new AssertionError(feature);
        };
        try (BpfObject obj = open(Set.of(program))) {
            try {
                obj.load();
            } catch (BpfException e) {
                return refused(feature, "load", e);
            }
            try (BpfLink ignored = obj.program(program).attach()) {
                return ProbeResult.allowed(feature);
            } catch (BpfException e) {
                return refused(feature, "attach", e);
            }
        }
    }

    /* Both iterators loaded; the map-element one attached to the object's .bss (a socket-storage map to
     * attach the other to would be made at every probe's load). */
    private static ProbeResult probeMapIterators() {
        FeatureProbe feature = FeatureProbe.MAP_ITERATOR;
        try (BpfObject obj = open(Set.of("probe_map_iterator", "probe_sk_storage_iterator"))) {
            try {
                obj.load();
            } catch (BpfException e) {
                return refused(feature, "load", e);
            }
            BpfMap bss = obj.maps().stream().filter(m -> m.name().endsWith(".bss")).findFirst()
                    .orElseThrow(() -> new IllegalStateException("feature_probe.bpf.o has no .bss map"));
            try (BpfIterator ignored = obj.program("probe_map_iterator").attachIterator(bss)) {
                return ProbeResult.allowed(feature);
            } catch (BpfException e) {
                return refused(feature, "attach", e);
            }
        }
    }

    private static BpfObject open(Set<String> programs) {
        BpfObject obj = BpfObject.open(LiveFeatureProber.class.getResourceAsStream(OBJECT), "feature_probe");
        try {
            for (BpfProgram p : obj.programs()) {
                p.setAutoload(programs.contains(p.name()));
            }
            return obj;
        } catch (RuntimeException | Error e) {
            obj.close();
            throw e;
        }
    }

    private static ProbeResult refused(FeatureProbe feature, String stage, BpfException e) {
        return ProbeResult.refused(feature, stage, e.errnoName(), firstLine(e.getMessage()));
    }

    private static String firstLine(String message) {
        int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
    }
}
