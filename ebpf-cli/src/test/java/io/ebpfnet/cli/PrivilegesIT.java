package io.ebpfnet.cli;

import io.ebpfnet.core.testing.KernelTests;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * As an unprivileged user (nobody): without CAP_BPF and CAP_PERFMON the jar stops with exit code 3 and says
 * what is missing and how to grant it to this process alone; with them as ambient capabilities of that one
 * process, as the message advises, it runs (without CAP_NET_ADMIN, skipping the cgroup release hook and
 * saying so).
 */
class PrivilegesIT {
    private record Run(int exitCode, String output) {
    }

    @Test
    void unprivilegedRunNamesTheCapabilitiesAndAWayToGrantThem() throws Exception {
        Run run = asNobody("");
        assertEquals(ExitCode.MISSING_PRIVILEGES.code(), run.exitCode(), run.output());
        assertTrue(run.output().contains("CAP_BPF") && run.output().contains("CAP_PERFMON"), run.output());
        assertTrue(run.output().contains("AmbientCapabilities=") && run.output().contains("--ambient-caps"), run.output());
        assertFalse(run.output().contains("setcap cap_"), "never advises file capabilities on java: " + run.output());
    }

    @Test
    void theAdvisedAmbientCapabilitiesAreEnough() throws Exception {
        Run minimal = asNobody("+bpf,+perfmon");
        assertEquals(0, minimal.exitCode(), minimal.output());
        assertTrue(minimal.output().contains("skipped socket_release: this process lacks CAP_NET_ADMIN"), minimal.output());
        Run full = asNobody("+bpf,+perfmon,+net_admin");
        assertEquals(0, full.exitCode(), full.output());
        assertFalse(full.output().contains("skipped socket_release"), full.output());
    }

    /** The built jar run by nobody with {@code caps} as inheritable and ambient capabilities ("" for none). */
    private static Run asNobody(String caps) throws Exception {
        KernelTests.requireBpf(); // we need root to drop to an unprivileged user
        Path setpriv = Path.of("/usr/bin/setpriv");
        if (!Files.isExecutable(setpriv)) {
            KernelTests.skipOrFail("setpriv (util-linux) is not installed");
        }
        Path built = Path.of(System.getProperty("ebpfnet.cliJar", "target/ebpf-cli.jar")).toAbsolutePath();
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        // The checkout may be where the unprivileged user cannot read (root's home): run a copy from a
        // directory everyone can read, as an installed jar would be.
        Path dir = Files.createTempDirectory("ebpfnet-privileges");
        Path jar = dir.resolve("ebpf-cli.jar");
        try {
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
            Files.copy(built, jar);
            Files.setPosixFilePermissions(jar, PosixFilePermissions.fromString("rw-r--r--"));
            List<String> command = new ArrayList<>(List.of(setpriv.toString(), "--reuid=65534", "--regid=65534", "--clear-groups"));
            if (caps.isEmpty()) {
                command.addAll(List.of("--inh-caps=-all", "--bounding-set=-all"));
            } else {
                command.addAll(List.of("--inh-caps=-all," + caps, "--ambient-caps=" + caps));
            }
            command.addAll(List.of(java.toString(), "-Xshare:off", "-jar", jar.toString(), "--count", "1", "--format", "json"));
            Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            assertTrue(p.waitFor(60, TimeUnit.SECONDS));
            return new Run(p.exitValue(), out);
        } finally {
            Files.deleteIfExists(jar);
            Files.deleteIfExists(dir);
        }
    }
}
