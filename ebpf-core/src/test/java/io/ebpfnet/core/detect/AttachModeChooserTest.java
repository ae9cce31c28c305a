package io.ebpfnet.core.detect;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The attach-mode choice: the full matrix, our machine, and the messages. */
class AttachModeChooserTest {

    // ---- the matrix ----

    /** Every subset of allowed probes. */
    static List<Set<FeatureProbe>> allowedSubsets() {
        FeatureProbe[] all = FeatureProbe.values();
        List<Set<FeatureProbe>> subsets = new ArrayList<>();
        for (int bits = 0; bits < 1 << all.length; bits++) {
            Set<FeatureProbe> s = EnumSet.noneOf(FeatureProbe.class);
            for (int i = 0; i < all.length; i++) {
                if ((bits & 1 << i) != 0) {
                    s.add(all[i]);
                }
            }
            subsets.add(s);
        }
        return subsets;
    }

    static Stream<Arguments> autoCases() {
        List<Arguments> cases = new ArrayList<>();
        for (Set<FeatureProbe> allowed : allowedSubsets()) {
            for (boolean btf : new boolean[] {true, false}) {
                for (CoreTracing tracing : CoreTracing.values()) {
                    cases.add(Arguments.of(allowed, btf, tracing));
                }
            }
        }
        return cases.stream();
    }

    static Stream<Arguments> explicitCases() {
        List<Arguments> cases = new ArrayList<>();
        for (Set<FeatureProbe> allowed : allowedSubsets()) {
            for (boolean btf : new boolean[] {true, false}) {
                for (boolean fallback : new boolean[] {true, false}) {
                    for (CoreTracing tracing : CoreTracing.values()) {
                        cases.add(Arguments.of(TypeFormat.CORE, tracing, allowed, btf, fallback));
                    }
                    cases.add(Arguments.of(TypeFormat.LEGACY, CoreTracing.TRAMPOLINE, allowed, btf, fallback));
                }
            }
        }
        return cases.stream();
    }

    /** Auto's order, written out independently of the chooser. */
    static List<AttachMode> autoOrder(CoreTracing tracing, boolean btf) {
        if (!btf) {
            return List.of(AttachMode.LEGACY);
        }
        Set<AttachMode> order = new LinkedHashSet<>(List.of(tracing.mode(), AttachMode.TRAMPOLINE, AttachMode.PROBE,
                AttachMode.TRACEPOINT, AttachMode.LEGACY));
        return List.copyOf(order);
    }

    static Optional<AttachMode> firstAllowed(List<AttachMode> order, Set<FeatureProbe> allowed) {
        return order.stream().filter(m -> allowed.contains(m.requiredProbe())).findFirst();
    }

    @ParameterizedTest(name = "auto, tracing {2}, btf {1}, allowed {0}")
    @MethodSource("autoCases")
    void autoTakesTheFirstAllowedModeInOrder(Set<FeatureProbe> allowed, boolean btf, CoreTracing tracing) {
        DetectionReport report = TestReports.report(btf, allowed);
        List<AttachMode> order = autoOrder(tracing, btf);
        Optional<AttachMode> expected = firstAllowed(order, allowed);
        if (expected.isEmpty()) {
            AttachModeException e = assertThrows(AttachModeException.class,
                    () -> AttachModeChooser.choose(TypeFormat.AUTO, tracing, false, report));
            assertTrue(e.getMessage().contains("this kernel allows none of the attach modes"), e.getMessage());
            for (AttachMode m : order) {
                assertTrue(e.getMessage().contains(m.cliName() + ": refused, "), e.getMessage());
                assertTrue(e.getMessage().contains(FixedFeatureProber.refusal(m.requiredProbe()).errno()), e.getMessage());
            }
            return;
        }
        AttachDecision d = AttachModeChooser.choose(TypeFormat.AUTO, tracing, false, report);
        assertEquals(expected.get(), d.mode());
        assertFalse(d.fellBack());
        assertEquals("ebpf type format = auto: choosing the best mode the kernel allows.", d.reasons().getFirst());
        assertTrue(d.reasons().getLast().startsWith(d.mode().cliName() + ": chosen, "), d.reasons().getLast());
        // Every mode tried before the chosen one is named with the errno that refused it.
        for (AttachMode m : order.subList(0, order.indexOf(d.mode()))) {
            String errno = FixedFeatureProber.refusal(m.requiredProbe()).errno();
            assertTrue(d.reasons().stream().anyMatch(r -> r.startsWith(m.cliName() + ": refused") && r.contains(errno)),
                    d.reasons().toString());
        }
        if (!btf) {
            assertTrue(d.explanation().contains("no parsable kernel BTF"), d.explanation());
        }
    }

    @ParameterizedTest(name = "{0}/{1}, btf {3}, fallback {4}, allowed {2}")
    @MethodSource("explicitCases")
    void explicitModeIsUsedRefusedOrFallsBack(TypeFormat format, CoreTracing tracing, Set<FeatureProbe> allowed,
                                               boolean btf, boolean fallback) {
        DetectionReport report = TestReports.report(btf, allowed);
        AttachMode wanted = format == TypeFormat.LEGACY ? AttachMode.LEGACY : tracing.mode();
        boolean wantedOk = allowed.contains(wanted.requiredProbe()) && (btf || !wanted.needsBtf());

        if (wantedOk) {
            AttachDecision d = AttachModeChooser.choose(format, tracing, fallback, report);
            assertEquals(wanted, d.mode());
            assertFalse(d.fellBack());
            assertTrue(d.reasons().getLast().startsWith(wanted.cliName() + ": chosen, "), d.reasons().toString());
            return;
        }
        String why = !btf && wanted.needsBtf() ? "needs kernel BTF" : FixedFeatureProber.refusal(wanted.requiredProbe()).errno();
        if (!fallback) {
            AttachModeException e = assertThrows(AttachModeException.class,
                    () -> AttachModeChooser.choose(format, tracing, false, report));
            assertTrue(e.getMessage().startsWith("The configured attach mode '" + wanted.cliName() + "' cannot be used"),
                    e.getMessage());
            assertTrue(e.getMessage().contains(why), e.getMessage());
            assertTrue(e.getMessage().contains("allow fallback"), e.getMessage());
            return;
        }
        List<AttachMode> others = new ArrayList<>(autoOrder(tracing, btf));
        others.remove(wanted);
        Optional<AttachMode> expected = firstAllowed(others, allowed);
        if (expected.isEmpty()) {
            AttachModeException e = assertThrows(AttachModeException.class,
                    () -> AttachModeChooser.choose(format, tracing, true, report));
            assertTrue(e.getMessage().contains("this kernel allows none of the attach modes"), e.getMessage());
            assertTrue(e.getMessage().contains(why), e.getMessage());
            return;
        }
        AttachDecision d = AttachModeChooser.choose(format, tracing, true, report);
        assertEquals(expected.get(), d.mode());
        assertTrue(d.fellBack());
        assertTrue(d.explanation().contains(wanted.cliName() + ": refused, ") && d.explanation().contains(why), d.explanation());
        assertEquals("warning: the configured mode " + wanted.cliName() + " was refused; " + d.mode().cliName()
                + " was chosen instead.", d.reasons().getLast());
    }

    static Stream<Arguments> outcomeCombinations() {
        ProbeResult.Outcome[] outcomes = ProbeResult.Outcome.values();
        FeatureProbe[] features = FeatureProbe.values();
        List<Arguments> cases = new ArrayList<>();
        int n = (int) Math.pow(outcomes.length, features.length);
        for (int code = 0; code < n; code++) {
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
            for (boolean btf : new boolean[] {true, false}) {
                cases.add(Arguments.of(probes, btf));
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "btf {1}: {0}")
    @MethodSource("outcomeCombinations")
    void neverChoosesAModeWhoseProbeWasNotAllowed(Map<FeatureProbe, ProbeResult> probes, boolean btf) {
        DetectionReport report = TestReports.report(btf, btf, TestReports.ROOT, probes);
        for (TypeFormat format : TypeFormat.values()) {
            for (CoreTracing tracing : CoreTracing.values()) {
                for (boolean fallback : new boolean[] {true, false}) {
                    try {
                        AttachMode m = AttachModeChooser.choose(format, tracing, fallback, report).mode();
                        assertTrue(probes.get(m.requiredProbe()).allowed(), m + " chosen with " + probes);
                        assertTrue(btf || !m.needsBtf(), m + " chosen without BTF");
                    } catch (AttachModeException e) {
                        assertFalse(e.reasons().isEmpty());
                    }
                }
            }
        }
    }

    // ---- our machine ----

    @Test
    void ourMachineGetsTracepointsAndSaysWhy() {
        AttachDecision d = AttachModeChooser.choose(TypeFormat.AUTO, CoreTracing.TRAMPOLINE, false, TestReports.ourMachine());
        assertEquals(AttachMode.TRACEPOINT, d.mode());
        assertFalse(d.fellBack());
        assertEquals(List.of(
                "ebpf type format = auto: choosing the best mode the kernel allows.",
                "trampoline: refused, fentry load failed with EPERM (libbpf: prog 'probe_fentry': failed to load: -1).",
                "probe: refused, kprobe attach failed with ENOENT (failed to create kprobe 'tcp_sendmsg+0x0' perf event).",
                "tracepoint: chosen, kernel BTF is present and tp_btf programs load and attach."), d.reasons());
    }

    @Test
    void ourMachineRefusesExplicitTrampolineNamingEperm() {
        AttachModeException e = assertThrows(AttachModeException.class, () -> AttachModeChooser.choose(TypeFormat.CORE,
                CoreTracing.TRAMPOLINE, false, TestReports.ourMachine()));
        assertTrue(e.getMessage().startsWith("The configured attach mode 'trampoline' cannot be used on this kernel: "
                + "fentry load failed with EPERM"), e.getMessage());
        assertEquals("trampoline: refused, fentry load failed with EPERM (libbpf: prog 'probe_fentry': failed to load: -1).",
                e.reasons().getLast());
    }

    @Test
    void ourMachineFallsBackFromProbeToTracepoint() {
        AttachDecision d = AttachModeChooser.choose(TypeFormat.CORE, CoreTracing.PROBE, true, TestReports.ourMachine());
        assertEquals(AttachMode.TRACEPOINT, d.mode());
        assertTrue(d.fellBack());
        assertTrue(d.explanation().contains("kprobe attach failed with ENOENT"), d.explanation());
        assertEquals("warning: the configured mode probe was refused; tracepoint was chosen instead.", d.reasons().getLast());
    }

    // ---- specific rules and messages ----

    @Test
    void autoTriesTheConfiguredTracingFirst() {
        DetectionReport all = TestReports.report(true, Set.of(FeatureProbe.values()));
        for (CoreTracing t : CoreTracing.values()) {
            assertEquals(t.mode(), AttachModeChooser.choose(TypeFormat.AUTO, t, false, all).mode());
        }
    }

    @Test
    void withoutBtfAutoIsLegacyAndSaysWhy() {
        Map<FeatureProbe, ProbeResult> probes = new EnumMap<>(FeatureProbe.class);
        probes.put(FeatureProbe.FENTRY, ProbeResult.notRun(FeatureProbe.FENTRY, "no kernel BTF"));
        probes.put(FeatureProbe.KPROBE, ProbeResult.allowed(FeatureProbe.KPROBE));
        probes.put(FeatureProbe.TP_BTF, ProbeResult.notRun(FeatureProbe.TP_BTF, "no kernel BTF"));
        probes.put(FeatureProbe.TRACEPOINT, ProbeResult.allowed(FeatureProbe.TRACEPOINT));
        AttachDecision d = AttachModeChooser.choose(TypeFormat.AUTO, CoreTracing.PROBE, false,
                TestReports.report(false, false, TestReports.ROOT, probes));
        assertEquals(AttachMode.LEGACY, d.mode());
        assertTrue(d.explanation().contains("/sys/kernel/btf/vmlinux absent"), d.explanation());
        assertEquals("legacy: chosen, kprobes load and attach (legacy mode needs no BTF).", d.reasons().getLast());
    }

    @Test
    void presentButUnparsableBtfIsSaid() {
        DetectionReport r = TestReports.report(true, false, TestReports.ROOT, TestReports.ourMachine().probes());
        AttachModeException e = assertThrows(AttachModeException.class,
                () -> AttachModeChooser.choose(TypeFormat.CORE, CoreTracing.TRACEPOINT, false, r));
        assertTrue(e.getMessage().contains("it needs kernel BTF, which libbpf cannot parse"), e.getMessage());
        // our machine refuses kprobes, so legacy, the only mode left without BTF, is refused too
        AttachModeException auto = assertThrows(AttachModeException.class,
                () -> AttachModeChooser.choose(TypeFormat.AUTO, CoreTracing.TRACEPOINT, false, r));
        assertTrue(auto.getMessage().contains("only legacy is possible. legacy: refused, kprobe attach failed with ENOENT"),
                auto.getMessage());
    }

    @Test
    void legacyStandsOrFallsWithKprobes() {
        AttachModeException e = assertThrows(AttachModeException.class, () -> AttachModeChooser.choose(TypeFormat.LEGACY,
                CoreTracing.TRAMPOLINE, false, TestReports.report(false, Set.of(FeatureProbe.TRACEPOINT))));
        assertEquals("The configured attach mode 'legacy' cannot be used on this kernel: kprobe attach failed"
                + " with ENOENT (no kprobe PMU). Use ebpf type format = auto, configure another mode, or allow fallback.",
                e.getMessage());
    }

    @Test
    void explicitLegacyIsUsedWithoutBtf() {
        AttachDecision d = AttachModeChooser.choose(TypeFormat.LEGACY, CoreTracing.TRAMPOLINE, false,
                TestReports.report(false, Set.of(FeatureProbe.KPROBE)));
        assertEquals(AttachMode.LEGACY, d.mode());
        assertEquals("ebpf type format = legacy: legacy requested.", d.reasons().getFirst());
    }

    @Test
    void explicitCoreNamesBothOptions() {
        AttachDecision d = AttachModeChooser.choose(TypeFormat.CORE, CoreTracing.TRACEPOINT, false, TestReports.ourMachine());
        assertEquals("ebpf type format = co-re, ebpf co-re tracing = tracepoint: tracepoint requested.", d.reasons().getFirst());
    }

    @Test
    void missingCapabilitiesAreNamedUnderAuto() {
        AttachModeException e = assertThrows(AttachModeException.class,
                () -> AttachModeChooser.choose(TypeFormat.AUTO, CoreTracing.TRAMPOLINE, false, TestReports.unprivileged()));
        assertTrue(e.getMessage().contains("CAP_BPF") && e.getMessage().contains("CAP_PERFMON"), e.getMessage());
        assertFalse(e.getMessage().contains("this kernel allows none"), "it is the process, not the kernel: " + e.getMessage());
        for (AttachMode m : AttachMode.values()) {
            assertTrue(e.getMessage().contains(m.cliName() + ": refused"), e.getMessage());
        }
    }

    @Test
    void missingCapabilitiesAreNamedForAnExplicitMode() {
        AttachModeException e = assertThrows(AttachModeException.class,
                () -> AttachModeChooser.choose(TypeFormat.CORE, CoreTracing.TRACEPOINT, false, TestReports.unprivileged()));
        // how to grant both to this process alone, and never file capabilities on the shared java binary
        assertTrue(e.getMessage().contains("AmbientCapabilities=CAP_BPF CAP_PERFMON"), e.getMessage());
        assertFalse(e.getMessage().contains("setcap cap_"), e.getMessage());
        AttachModeException fallback = assertThrows(AttachModeException.class,
                () -> AttachModeChooser.choose(TypeFormat.CORE, CoreTracing.TRACEPOINT, true, TestReports.unprivileged()));
        assertTrue(fallback.getMessage().contains("CAP_BPF") && fallback.getMessage().contains("CAP_PERFMON"),
                fallback.getMessage());
    }

    @Test
    void anUnprobedModeIsNeverChosen() {
        DetectionReport r = TestReports.report(true, true, TestReports.ROOT,
                Map.of(FeatureProbe.TP_BTF, ProbeResult.allowed(FeatureProbe.TP_BTF)));
        AttachDecision d = AttachModeChooser.choose(TypeFormat.AUTO, CoreTracing.TRAMPOLINE, false, r);
        assertEquals(AttachMode.TRACEPOINT, d.mode());
        assertTrue(d.explanation().contains("trampoline: refused, fentry was not probed."), d.explanation());
        assertTrue(d.explanation().contains("probe: refused, kprobe was not probed."), d.explanation());
    }

    @Test
    void decisionsAndExceptionsAreImmutable() {
        AttachDecision d = AttachModeChooser.choose(TypeFormat.AUTO, CoreTracing.TRAMPOLINE, false, TestReports.ourMachine());
        assertThrows(UnsupportedOperationException.class, () -> d.reasons().add("x"));
        AttachModeException e = assertThrows(AttachModeException.class,
                () -> AttachModeChooser.choose(TypeFormat.AUTO, CoreTracing.TRAMPOLINE, false, TestReports.unprivileged()));
        assertThrows(UnsupportedOperationException.class, () -> e.reasons().add("x"));
    }

    // ---- the option values ----

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
    void attachModesNameTheirProbes() {
        assertEquals(List.of("trampoline", "probe", "tracepoint", "legacy"),
                Stream.of(AttachMode.values()).map(AttachMode::cliName).toList());
        // legacy's counts all come from kprobes: it cannot run where they are refused
        assertEquals(List.of(FeatureProbe.FENTRY, FeatureProbe.KPROBE, FeatureProbe.TP_BTF, FeatureProbe.KPROBE),
                Stream.of(AttachMode.values()).map(AttachMode::requiredProbe).toList());
        assertEquals(List.of(true, true, true, false), Stream.of(AttachMode.values()).map(AttachMode::needsBtf).toList());
    }
}
