package io.ebpfnet.cli;

import io.ebpfnet.core.testing.KernelTests;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A bad flag is found before anything touches the kernel. Shown without privileges: the privilege
 * check is the first step of detection, so a usage error found after it would be exit code 3, not 2.
 */
class UsageBeforeKernelIT {
    @ParameterizedTest
    @ValueSource(strings = {"--prometheus bogus", "--prometheus 127.0.0.1:70000", "--interval 3601", "--lifetime 0"})
    void unprivilegedUsageErrorIsExitCodeTwo(String flags) throws Exception {
        KernelTests.requireBpf(); // we need root to drop to an unprivileged user
        Path setpriv = Path.of("/usr/bin/setpriv");
        if (!Files.isExecutable(setpriv)) {
            KernelTests.skipOrFail("setpriv (util-linux) is not installed");
        }
        Path built = Path.of(System.getProperty("ebpfnet.cliJar", "target/ebpf-cli.jar")).toAbsolutePath();
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        // A copy the unprivileged user can read, as in PrivilegesIT.
        Path dir = Files.createTempDirectory("ebpfnet-usage");
        Path jar = dir.resolve("ebpf-cli.jar");
        try {
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
            Files.copy(built, jar);
            Files.setPosixFilePermissions(jar, PosixFilePermissions.fromString("rw-r--r--"));
            List<String> command = new ArrayList<>(List.of(setpriv.toString(), "--reuid=65534", "--regid=65534", "--clear-groups",
                    "--inh-caps=-all", "--bounding-set=-all", java.toString(), "-Xshare:off", "-jar", jar.toString(), "--count", "1"));
            command.addAll(List.of(flags.split(" ")));
            Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            assertTrue(p.waitFor(60, TimeUnit.SECONDS));
            assertEquals(ExitCode.USAGE.code(), p.exitValue(), out);
            assertTrue(out.contains("error: " + flags.split(" ")[0]), out);
        } finally {
            Files.deleteIfExists(jar);
            Files.deleteIfExists(dir);
        }
    }
}
