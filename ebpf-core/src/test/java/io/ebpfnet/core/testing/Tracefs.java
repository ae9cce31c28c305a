package io.ebpfnet.core.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Classic tracepoints need tracefs; a fresh machine of ours boots without it mounted. */
public final class Tracefs {
    private Tracefs() {
    }

    /** Mounts tracefs at /sys/kernel/tracing unless some tracefs is mounted already. */
    public static void ensureMounted() throws IOException, InterruptedException {
        if (Files.readString(Path.of("/proc/self/mounts")).contains(" tracefs ")) {
            return;
        }
        Process p = new ProcessBuilder("mount", "-t", "tracefs", "none", "/sys/kernel/tracing")
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0) {
            KernelTests.skipOrFail("tracefs is not mounted and mounting it failed: " + out.strip());
        }
    }
}
