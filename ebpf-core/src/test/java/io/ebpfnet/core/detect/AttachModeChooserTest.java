package io.ebpfnet.core.detect;

import org.junit.jupiter.api.Test;

import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The mode-choice matrix. */
class AttachModeChooserTest {
    private static final long ROOT = 0x000001fffeffffffL;

    static DetectionReport report(boolean btf, long caps, Set<FeatureProbe> allowed) {
        Map<FeatureProbe, ProbeResult> probes = new EnumMap<>(FeatureProbe.class);
        for (FeatureProbe f : FeatureProbe.values()) {
            probes.put(f, allowed.contains(f) ? ProbeResult.allowed(f)
                    : f == FeatureProbe.FENTRY ? ProbeResult.refused(f, "load", "EPERM", "")
                    : ProbeResult.refused(f, "attach", "ENOENT", ""));
        }
        return new DetectionReport("test", "", new LinkedHashMap<>(), btf, btf, Capabilities.ofMask(caps), true,
                "/sys/kernel/tracing", probes);
    }

    static AttachMode auto(boolean btf, Set<FeatureProbe> allowed) {
        return AttachModeChooser.choose(TypeFormat.AUTO, CoreTracing.TRAMPOLINE, false, report(btf, ROOT, allowed)).mode();
    }

    @Test
    void autoPrefersTrampolineThenProbeThenTracepoint() {
        Set<FeatureProbe> all = Set.of(FeatureProbe.values());
        assertEquals(AttachMode.TRAMPOLINE, auto(true, all));
        assertEquals(AttachMode.PROBE, auto(true, Set.of(FeatureProbe.KPROBE, FeatureProbe.TP_BTF, FeatureProbe.TRACEPOINT)));
        assertEquals(AttachMode.TRACEPOINT, auto(true, Set.of(FeatureProbe.TP_BTF, FeatureProbe.TRACEPOINT)));
        assertEquals(AttachMode.LEGACY, auto(true, Set.of(FeatureProbe.TRACEPOINT)));
    }

    @Test
    void autoWithoutBtfCanOnlyBeLegacy() {
        assertEquals(AttachMode.LEGACY, auto(false, Set.of(FeatureProbe.values())));
        AttachModeException e = assertThrows(AttachModeException.class, () -> auto(false, Set.of(FeatureProbe.KPROBE)));
        assertTrue(e.getMessage().contains("allows none"), e.getMessage());
    }

    @Test
    void ourMachineGetsTracepointsAndSaysWhy() {
        AttachDecision d = AttachModeChooser.choose(TypeFormat.AUTO, CoreTracing.TRAMPOLINE, false,
                report(true, ROOT, Set.of(FeatureProbe.TP_BTF, FeatureProbe.TRACEPOINT)));
        assertEquals(AttachMode.TRACEPOINT, d.mode());
        assertFalse(d.fellBack());
        String why = d.explanation();
        assertTrue(why.contains("trampoline: refused") && why.contains("EPERM"), why);
        assertTrue(why.contains("probe: refused") && why.contains("ENOENT"), why);
        assertTrue(why.contains("tracepoint: chosen"), why);
    }

    @Test
    void autoTriesTheConfiguredTracingFirst() {
        assertEquals(AttachMode.TRACEPOINT, AttachModeChooser.choose(TypeFormat.AUTO, CoreTracing.TRACEPOINT, false,
                report(true, ROOT, Set.of(FeatureProbe.values()))).mode());
    }

    @Test
    void explicitAllowedModeIsUsed() {
        AttachDecision d = AttachModeChooser.choose(TypeFormat.CORE, CoreTracing.PROBE, false,
                report(true, ROOT, Set.of(FeatureProbe.values())));
        assertEquals(AttachMode.PROBE, d.mode());
        assertEquals(AttachMode.LEGACY, AttachModeChooser.choose(TypeFormat.LEGACY, CoreTracing.TRAMPOLINE, false,
                report(false, ROOT, Set.of(FeatureProbe.TRACEPOINT))).mode());
    }

    @Test
    void explicitRefusedModeFailsClearly() {
        AttachModeException e = assertThrows(AttachModeException.class, () -> AttachModeChooser.choose(TypeFormat.CORE,
                CoreTracing.TRAMPOLINE, false, report(true, ROOT, Set.of(FeatureProbe.TP_BTF))));
        assertTrue(e.getMessage().contains("'trampoline' cannot be used"), e.getMessage());
        assertTrue(e.getMessage().contains("EPERM"), e.getMessage());
    }

    @Test
    void explicitRefusedModeFallsBackWithAWarningWhenAllowed() {
        AttachDecision d = AttachModeChooser.choose(TypeFormat.CORE, CoreTracing.PROBE, true,
                report(true, ROOT, Set.of(FeatureProbe.TP_BTF)));
        assertEquals(AttachMode.TRACEPOINT, d.mode());
        assertTrue(d.fellBack());
        assertTrue(d.reasons().getLast().startsWith("warning: the configured mode probe was refused"), d.reasons().toString());
    }

    @Test
    void coreModesNeedBtf() {
        AttachModeException e = assertThrows(AttachModeException.class, () -> AttachModeChooser.choose(TypeFormat.CORE,
                CoreTracing.TRACEPOINT, false, report(false, ROOT, Set.of(FeatureProbe.values()))));
        assertTrue(e.getMessage().contains("needs kernel BTF"), e.getMessage());
    }

    @Test
    void missingPrivilegesAreNamed() {
        Map<FeatureProbe, ProbeResult> notRun = new EnumMap<>(FeatureProbe.class);
        for (FeatureProbe f : FeatureProbe.values()) {
            notRun.put(f, ProbeResult.notRun(f, "missing [CAP_BPF, CAP_PERFMON]"));
        }
        DetectionReport r = new DetectionReport("t", "", Map.of(), true, true, Capabilities.ofMask(0), false, "", notRun);
        AttachModeException e = assertThrows(AttachModeException.class,
                () -> AttachModeChooser.choose(TypeFormat.AUTO, CoreTracing.TRAMPOLINE, false, r));
        assertTrue(e.getMessage().contains("CAP_BPF") && e.getMessage().contains("CAP_PERFMON"), e.getMessage());
    }

    @Test
    void optionValuesParseLikeNetdata() {
        assertEquals(TypeFormat.CORE, TypeFormat.parse("co-re"));
        assertEquals(CoreTracing.TRAMPOLINE, CoreTracing.parse(" Trampoline "));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TypeFormat.parse("core"));
        assertTrue(e.getMessage().contains("auto, legacy, co-re"));
    }
}
