package io.ebpfnet.core.detect;

import io.ebpfnet.core.testing.FixedFeatureProber;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Detection on the fixture trees, with probes answered by {@link FixedFeatureProber}. */
class KernelDetectorTest {
    private static final BtfInspector PARSES = p -> true;
    private static final BtfInspector NEVER_ASKED = p -> {
        throw new AssertionError("no BTF file: must not be parsed");
    };

    @Test
    void kprobesWithoutBtf(@TempDir Path dir) {
        FixedFeatureProber prober = FixedFeatureProber.allowing(Set.of(FeatureProbe.values()));
        DetectionReport r = new KernelDetector(KernelFixture.paths("kprobes-no-btf", dir), prober, NEVER_ASKED).detect();

        assertEquals("5.4.0-150-generic", r.release());
        assertTrue(r.configSource().endsWith("boot/config-5.4.0-150-generic"), r.configSource());
        assertEquals(Tristate.YES, r.configFlags().get("CONFIG_KPROBES"));
        assertEquals(Tristate.YES, r.configFlags().get("CONFIG_KPROBE_EVENTS"));
        assertEquals(Tristate.NO, r.configFlags().get("CONFIG_DEBUG_INFO_BTF"));
        assertFalse(r.btfPresent());
        assertFalse(r.btfParsable());
        assertTrue(r.tracefsMounted());
        assertEquals("/sys/kernel/tracing", r.tracefsPath());
        // The BTF-typed kinds cannot even be tried; the others are.
        assertEquals(List.of(FeatureProbe.KPROBE, FeatureProbe.TRACEPOINT), prober.calls());
        for (FeatureProbe f : List.of(FeatureProbe.FENTRY, FeatureProbe.TP_BTF)) {
            assertEquals(ProbeResult.Outcome.NOT_RUN, r.probes().get(f).outcome());
            assertEquals("no kernel BTF", r.probes().get(f).detail());
        }
        assertTrue(r.allows(FeatureProbe.KPROBE));
        assertTrue(r.allows(FeatureProbe.TRACEPOINT));
    }

    @Test
    void inspectionRunsNoProbeAndProbesRunOnlyWhatIsAsked(@TempDir Path dir) {
        FixedFeatureProber prober = FixedFeatureProber.ourMachine();
        KernelDetector detector = new KernelDetector(KernelFixture.paths("btf-no-kprobes", dir), prober, PARSES);
        DetectionReport inspected = detector.inspect();
        assertEquals(List.of(), prober.calls());
        assertEquals(Map.of(), inspected.probes());
        assertTrue(inspected.btfParsable());

        DetectionReport withTpBtf = detector.probe(inspected, Set.of(FeatureProbe.TP_BTF));
        assertEquals(List.of(FeatureProbe.TP_BTF), prober.calls());
        assertEquals(Set.of(FeatureProbe.TP_BTF), withTpBtf.probes().keySet());
        // a probe already in the report is not run again; the report is otherwise the inspection's
        DetectionReport all = detector.probe(withTpBtf, EnumSet.allOf(FeatureProbe.class));
        assertEquals(List.of(FeatureProbe.TP_BTF, FeatureProbe.FENTRY, FeatureProbe.KPROBE, FeatureProbe.TRACEPOINT,
                FeatureProbe.MAP_ITERATOR), prober.calls());
        assertEquals(detector.detect().probes(), all.probes());
        assertEquals(inspected.configFlags(), all.configFlags());
    }

    @Test
    void inspectionIgnoringBtfNeverReadsIt(@TempDir Path dir) {
        SystemPaths paths = KernelFixture.paths("btf-no-kprobes", dir);
        DetectionReport inspected = new KernelDetector(paths, FixedFeatureProber.ourMachine(), NEVER_ASKED).inspect(false);
        assertFalse(inspected.btfPresent());
        assertFalse(inspected.btfParsable());
        // the same report otherwise
        DetectionReport withBtf = new KernelDetector(paths, FixedFeatureProber.ourMachine(), PARSES).inspect();
        assertTrue(withBtf.btfParsable());
        assertEquals(withBtf.configFlags(), inspected.configFlags());
        assertEquals(withBtf.capabilities(), inspected.capabilities());
    }

    @Test
    void btfWithoutKprobesLikeOurMachine(@TempDir Path dir) {
        FixedFeatureProber prober = FixedFeatureProber.ourMachine();
        DetectionReport r = new KernelDetector(KernelFixture.paths("btf-no-kprobes", dir), prober, PARSES).detect();

        assertEquals("6.18.44-fc-v782", r.release());
        assertTrue(r.configSource().endsWith("proc/config.gz"), r.configSource());
        assertEquals(Tristate.NO, r.configFlags().get("CONFIG_KPROBES"));
        assertEquals(Tristate.NO, r.configFlags().get("CONFIG_KPROBE_EVENTS"), "omitted by kconfig, so off");
        assertEquals(Tristate.YES, r.configFlags().get("CONFIG_HAVE_KPROBES"));
        assertEquals(Tristate.YES, r.configFlags().get("CONFIG_DEBUG_INFO_BTF"));
        assertTrue(r.btfPresent());
        assertTrue(r.btfParsable());
        assertFalse(r.tracefsMounted());
        assertEquals("", r.tracefsPath());
        assertEquals(List.of(FeatureProbe.values()), prober.calls());
        assertFalse(r.allows(FeatureProbe.FENTRY));
        assertEquals("EPERM", r.probes().get(FeatureProbe.FENTRY).errno());
        assertEquals("ENOENT", r.probes().get(FeatureProbe.KPROBE).errno());
        assertTrue(r.allows(FeatureProbe.TP_BTF));
        assertTrue(r.allows(FeatureProbe.TRACEPOINT));

        AttachDecision d = AttachModeChooser.choose(AttachRequest.best(AttachMode.TRAMPOLINE), r);
        assertEquals(AttachMode.TRACEPOINT, d.mode());
    }

    @Test
    void flagsAreReportedInOrder(@TempDir Path dir) {
        DetectionReport r = new KernelDetector(KernelFixture.paths("btf-no-kprobes", dir), FixedFeatureProber.ourMachine(),
                PARSES).detect();
        assertEquals(List.of("CONFIG_KPROBES", "CONFIG_KPROBE_EVENTS", "CONFIG_BPF", "CONFIG_BPF_SYSCALL", "CONFIG_BPF_JIT",
                "CONFIG_BPF_EVENTS", "CONFIG_DEBUG_INFO_BTF", "CONFIG_FTRACE", "CONFIG_DYNAMIC_FTRACE_WITH_DIRECT_CALLS",
                "CONFIG_FUNCTION_TRACER", "CONFIG_CGROUP_BPF", "CONFIG_HAVE_KPROBES"), List.copyOf(r.configFlags().keySet()));
    }

    @Test
    void unparsableBtfCountsAsNoBtf(@TempDir Path dir) {
        FixedFeatureProber prober = FixedFeatureProber.ourMachine();
        DetectionReport r = new KernelDetector(KernelFixture.paths("btf-no-kprobes", dir), prober, p -> false).detect();
        assertTrue(r.btfPresent());
        assertFalse(r.btfParsable());
        assertEquals(List.of(FeatureProbe.KPROBE, FeatureProbe.TRACEPOINT), prober.calls());
        assertEquals(ProbeResult.Outcome.NOT_RUN, r.probes().get(FeatureProbe.TP_BTF).outcome());
    }

    @Test
    void btfInspectorGetsTheVmlinuxPath(@TempDir Path dir) {
        SystemPaths paths = KernelFixture.paths("btf-no-kprobes", dir);
        new KernelDetector(paths, FixedFeatureProber.ourMachine(), p -> {
            assertEquals(paths.sys().resolve("kernel/btf/vmlinux"), p);
            return true;
        }).detect();
    }

    @Test
    void noConfigMakesEveryFlagUnknown(@TempDir Path dir) {
        DetectionReport r = new KernelDetector(KernelFixture.paths("no-config", dir), FixedFeatureProber.ourMachine(),
                PARSES).detect();
        assertEquals("6.8.0-custom", r.release());
        assertEquals("", r.configSource());
        assertFalse(r.configKnown());
        assertEquals(KernelDetector.FLAGS.size(), r.configFlags().size());
        r.configFlags().forEach((k, v) -> assertEquals(Tristate.UNKNOWN, v, k));
    }

    @Test
    void unprivilegedProcessRunsNoProbe(@TempDir Path dir) {
        DetectionReport r = new KernelDetector(KernelFixture.paths("unprivileged", dir), f -> {
            throw new AssertionError("must not probe without privileges");
        }, PARSES).detect();
        assertFalse(r.capabilities().canLoadBpf());
        assertEquals(Tristate.YES, r.configFlags().get("CONFIG_KPROBES"));
        for (FeatureProbe f : FeatureProbe.values()) {
            ProbeResult p = r.probes().get(f);
            assertEquals(ProbeResult.Outcome.NOT_RUN, p.outcome(), f.name());
            assertEquals("missing CAP_BPF/CAP_PERFMON", p.detail());
            assertFalse(r.allows(f));
        }
    }

    @Test
    void missingOsreleaseIsUnknown(@TempDir Path dir) throws IOException {
        SystemPaths paths = KernelFixture.paths("btf-no-kprobes", dir);
        Files.delete(paths.proc().resolve("sys/kernel/osrelease"));
        DetectionReport r = new KernelDetector(paths, FixedFeatureProber.ourMachine(), PARSES).detect();
        assertEquals("unknown", r.release());
        assertTrue(r.configSource().endsWith("proc/config.gz"), "config.gz does not depend on the release");
    }

    @Test
    void anEmptyRootNeverThrows(@TempDir Path dir) {
        DetectionReport r = new KernelDetector(SystemPaths.under(dir), FixedFeatureProber.ourMachine(), NEVER_ASKED).detect();
        assertEquals("unknown", r.release());
        assertFalse(r.configKnown());
        assertFalse(r.btfPresent());
        assertFalse(r.tracefsMounted());
        assertFalse(r.capabilities().canLoadBpf());
        assertEquals(FeatureProbe.values().length, r.probes().size());
    }

    @Test
    void tracefsMountPointEscapesAreDecoded(@TempDir Path dir) throws IOException {
        SystemPaths paths = KernelFixture.paths("btf-no-kprobes", dir);
        Files.writeString(paths.proc().resolve("self/mounts"), "proc /proc proc rw 0 0\n"
                + "nodev /mnt/my\\040tracing tracefs rw,relatime 0 0\n");
        DetectionReport r = new KernelDetector(paths, FixedFeatureProber.ourMachine(), PARSES).detect();
        assertTrue(r.tracefsMounted());
        assertEquals("/mnt/my tracing", r.tracefsPath());
    }
}
