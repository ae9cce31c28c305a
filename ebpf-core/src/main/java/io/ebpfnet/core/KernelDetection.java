package io.ebpfnet.core;

import io.ebpfnet.core.detect.DetectionReport;
import io.ebpfnet.core.detect.FeatureProbe;
import io.ebpfnet.core.detect.KernelDetector;
import io.ebpfnet.core.detect.ProbeResult;
import io.ebpfnet.core.detect.SystemPaths;

import java.util.Set;

/** Detection of the running kernel, with real probe programs and libbpf's BTF parser. */
public final class KernelDetection {
    private KernelDetection() {
    }

    /** Detects the running kernel (loads and unloads a few trivial programs). */
    public static DetectionReport detect() {
        return detector().detect();
    }

    /**
     * The running kernel's release, config, BTF, capabilities and mounts, without probe results: reads
     * files and parses the kernel's BTF, loads nothing. A program can run it while it does other start-up
     * work (it also binds libbpf), then {@link #probe} what it needs.
     */
    public static DetectionReport inspect() {
        return detector().inspect();
    }

    /**
     * As {@link #inspect()}, but {@code /sys/kernel/btf/vmlinux} is not read: the report says the kernel has no
     * BTF, so that a program can act as on a kernel without it.
     */
    public static DetectionReport inspectIgnoringBtf() {
        return detector().inspect(false);
    }

    /** {@code inspected} (from {@link #inspect()}) with the probes of {@code features} run. */
    public static DetectionReport probe(DetectionReport inspected, Set<FeatureProbe> features) {
        return detector().probe(inspected, features);
    }

    /**
     * Runs the probe of {@code feature} alone on the running kernel (loads, attaches and unloads its
     * program), without the inspection: for a program that already knows the kernel has BTF and that it
     * holds the capabilities, and needs one more answer.
     */
    public static ProbeResult probe(FeatureProbe feature) {
        return new LiveFeatureProber().probe(feature);
    }

    private static KernelDetector detector() {
        return new KernelDetector(SystemPaths.live(), new LiveFeatureProber(), path -> {
            try (Btf ignored = Btf.parse(path)) {
                return true;
            } catch (BpfException e) {
                return false;
            }
        });
    }
}
