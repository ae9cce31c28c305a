package io.ebpfnet.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Inputs that once crashed or hung the CLI: each now exits with the usage code and one line on stderr, before
 * the kernel is consulted (no "ebpf-cli: kernel" line, so no privileges are needed and nothing is loaded).
 */
class BadConfigRunTest {
    @TempDir
    Path dir;

    /** The single line the CLI printed on stderr, after checking the exit code and that nothing else was printed. */
    private static String oneErrorLine(String... args) {
        CliRun run = assertTimeoutPreemptively(Duration.ofSeconds(10), () -> CliRun.of(args));
        assertEquals(ExitCode.USAGE.code(), run.exitCode(), run.err());
        assertEquals("", run.out());
        String[] lines = run.err().split("\n");
        assertEquals(1, lines.length, run.err());
        assertTrue(lines[0].startsWith("error: "), lines[0]);
        return lines[0];
    }

    @Test
    void aDeviceAsTheConfiguration() {
        assertEquals("error: /dev/zero: is a character device, not a regular file; give a configuration file",
                oneErrorLine("--config", "/dev/zero", "--count", "1", "--interval", "1"));
    }

    @Test
    void aMissingConfigurationForEitherCommand() {
        String missing = dir.resolve("missing.toml").toString();
        assertEquals("error: " + missing + ": cannot be read: No such file or directory", oneErrorLine("--config", missing, "--count", "1"));
        assertEquals("error: " + missing + ": cannot be read: No such file or directory",
                oneErrorLine("connections", "--config", missing, "--duration", "1"));
    }

    @Test
    void deeplyNestedToml() throws Exception {
        Path deep = Files.writeString(dir.resolve("deep.toml"), "[global]\nx = " + "[".repeat(20_000) + "\n");
        assertTrue(oneErrorLine("--config", deep.toString(), "--count", "1").endsWith(":2: arrays and inline tables nest more than 32 deep;"
                + " no option takes an array or a table"));
    }

    @Test
    void aFifoAsTheAppsGroupsFile() throws Exception {
        Path fifo = dir.resolve("apps_groups.conf");
        assertEquals(0, new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start().waitFor(), "mkfifo failed");
        Path conf = Files.writeString(dir.resolve("network.conf"), "[global]\n  apps = yes\n  apps groups file = " + fifo + "\n");
        assertEquals("error: " + fifo + ": is a FIFO (named pipe), not a regular file; give a configuration file"
                + " (the apps groups file set in " + conf + ")", oneErrorLine("--config", conf.toString(), "--count", "1", "--interval", "1"));
    }

    @Test
    void aBadLineInTheAppsGroupsFile() throws Exception {
        Path groups = Files.write(dir.resolve("groups.conf"), new byte[] {'a', ':', ' ', 'b', '\n', 'c', ' ', (byte) 0xff, '\n'});
        Path conf = Files.writeString(dir.resolve("e.toml"), "[global]\napps = true\napps_groups_file = \"" + groups + "\"\n");
        assertEquals("error: " + groups + ":2: is not UTF-8 text (byte 8): not a configuration file (the apps groups file set in " + conf + ")",
                oneErrorLine("--config", conf.toString(), "--count", "1", "--interval", "1"));
    }
}
