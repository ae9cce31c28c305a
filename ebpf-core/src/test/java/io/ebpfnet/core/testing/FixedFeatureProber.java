package io.ebpfnet.core.testing;

import io.ebpfnet.core.detect.FeatureProbe;
import io.ebpfnet.core.detect.FeatureProber;
import io.ebpfnet.core.detect.ProbeResult;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** A {@link FeatureProber} with canned answers that records which probes were asked for. */
public final class FixedFeatureProber implements FeatureProber {
    private final Map<FeatureProbe, ProbeResult> answers;
    private final List<FeatureProbe> calls = new ArrayList<>();

    public FixedFeatureProber(Map<FeatureProbe, ProbeResult> answers) {
        this.answers = new EnumMap<>(answers);
    }

    /**
     * The kernel on our CI machines: fentry refused at load (EPERM), no kprobe PMU (ENOENT at attach),
     * tp_btf and classic tracepoints fine, map iterators refused at load (EPERM; since its 6.18.44 build).
     */
    public static FixedFeatureProber ourMachine() {
        return new FixedFeatureProber(Map.of(
                FeatureProbe.FENTRY, ProbeResult.refused(FeatureProbe.FENTRY, "load", "EPERM",
                        "libbpf: prog 'probe_fentry': failed to load: -1"),
                FeatureProbe.KPROBE, ProbeResult.refused(FeatureProbe.KPROBE, "attach", "ENOENT",
                        "failed to create kprobe 'tcp_sendmsg+0x0' perf event"),
                FeatureProbe.TP_BTF, ProbeResult.allowed(FeatureProbe.TP_BTF),
                FeatureProbe.TRACEPOINT, ProbeResult.allowed(FeatureProbe.TRACEPOINT),
                FeatureProbe.MAP_ITERATOR, ProbeResult.refused(FeatureProbe.MAP_ITERATOR, "load", "EPERM",
                        "libbpf: prog 'probe_map_iterator': failed to load: -1")));
    }

    /** {@code allowed} load and attach; the others are refused the way {@link #refusal} says. */
    public static FixedFeatureProber allowing(Set<FeatureProbe> allowed) {
        Map<FeatureProbe, ProbeResult> answers = new EnumMap<>(FeatureProbe.class);
        for (FeatureProbe f : FeatureProbe.values()) {
            answers.put(f, allowed.contains(f) ? ProbeResult.allowed(f) : refusal(f));
        }
        return new FixedFeatureProber(answers);
    }

    /** A distinct, recognisable refusal per kind, so tests can check which one a message quotes. */
    public static ProbeResult refusal(FeatureProbe f) {
        return switch (f) {
            case FENTRY -> ProbeResult.refused(f, "load", "EPERM", "fentry refused by lockdown");
            case KPROBE -> ProbeResult.refused(f, "attach", "ENOENT", "no kprobe PMU");
            case TP_BTF -> ProbeResult.refused(f, "load", "EINVAL", "unknown tp_btf target");
            case TRACEPOINT -> ProbeResult.refused(f, "attach", "EACCES", "tracefs not accessible");
            case MAP_ITERATOR -> ProbeResult.refused(f, "load", "EPERM", "map iterators refused");
        };
    }

    @Override
    public ProbeResult probe(FeatureProbe feature) {
        calls.add(feature);
        ProbeResult r = answers.get(feature);
        if (r == null) {
            throw new AssertionError("no canned answer for " + feature);
        }
        return r;
    }

    /** The probes asked for, in order. */
    public List<FeatureProbe> calls() {
        return List.copyOf(calls);
    }
}
