package io.ebpfnet.core.detect;

import io.ebpfnet.core.testing.TestReports;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DetectionReportTest {
    @Test
    void allowsReadsTheProbes() {
        DetectionReport r = TestReports.ourMachine();
        assertFalse(r.allows(FeatureProbe.FENTRY));
        assertFalse(r.allows(FeatureProbe.KPROBE));
        assertTrue(r.allows(FeatureProbe.TP_BTF));
        assertTrue(r.allows(FeatureProbe.TRACEPOINT));
        DetectionReport none = TestReports.report(true, true, TestReports.ROOT, Map.of());
        assertFalse(none.allows(FeatureProbe.TRACEPOINT));
    }

    @Test
    void theReportIsImmutableAndKeepsFlagOrder() {
        Map<String, Tristate> flags = new LinkedHashMap<>();
        flags.put("CONFIG_Z", Tristate.YES);
        flags.put("CONFIG_A", Tristate.NO);
        DetectionReport r = new DetectionReport("x", null, flags, false, false, TestReports.ROOT, false, null, Map.of());
        flags.put("CONFIG_LATER", Tristate.YES);
        assertEquals(List.of("CONFIG_Z", "CONFIG_A"), List.copyOf(r.configFlags().keySet()));
        assertThrows(UnsupportedOperationException.class, () -> r.configFlags().put("CONFIG_B", Tristate.NO));
        assertThrows(UnsupportedOperationException.class, () -> r.probes().clear());
        assertEquals("", r.configSource());
        assertEquals("", r.tracefsPath());
    }

}
