package io.ebpfnet.core.detect;

import io.ebpfnet.core.testing.FixedFeatureProber;
import io.ebpfnet.core.testing.TestReports;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import static io.ebpfnet.core.detect.AttachMode.LEGACY;
import static io.ebpfnet.core.detect.AttachMode.PROBE;
import static io.ebpfnet.core.detect.AttachMode.TRACEPOINT;
import static io.ebpfnet.core.detect.AttachMode.TRAMPOLINE;
import static io.ebpfnet.core.detect.FeatureProbe.FENTRY;
import static io.ebpfnet.core.detect.FeatureProbe.KPROBE;
import static io.ebpfnet.core.detect.FeatureProbe.TP_BTF;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The attach-mode choice: pinned cases, properties over every probe outcome, our machine, the messages. */
class AttachModeChooserTest {
    private static final Set<FeatureProbe> ALL = EnumSet.allOf(FeatureProbe.class);
    private static final FeatureProbe CLASSIC = FeatureProbe.TRACEPOINT;

    private static AttachDecision choose(AttachRequest request, boolean btf, Set<FeatureProbe> allowed) {
        return AttachModeChooser.choose(request, TestReports.report(btf, allowed));
    }

    // ---- pinned cases: each expectation written out by hand ----

    @Test
    void bestTakesTheFirstChoiceThenTrampolineProbeTracepointThenLegacy() {
        assertEquals(TRAMPOLINE, choose(AttachRequest.best(TRAMPOLINE), true, ALL).mode());
        assertEquals(PROBE, choose(AttachRequest.best(PROBE), true, ALL).mode());
        assertEquals(TRACEPOINT, choose(AttachRequest.best(TRACEPOINT), true, ALL).mode());
        assertEquals(PROBE, choose(AttachRequest.best(TRAMPOLINE), true, Set.of(KPROBE, TP_BTF, CLASSIC)).mode());
        assertEquals(TRACEPOINT, choose(AttachRequest.best(TRAMPOLINE), true, Set.of(TP_BTF, CLASSIC)).mode());
        assertEquals(TRAMPOLINE, choose(AttachRequest.best(TRACEPOINT), true, Set.of(FENTRY, KPROBE)).mode());
        assertEquals(PROBE, choose(AttachRequest.best(TRACEPOINT), true, Set.of(KPROBE, CLASSIC)).mode());
        assertEquals(LEGACY, choose(AttachRequest.best(LEGACY), true, Set.of(KPROBE)).mode());
        assertThrows(AttachModeException.class, () -> choose(AttachRequest.best(TRAMPOLINE), true, Set.of(CLASSIC)));
        assertFalse(choose(AttachRequest.best(TRAMPOLINE), true, Set.of(TP_BTF)).fellBack());
    }

    @Test
    void withoutBtfOnlyLegacyIsPossible() {
        AttachDecision d = choose(AttachRequest.best(PROBE), false, ALL);
        assertEquals(LEGACY, d.mode());
        assertTrue(d.explanation().contains("no parsable kernel BTF"), d.explanation());
        AttachModeException e = assertThrows(AttachModeException.class,
                () -> choose(AttachRequest.best(TRAMPOLINE), false, Set.of(FENTRY, TP_BTF, CLASSIC)));
        assertTrue(e.getMessage().contains("this kernel allows none of the attach modes"), e.getMessage());
        assertEquals(LEGACY, choose(AttachRequest.exactly(TRAMPOLINE, true), false, ALL).mode());
    }

    @Test
    void anExplicitModeIsUsedOrRefusedOrFallsBack() {
        assertEquals(PROBE, choose(AttachRequest.exactly(PROBE, false), true, Set.of(KPROBE)).mode());
        assertEquals(LEGACY, choose(AttachRequest.exactly(LEGACY, false), false, Set.of(KPROBE)).mode());
        AttachModeException e = assertThrows(AttachModeException.class,
                () -> choose(AttachRequest.exactly(PROBE, false), true, Set.of(FENTRY, TP_BTF)));
        assertTrue(e.getMessage().startsWith("The requested attach mode 'probe' cannot be used on this kernel: "
                + "kprobe attach failed with ENOENT"), e.getMessage());
        assertTrue(e.getMessage().contains("allow fallback"), e.getMessage());

        AttachDecision d = choose(AttachRequest.exactly(PROBE, true), true, Set.of(FENTRY, TP_BTF));
        assertEquals(TRAMPOLINE, d.mode());
        assertTrue(d.fellBack());
        assertEquals("warning: the requested mode probe was refused; trampoline was chosen instead.", d.reasons().getLast());
        assertEquals(PROBE, choose(AttachRequest.exactly(TRACEPOINT, true), true, Set.of(KPROBE)).mode());
        AttachModeException none = assertThrows(AttachModeException.class,
                () -> choose(AttachRequest.exactly(TRACEPOINT, true), true, Set.of()));
        assertTrue(none.getMessage().contains("the requested mode 'tracepoint' was refused and this kernel allows none"),
                none.getMessage());
    }

    // ---- properties over every combination of probe outcomes and every request ----

    static List<AttachRequest> everyRequest() {
        List<AttachRequest> requests = new ArrayList<>();
        for (AttachMode m : AttachMode.values()) {
            requests.add(AttachRequest.best(m));
            requests.add(AttachRequest.exactly(m, false));
            requests.add(AttachRequest.exactly(m, true));
        }
        return requests;
    }

    static List<Map<FeatureProbe, ProbeResult>> everyOutcome() {
        ProbeResult.Outcome[] outcomes = ProbeResult.Outcome.values();
        FeatureProbe[] features = FeatureProbe.values();
        List<Map<FeatureProbe, ProbeResult>> all = new ArrayList<>();
        for (int code = 0; code < Math.pow(outcomes.length, features.length); code++) {
            Map<FeatureProbe, ProbeResult> probes = new EnumMap<>(FeatureProbe.class);
            int rest = code;
            for (FeatureProbe f : features) {
                probes.put(f, switch (outcomes[rest % outcomes.length]) {
                    case ALLOWED -> ProbeResult.allowed(f);
                    case REFUSED -> FixedFeatureProber.refusal(f);
                    case NOT_RUN -> ProbeResult.notRun(f, "skipped for the test");
                });
                rest /= outcomes.length;
            }
            all.add(probes);
        }
        return all;
    }

    /** Config flags are not proof: only a mode whose own probe loaded and attached, with BTF where it needs it. */
    @Test
    void neverChoosesAModeTheKernelDidNotAllow() {
        for (Map<FeatureProbe, ProbeResult> probes : everyOutcome()) {
            for (boolean btf : new boolean[] {true, false}) {
                DetectionReport report = TestReports.report(btf, btf, TestReports.ROOT, probes);
                for (AttachRequest request : everyRequest()) {
                    try {
                        AttachMode m = AttachModeChooser.choose(request, report).mode();
                        assertTrue(probes.get(m.requiredProbe()).allowed(), m + " chosen with " + probes);
                        assertTrue(btf || !m.needsBtf(), m + " chosen without BTF");
                    } catch (AttachModeException e) {
                        assertFalse(e.reasons().isEmpty());
                    }
                }
            }
        }
    }

    /** What is asked for and allowed is what is chosen; and whenever any mode is allowed, the best finds one. */
    @Test
    void anAllowedRequestIsHonouredAndBestFindsAnyAllowedMode() {
        for (Map<FeatureProbe, ProbeResult> probes : everyOutcome()) {
            for (boolean btf : new boolean[] {true, false}) {
                DetectionReport report = TestReports.report(btf, btf, TestReports.ROOT, probes);
                List<AttachMode> usable = Stream.of(AttachMode.values())
                        .filter(m -> probes.get(m.requiredProbe()).allowed() && (btf || !m.needsBtf())).toList();
                for (AttachMode m : AttachMode.values()) {
                    if (usable.contains(m)) {
                        assertEquals(m, AttachModeChooser.choose(AttachRequest.exactly(m, false), report).mode());
                        assertEquals(m, AttachModeChooser.choose(AttachRequest.best(m), report).mode());
                    }
                    boolean found = !usable.isEmpty();
                    try {
                        AttachModeChooser.choose(AttachRequest.best(m), report);
                        assertTrue(found, "a mode chosen although none is usable: " + probes);
                    } catch (AttachModeException e) {
                        assertFalse(found, "none chosen although " + usable + " are usable: " + e.getMessage());
                    }
                }
            }
        }
    }

    // ---- our machine ----

    @Test
    void ourMachineGetsTracepointsAndSaysWhy() {
        AttachDecision d = AttachModeChooser.choose(AttachRequest.best(TRAMPOLINE), TestReports.ourMachine());
        assertEquals(AttachMode.TRACEPOINT, d.mode());
        assertFalse(d.fellBack());
        assertEquals(List.of(
                "auto: choosing the best mode the kernel allows, trampoline first.",
                "trampoline: refused, fentry load failed with EPERM (libbpf: prog 'probe_fentry': failed to load: -1).",
                "probe: refused, kprobe attach failed with ENOENT (failed to create kprobe 'tcp_sendmsg+0x0' perf event).",
                "tracepoint: chosen, kernel BTF is present and tp_btf programs load and attach."), d.reasons());
    }

    @Test
    void ourMachineRefusesExplicitTrampolineNamingEperm() {
        AttachModeException e = assertThrows(AttachModeException.class, () -> AttachModeChooser.choose(AttachRequest.exactly(TRAMPOLINE, false),
                TestReports.ourMachine()));
        assertTrue(e.getMessage().startsWith("The requested attach mode 'trampoline' cannot be used on this kernel: "
                + "fentry load failed with EPERM"), e.getMessage());
        assertEquals("trampoline: refused, fentry load failed with EPERM (libbpf: prog 'probe_fentry': failed to load: -1).",
                e.reasons().getLast());
    }

    @Test
    void ourMachineFallsBackFromProbeToTracepoint() {
        AttachDecision d = AttachModeChooser.choose(AttachRequest.exactly(PROBE, true), TestReports.ourMachine());
        assertEquals(AttachMode.TRACEPOINT, d.mode());
        assertTrue(d.fellBack());
        assertTrue(d.explanation().contains("kprobe attach failed with ENOENT"), d.explanation());
        assertEquals("warning: the requested mode probe was refused; tracepoint was chosen instead.", d.reasons().getLast());
    }

    // ---- specific rules and messages ----

    @Test
    void withoutBtfAutoIsLegacyAndSaysWhy() {
        Map<FeatureProbe, ProbeResult> probes = new EnumMap<>(FeatureProbe.class);
        probes.put(FeatureProbe.FENTRY, ProbeResult.notRun(FeatureProbe.FENTRY, "no kernel BTF"));
        probes.put(FeatureProbe.KPROBE, ProbeResult.allowed(FeatureProbe.KPROBE));
        probes.put(FeatureProbe.TP_BTF, ProbeResult.notRun(FeatureProbe.TP_BTF, "no kernel BTF"));
        probes.put(FeatureProbe.TRACEPOINT, ProbeResult.allowed(FeatureProbe.TRACEPOINT));
        AttachDecision d = AttachModeChooser.choose(AttachRequest.best(PROBE),
                TestReports.report(false, false, TestReports.ROOT, probes));
        assertEquals(AttachMode.LEGACY, d.mode());
        assertTrue(d.explanation().contains("/sys/kernel/btf/vmlinux absent"), d.explanation());
        assertEquals("legacy: chosen, kprobes load and attach (legacy mode needs no BTF).", d.reasons().getLast());
    }

    @Test
    void presentButUnparsableBtfIsSaid() {
        DetectionReport r = TestReports.report(true, false, TestReports.ROOT, TestReports.ourMachine().probes());
        AttachModeException e = assertThrows(AttachModeException.class,
                () -> AttachModeChooser.choose(AttachRequest.exactly(TRACEPOINT, false), r));
        assertTrue(e.getMessage().contains("it needs kernel BTF, which libbpf cannot parse"), e.getMessage());
        // our machine refuses kprobes, so legacy, the only mode left without BTF, is refused too
        AttachModeException auto = assertThrows(AttachModeException.class,
                () -> AttachModeChooser.choose(AttachRequest.best(TRACEPOINT), r));
        assertTrue(auto.getMessage().contains("only legacy is possible. legacy: refused, kprobe attach failed with ENOENT"),
                auto.getMessage());
    }

    @Test
    void legacyStandsOrFallsWithKprobes() {
        AttachModeException e = assertThrows(AttachModeException.class, () -> AttachModeChooser.choose(
                AttachRequest.exactly(LEGACY, false), TestReports.report(false, Set.of(FeatureProbe.TRACEPOINT))));
        assertEquals("The requested attach mode 'legacy' cannot be used on this kernel: kprobe attach failed"
                + " with ENOENT (no kprobe PMU). Use the auto mode, choose another mode, or allow fallback.",
                e.getMessage());
    }

    @Test
    void explicitLegacyIsUsedWithoutBtf() {
        AttachDecision d = AttachModeChooser.choose(AttachRequest.exactly(LEGACY, false),
                TestReports.report(false, Set.of(FeatureProbe.KPROBE)));
        assertEquals(AttachMode.LEGACY, d.mode());
        assertEquals("legacy requested.", d.reasons().getFirst());
    }

    @Test
    void anExplicitRequestSaysWhetherItMayFallBack() {
        assertEquals("tracepoint requested.", AttachModeChooser.choose(AttachRequest.exactly(TRACEPOINT, false),
                TestReports.ourMachine()).reasons().getFirst());
        assertEquals("probe requested, with fallback.", AttachModeChooser.choose(AttachRequest.exactly(PROBE, true),
                TestReports.ourMachine()).reasons().getFirst());
    }

    @Test
    void missingCapabilitiesAreNamedUnderAuto() {
        AttachModeException e = assertThrows(AttachModeException.class,
                () -> AttachModeChooser.choose(AttachRequest.best(TRAMPOLINE), TestReports.unprivileged()));
        assertTrue(e.getMessage().contains("CAP_BPF") && e.getMessage().contains("CAP_PERFMON"), e.getMessage());
        assertFalse(e.getMessage().contains("this kernel allows none"), "it is the process, not the kernel: " + e.getMessage());
        for (AttachMode m : AttachMode.values()) {
            assertTrue(e.getMessage().contains(m.cliName() + ": refused"), e.getMessage());
        }
    }

    @Test
    void missingCapabilitiesAreNamedForAnExplicitMode() {
        AttachModeException e = assertThrows(AttachModeException.class,
                () -> AttachModeChooser.choose(AttachRequest.exactly(TRACEPOINT, false), TestReports.unprivileged()));
        // how to grant both to this process alone, and never file capabilities on the shared java binary
        assertTrue(e.getMessage().contains("AmbientCapabilities=CAP_BPF CAP_PERFMON"), e.getMessage());
        assertFalse(e.getMessage().contains("setcap cap_"), e.getMessage());
        AttachModeException fallback = assertThrows(AttachModeException.class,
                () -> AttachModeChooser.choose(AttachRequest.exactly(TRACEPOINT, true), TestReports.unprivileged()));
        assertTrue(fallback.getMessage().contains("CAP_BPF") && fallback.getMessage().contains("CAP_PERFMON"),
                fallback.getMessage());
    }

    @Test
    void anUnprobedModeIsNeverChosen() {
        DetectionReport r = TestReports.report(true, true, TestReports.ROOT,
                Map.of(FeatureProbe.TP_BTF, ProbeResult.allowed(FeatureProbe.TP_BTF)));
        AttachDecision d = AttachModeChooser.choose(AttachRequest.best(TRAMPOLINE), r);
        assertEquals(AttachMode.TRACEPOINT, d.mode());
        assertTrue(d.explanation().contains("trampoline: refused, fentry was not probed."), d.explanation());
        assertTrue(d.explanation().contains("probe: refused, kprobe was not probed."), d.explanation());
    }

    @Test
    void decisionsAndExceptionsAreImmutable() {
        AttachDecision d = AttachModeChooser.choose(AttachRequest.best(TRAMPOLINE), TestReports.ourMachine());
        assertThrows(UnsupportedOperationException.class, () -> d.reasons().add("x"));
        AttachModeException e = assertThrows(AttachModeException.class,
                () -> AttachModeChooser.choose(AttachRequest.best(TRAMPOLINE), TestReports.unprivileged()));
        assertThrows(UnsupportedOperationException.class, () -> e.reasons().add("x"));
    }

    @Test
    void attachModesNameTheirProbes() {
        assertEquals(List.of("trampoline", "probe", "tracepoint", "legacy"),
                Stream.of(AttachMode.values()).map(AttachMode::cliName).toList());
        // legacy's counts all come from kprobes: it cannot run where they are refused
        assertEquals(List.of(FeatureProbe.FENTRY, FeatureProbe.KPROBE, FeatureProbe.TP_BTF, FeatureProbe.KPROBE),
                Stream.of(AttachMode.values()).map(AttachMode::requiredProbe).toList());
        assertEquals(List.of(true, true, true, false), Stream.of(AttachMode.values()).map(AttachMode::needsBtf).toList());
    }

    // ---- probing only what the choice needs ----

    /** The probes run, in order, to choose for {@code request} on a kernel allowing {@code allowed}, and the report. */
    private static List<FeatureProbe> probed(AttachRequest request, boolean btf, Set<FeatureProbe> allowed, List<DetectionReport> out) {
        DetectionReport full = TestReports.report(btf, allowed);
        DetectionReport inspected = TestReports.report(btf, btf, TestReports.ROOT, Map.of());
        List<FeatureProbe> run = new ArrayList<>();
        out.add(AttachModeChooser.probeAsNeeded(request, inspected, (r, f) -> {
            run.add(f);
            Map<FeatureProbe, ProbeResult> probes = new EnumMap<>(FeatureProbe.class);
            probes.putAll(r.probes());
            probes.put(f, full.probes().get(f));
            return TestReports.report(btf, btf, TestReports.ROOT, probes);
        }));
        return run;
    }

    @Test
    void aKernelAllowingTheFirstChoicePaysForOneProbe() {
        List<DetectionReport> r = new ArrayList<>();
        assertEquals(List.of(FENTRY), probed(AttachRequest.best(TRAMPOLINE), true, ALL, r));
        assertEquals(List.of(TP_BTF), probed(AttachRequest.best(TRACEPOINT), true, ALL, r));
        assertEquals(List.of(KPROBE), probed(AttachRequest.exactly(PROBE, false), true, Set.of(), r));
        assertEquals(List.of(KPROBE), probed(AttachRequest.best(TRACEPOINT), false, ALL, r)); // no BTF: legacy only
        // our machine: fentry refused, no kprobes, tp_btf allowed
        assertEquals(List.of(FENTRY, KPROBE, TP_BTF), probed(AttachRequest.best(TRAMPOLINE), true, Set.of(TP_BTF, CLASSIC), r));
        assertEquals(List.of(TP_BTF, FENTRY, KPROBE), probed(AttachRequest.exactly(TRACEPOINT, true), true, Set.of(), r));
    }

    @Test
    void probingAsNeededChoosesAsProbingEverything() {
        List<AttachRequest> requests = new ArrayList<>();
        for (AttachMode m : AttachMode.values()) {
            requests.add(AttachRequest.best(m));
            requests.add(AttachRequest.exactly(m, false));
            requests.add(AttachRequest.exactly(m, true));
        }
        for (int mask = 0; mask < 1 << FeatureProbe.values().length; mask++) {
            Set<FeatureProbe> allowed = EnumSet.noneOf(FeatureProbe.class);
            for (FeatureProbe f : FeatureProbe.values()) {
                if ((mask & 1 << f.ordinal()) != 0) {
                    allowed.add(f);
                }
            }
            for (boolean btf : new boolean[] {true, false}) {
                for (AttachRequest request : requests) {
                    List<DetectionReport> lazy = new ArrayList<>();
                    probed(request, btf, allowed, lazy);
                    String what = request + ", btf " + btf + ", allowed " + allowed;
                    assertEquals(outcome(request, TestReports.report(btf, allowed)), outcome(request, lazy.getFirst()), what);
                }
            }
        }
    }

    /* The mode and reasons chosen, or the exception's message. */
    private static String outcome(AttachRequest request, DetectionReport report) {
        try {
            AttachDecision d = AttachModeChooser.choose(request, report);
            return d.mode() + " " + d.reasons() + " " + d.fellBack();
        } catch (AttachModeException e) {
            return "refused: " + e.getMessage();
        }
    }
}
