package io.ebpfnet.core.detect;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Detection on fixture trees, with probes answered by the test. */
class KernelDetectorTest {
    /** Our CI kernel: fentry refused at load, no kprobes, tracepoints fine. */
    static final FeatureProber OUR_KERNEL = f -> switch (f) {
        case FENTRY -> ProbeResult.refused(f, "load", "EPERM", "refused at load");
        case KPROBE -> ProbeResult.refused(f, "attach", "ENOENT", "no kprobe PMU");
        case TP_BTF, TRACEPOINT -> ProbeResult.allowed(f);
    };

    @Test
    void kernelWithBtfAndNoKprobesLikeOurs(@TempDir Path root) throws IOException {
        FixtureKernel k = new FixtureKernel(root)
                .configGz("CONFIG_BPF=y\nCONFIG_BPF_SYSCALL=y\nCONFIG_DEBUG_INFO_BTF=y\n# CONFIG_KPROBES is not set\n")
                .btf();
        DetectionReport r = new KernelDetector(k.paths(), OUR_KERNEL, p -> true).detect();
        assertEquals("6.1.0-test-amd64", r.release());
        assertEquals(Tristate.NO, r.configFlags().get("CONFIG_KPROBES"));
        assertEquals(Tristate.YES, r.configFlags().get("CONFIG_DEBUG_INFO_BTF"));
        assertTrue(r.btfPresent());
        assertTrue(r.btfParsable());
        assertFalse(r.tracefsMounted());
        assertFalse(r.allows(FeatureProbe.FENTRY));
        assertEquals("EPERM", r.probes().get(FeatureProbe.FENTRY).errno());
        assertTrue(r.allows(FeatureProbe.TP_BTF));
    }

    @Test
    void kernelWithKprobesAndNoBtfDoesNotProbeBtfKinds(@TempDir Path root) throws IOException {
        FixtureKernel k = new FixtureKernel(root).bootConfig("CONFIG_KPROBES=y\nCONFIG_BPF=y\n").tracefs();
        List<FeatureProbe> probed = new ArrayList<>();
        DetectionReport r = new KernelDetector(k.paths(), f -> {
            probed.add(f);
            return ProbeResult.allowed(f);
        }, p -> {
            throw new AssertionError("no BTF file: must not be parsed");
        }).detect();
        assertFalse(r.btfPresent());
        assertFalse(r.btfParsable());
        assertEquals(List.of(FeatureProbe.KPROBE, FeatureProbe.TRACEPOINT), probed);
        assertEquals(ProbeResult.Outcome.NOT_RUN, r.probes().get(FeatureProbe.FENTRY).outcome());
        assertEquals(Tristate.YES, r.configFlags().get("CONFIG_KPROBES"));
        assertTrue(r.tracefsMounted());
        assertEquals("/sys/kernel/tracing", r.tracefsPath());
    }

    @Test
    void missingConfigMakesFlagsUnknown(@TempDir Path root) throws IOException {
        FixtureKernel k = new FixtureKernel(root).btf();
        DetectionReport r = new KernelDetector(k.paths(), OUR_KERNEL, p -> true).detect();
        assertEquals("", r.configSource());
        r.configFlags().values().forEach(v -> assertEquals(Tristate.UNKNOWN, v));
    }

    @Test
    void unparsableBtfCountsAsNoBtf(@TempDir Path root) throws IOException {
        FixtureKernel k = new FixtureKernel(root).btf();
        DetectionReport r = new KernelDetector(k.paths(), OUR_KERNEL, p -> false).detect();
        assertTrue(r.btfPresent());
        assertFalse(r.btfParsable());
        assertEquals(ProbeResult.Outcome.NOT_RUN, r.probes().get(FeatureProbe.TP_BTF).outcome());
    }

    @Test
    void unprivilegedProcessRunsNoProbe(@TempDir Path root) throws IOException {
        FixtureKernel k = new FixtureKernel(root).btf().capabilities("0000000000000000");
        DetectionReport r = new KernelDetector(k.paths(), f -> {
            throw new AssertionError("must not probe without privileges");
        }, p -> true).detect();
        for (Map.Entry<FeatureProbe, ProbeResult> e : r.probes().entrySet()) {
            assertEquals(ProbeResult.Outcome.NOT_RUN, e.getValue().outcome());
            assertTrue(e.getValue().detail().contains("CAP_BPF"), e.getValue().detail());
        }
    }

    @Test
    void missingOsreleaseIsUnknown(@TempDir Path root) throws IOException {
        FixtureKernel k = new FixtureKernel(root);
        java.nio.file.Files.delete(root.resolve("proc/sys/kernel/osrelease"));
        assertEquals("unknown", new KernelDetector(k.paths(), OUR_KERNEL, p -> true).detect().release());
    }
}
