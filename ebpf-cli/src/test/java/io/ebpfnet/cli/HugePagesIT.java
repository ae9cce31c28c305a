package io.ebpfnet.cli;

import io.ebpfnet.core.testing.KernelTests;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The jar's collector ends its transparent huge pages once started (see HugePages): the start had them (the
 * process's THP_enabled is 1 before), the intervals have none (0 once the first is printed), so khugepaged
 * no longer fills the trimmed C heap into whole huge pages between the reads.
 */
class HugePagesIT {
    @Test
    void theCollectorEndsItsHugePagesOnceStarted() throws Exception {
        KernelTests.requireBpf();
        try (JarProcess cli = JarProcess.start(null, List.of(), "--interval", "1", "--count", "2", "--format", "json")) {
            String atStart = thpEnabled(cli.pid()); // read at once: the start takes far longer than this read
            Assumptions.assumeTrue(atStart != null, "this kernel's /proc/PID/status has no THP_enabled (Linux 5.0+)");
            assertEquals("1", atStart, "the CLI was started with huge pages off: the test cannot tell the change");
            cli.awaitLine(cli.file("stdout"), l -> l.startsWith("{\"time\":"), "the first interval");
            assertEquals("0", thpEnabled(cli.pid()), "huge pages after the start; stderr:\n" + cli.stderr());
            assertEquals(0, cli.exitCode(60), cli.stderr());
        }
    }

    /** The process's THP_enabled field, or null where the kernel has none. */
    private static String thpEnabled(long pid) throws IOException {
        return Files.readAllLines(Path.of("/proc", Long.toString(pid), "status")).stream()
                .filter(l -> l.startsWith("THP_enabled:")).map(l -> l.substring(l.indexOf(':') + 1).trim())
                .findFirst().orElse(null);
    }
}
