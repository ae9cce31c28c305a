package io.ebpfnet.cli;

import io.ebpfnet.core.testing.KernelTests;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** The built jar run by the unprivileged user nobody (setpriv), for the privilege and usage ITs. */
final class NobodyRun {
    record Result(int exitCode, String output) {
    }

    private NobodyRun() {
    }

    /**
     * Runs the jar with {@code args} as nobody, with {@code caps} ("+bpf,+perfmon", ...) as inheritable and
     * ambient capabilities, or none at all (and an empty bounding set) for "".
     */
    static Result run(String caps, List<String> args) throws Exception {
        KernelTests.requireBpf(); // we need root to drop to an unprivileged user
        Path setpriv = Path.of("/usr/bin/setpriv");
        if (!Files.isExecutable(setpriv)) {
            KernelTests.skipOrFail("setpriv (util-linux) is not installed");
        }
        Path built = Path.of(System.getProperty("ebpfnet.cliJar", "target/ebpf-cli.jar")).toAbsolutePath();
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        // The checkout may be where the unprivileged user cannot read (root's home): run a copy from a
        // directory everyone can read, as an installed jar would be.
        Path dir = Files.createTempDirectory("ebpfnet-nobody");
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
            command.addAll(List.of(java.toString(), "-Xshare:off", "-jar", jar.toString()));
            command.addAll(args);
            Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            assertTrue(p.waitFor(60, TimeUnit.SECONDS));
            return new Result(p.exitValue(), out);
        } finally {
            Files.deleteIfExists(jar);
            Files.deleteIfExists(dir);
        }
    }
}
