package io.ebpfnet.core.detect;

import java.nio.file.Path;

/**
 * Where detection reads {@code /proc}, {@code /sys} and {@code /boot}; tests point it at fixture trees.
 */
public record SystemPaths(Path proc, Path sys, Path boot) {
    /** The running system's. */
    public static SystemPaths live() {
        return new SystemPaths(Path.of("/proc"), Path.of("/sys"), Path.of("/boot"));
    }

    /** {@code root/proc}, {@code root/sys} and {@code root/boot}. */
    public static SystemPaths under(Path root) {
        return new SystemPaths(root.resolve("proc"), root.resolve("sys"), root.resolve("boot"));
    }
}
