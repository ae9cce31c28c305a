package io.ebpfnet.cli;

import io.ebpfnet.core.testing.KernelTests;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code ebpf-cli --format F | head -1}: when the reader of its output goes away, the jar notices at
 * its next write, detaches everything and exits 0; any other output error is exit code 1.
 */
class ClosedOutputIT {
    private static final int INTERVAL = 2;

    @ParameterizedTest(name = "--format {0}")
    @ValueSource(strings = {"json", "netdata", "table"})
    void aReaderThatWentAwayStopsTheCollector(String format) throws Exception {
        KernelTests.requireBpf();
        try (JarProcess cli = JarProcess.start(ProcessBuilder.Redirect.PIPE, List.of(), "--format", format, "--interval", Integer.toString(INTERVAL))) {
            BufferedReader out = new BufferedReader(new InputStreamReader(cli.process().getInputStream()));
            assertNotNull(out.readLine(), "a first line; stderr:\n" + cli.stderr()); // printed once attached
            Set<Integer> held = HeldPrograms.of(cli.pid());
            assertFalse(held.isEmpty(), "the collector holds its programs while it prints");
            out.close(); // as head -1 does
            // The next write, at most one interval later, fails; the second interval is for detaching.
            assertEquals(0, cli.exitCode(2 * INTERVAL), cli.stderr());
            assertTrue(cli.stderr().contains("the reader of standard output went away"), cli.stderr());
            HeldPrograms.awaitGone(held);
        }
    }

    @Test
    void anotherWriteErrorIsARuntimeError() throws Exception {
        KernelTests.requireBpf();
        // /dev/full refuses every write with ENOSPC: a failure, not a reader that went away.
        try (JarProcess cli = JarProcess.start(ProcessBuilder.Redirect.to(new File("/dev/full")), List.of(), "--format", "json",
                "--interval", "1")) {
            Set<Integer> held = new HashSet<>();
            for (int i = 0; i < 6000 && cli.process().isAlive(); i++) { // the ids it ever held, until it exits
                held.addAll(HeldPrograms.of(cli.pid()));
                Thread.sleep(10);
            }
            assertEquals(ExitCode.RUNTIME_ERROR.code(), cli.exitCode(1), cli.stderr());
            assertTrue(cli.stderr().contains("error: cannot write to standard output: "), cli.stderr());
            assertFalse(held.isEmpty(), "the collector was loaded before its first write");
            HeldPrograms.awaitGone(held);
        }
    }
}
