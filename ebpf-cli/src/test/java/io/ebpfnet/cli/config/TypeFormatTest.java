package io.ebpfnet.cli.config;

import io.ebpfnet.core.detect.AttachMode;
import io.ebpfnet.core.detect.AttachRequest;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Netdata's two attach options: their values, and the request they make of the chooser. */
class TypeFormatTest {
    @Test
    void typeFormatParsesNetdataValues() {
        assertEquals(TypeFormat.AUTO, TypeFormat.parse("auto"));
        assertEquals(TypeFormat.LEGACY, TypeFormat.parse("LEGACY"));
        assertEquals(TypeFormat.CORE, TypeFormat.parse(" Co-Re "));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TypeFormat.parse("core"));
        assertTrue(e.getMessage().contains("auto, legacy, co-re"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> TypeFormat.parse(null));
    }

    @Test
    void coreTracingParsesNetdataValues() {
        assertEquals(CoreTracing.TRAMPOLINE, CoreTracing.parse(" Trampoline "));
        assertEquals(CoreTracing.PROBE, CoreTracing.parse("probe"));
        assertEquals(CoreTracing.TRACEPOINT, CoreTracing.parse("TRACEPOINT"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CoreTracing.parse("kprobe"));
        assertTrue(e.getMessage().contains("trampoline, probe, tracepoint"), e.getMessage());
    }

    @Test
    void autoAsksForTheBestWithTheTracingFirstAndTheOthersForOneMode() {
        assertEquals(new AttachRequest(null, AttachMode.PROBE, false), TypeFormat.AUTO.request(CoreTracing.PROBE, true));
        assertEquals(new AttachRequest(AttachMode.LEGACY, AttachMode.LEGACY, false),
                TypeFormat.LEGACY.request(CoreTracing.TRAMPOLINE, false));
        assertEquals(new AttachRequest(AttachMode.TRACEPOINT, AttachMode.TRACEPOINT, true),
                TypeFormat.CORE.request(CoreTracing.TRACEPOINT, true));
    }
}
