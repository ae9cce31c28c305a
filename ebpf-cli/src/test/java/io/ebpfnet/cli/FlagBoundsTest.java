package io.ebpfnet.cli;

import io.ebpfnet.cli.config.ConfigKey;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** --interval and the configuration's update every have one definition of their bounds. */
class FlagBoundsTest {
    @Test
    void intervalAboveTheConfigBoundIsAUsageError() {
        ConfigKey key = ConfigKey.UPDATE_EVERY;
        // --lifetime 1: were the flag accepted, the run ends (and the test fails) rather than waits an hour.
        CliRun run = CliRun.of("--interval", Long.toString(key.max() + 1), "--lifetime", "1");
        assertEquals(ExitCode.USAGE.code(), run.exitCode());
        assertTrue(run.err().contains("--interval " + (key.max() + 1) + " is out of range; expected " + key.allowed()), run.err());
    }

    @Test
    void theConfigRefusesTheSameValue(@TempDir Path dir) throws Exception {
        ConfigKey key = ConfigKey.UPDATE_EVERY;
        Path conf = Files.writeString(dir.resolve("network.conf"), "[global]\n    update every = " + (key.max() + 1) + "\n");
        CliRun run = CliRun.of("--config", conf.toString(), "--lifetime", "1");
        assertEquals(ExitCode.USAGE.code(), run.exitCode());
        assertTrue(run.err().contains("is out of range; expected " + key.allowed()), run.err());
    }

    @Test
    void intervalBelowTheConfigBoundIsAUsageError() {
        CliRun run = CliRun.of("--interval", Long.toString(ConfigKey.UPDATE_EVERY.min() - 1));
        assertEquals(ExitCode.USAGE.code(), run.exitCode());
        assertTrue(run.err().contains(ConfigKey.UPDATE_EVERY.allowed()), run.err());
    }
}
