package io.ebpfnet.cli;

import io.ebpfnet.core.testing.KernelPrograms;
import io.ebpfnet.core.testing.KernelTests;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A bad configuration stops the CLI with exit code 2 before anything reaches the kernel. */
class ConfigErrorRunTest {
    @Test
    void badConfigExitsWithTheUsageCodeAndLoadsNothing(@TempDir Path dir) throws Exception {
        KernelTests.requireBpf();
        Path conf = Files.writeString(dir.resolve("network.conf"), "[global]\n    ebpf load mode = sometimes\n");
        long before = KernelPrograms.settled(-1);
        CliRun run = CliRun.of("--config", conf.toString(), "--count", "1");
        assertEquals(ExitCode.USAGE.code(), run.exitCode());
        assertTrue(run.err().contains("network.conf:2: [global] ebpf load mode = 'sometimes' is not allowed; expected one of entry, return"),
                run.err());
        assertEquals(before, KernelPrograms.count(), "no program was loaded");
    }

    @Test
    void unknownKeysOnlyWarn(@TempDir Path dir) throws Exception {
        KernelTests.requireBpf();
        Path conf = Files.writeString(dir.resolve("ebpfnet.toml"), "[global]\nupdate_evry = 1\n");
        CliRun run = CliRun.of("--config", conf.toString(), "--interval", "1", "--count", "1");
        assertEquals(0, run.exitCode(), run.err());
        assertTrue(run.err().contains("warning: ") && run.err().contains("did you mean global.update_every?"), run.err());
    }
}
