package io.ebpfnet.core;

import io.ebpfnet.core.detect.DetectionReport;
import io.ebpfnet.core.detect.KernelDetector;
import io.ebpfnet.core.detect.SystemPaths;

/** Detection of the running kernel, with real probe programs and libbpf's BTF parser. */
public final class KernelDetection {
    private KernelDetection() {
    }

    /** Detects the running kernel (loads and unloads a few trivial programs). */
    public static DetectionReport detect() {
        return new KernelDetector(SystemPaths.live(), new LiveFeatureProber(), path -> {
            try (Btf ignored = Btf.parse(path)) {
                return true;
            } catch (BpfException e) {
                return false;
            }
        }).detect();
    }
}
