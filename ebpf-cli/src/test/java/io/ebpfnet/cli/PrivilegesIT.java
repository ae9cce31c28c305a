package io.ebpfnet.cli;

import io.ebpfnet.core.testing.KernelTests;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Without CAP_BPF and CAP_PERFMON the jar stops with exit code 3 and says what is missing. */
class PrivilegesIT {
    @Test
    void unprivilegedRunNamesTheCapabilities() throws Exception {
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
            Process p = new ProcessBuilder(setpriv.toString(), "--reuid=65534", "--regid=65534", "--clear-groups",
                    "--inh-caps=-all", "--bounding-set=-all", java.toString(), "-Xshare:off", "-jar", jar.toString(),
                    "--count", "1").directory(dir.toFile()).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            assertTrue(p.waitFor(60, TimeUnit.SECONDS));
            assertEquals(ExitCode.MISSING_PRIVILEGES.code(), p.exitValue(), out);
            assertTrue(out.contains("CAP_BPF") && out.contains("CAP_PERFMON"), out);
        } finally {
            Files.deleteIfExists(jar);
            Files.deleteIfExists(dir);
        }
    }
}
