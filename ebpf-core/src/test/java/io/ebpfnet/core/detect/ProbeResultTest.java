package io.ebpfnet.core.detect;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ProbeResultTest {
    @Test
    void factoriesFillTheRecord() {
        assertEquals(new ProbeResult(FeatureProbe.TP_BTF, ProbeResult.Outcome.ALLOWED, "", "", ""),
                ProbeResult.allowed(FeatureProbe.TP_BTF));
        assertEquals(new ProbeResult(FeatureProbe.FENTRY, ProbeResult.Outcome.REFUSED, "load", "EPERM", "lockdown"),
                ProbeResult.refused(FeatureProbe.FENTRY, "load", "EPERM", "lockdown"));
        assertEquals(new ProbeResult(FeatureProbe.KPROBE, ProbeResult.Outcome.NOT_RUN, "", "", "no kernel BTF"),
                ProbeResult.notRun(FeatureProbe.KPROBE, "no kernel BTF"));
        assertTrue(ProbeResult.allowed(FeatureProbe.TP_BTF).allowed());
        assertFalse(ProbeResult.refused(FeatureProbe.FENTRY, "load", "EPERM", "").allowed());
        assertFalse(ProbeResult.notRun(FeatureProbe.FENTRY, "x").allowed());
    }

    @Test
    void nullTextsBecomeEmpty() {
        ProbeResult r = ProbeResult.refused(FeatureProbe.KPROBE, "attach", null, null);
        assertEquals("", r.errno());
        assertEquals("", r.detail());
        assertEquals("refused at attach", r.summary());
    }

    @Test
    void summaries() {
        assertEquals("allowed", ProbeResult.allowed(FeatureProbe.TP_BTF).summary());
        assertEquals("refused at load (EPERM): lockdown", ProbeResult.refused(FeatureProbe.FENTRY, "load", "EPERM", "lockdown").summary());
        assertEquals("not run: no kernel BTF", ProbeResult.notRun(FeatureProbe.FENTRY, "no kernel BTF").summary());
    }

    @Test
    void featureProbesDescribeThemselves() {
        assertEquals(List.of("fentry/fexit BPF trampoline", "kprobe/kretprobe", "BTF-typed tracepoint (tp_btf)", "classic tracepoint",
                        "BPF map iterators"),
                Stream.of(FeatureProbe.values()).map(FeatureProbe::description).toList());
        assertEquals(List.of("fentry", "kprobe", "tp_btf", "tracepoint", "map_iterator"),
                Stream.of(FeatureProbe.values()).map(FeatureProbe::key).toList());
        assertEquals(List.of(FeatureProbe.FENTRY, FeatureProbe.TP_BTF, FeatureProbe.MAP_ITERATOR),
                Stream.of(FeatureProbe.values()).filter(FeatureProbe::needsBtf).toList());
    }

    @Test
    void systemPaths() {
        assertEquals(new SystemPaths(Path.of("/proc"), Path.of("/sys"), Path.of("/boot")), SystemPaths.live());
        assertEquals(new SystemPaths(Path.of("/r/proc"), Path.of("/r/sys"), Path.of("/r/boot")), SystemPaths.under(Path.of("/r")));
    }
}
