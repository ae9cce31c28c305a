package io.ebpfnet.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * The packaged jar in a child process, as users run it, with its stderr (and, unless the test reads
 * it, its stdout) in files the test polls.
 */
final class JarProcess implements AutoCloseable {
    private final Process process;
    private final Path dir;

    private JarProcess(Process process, Path dir) {
        this.process = process;
        this.dir = dir;
    }

    /**
     * Starts {@code java [jvmOptions] -jar ebpf-cli.jar args}, its stdout to {@code stdout} (null: a
     * file, see {@link #stdout()}). SIGINT, SIGTERM and SIGHUP start at
     * their default action ({@code env --default-signal}): a signal ignored by whoever started the
     * test (a background shell ignores SIGINT) would stay ignored, as POSIX wants, and hide the CLI's handling.
     * {@code {dir}} in a JVM option is this run's directory (see {@link #file}).
     */
    static JarProcess start(ProcessBuilder.Redirect stdout, List<String> jvmOptions, String... args) throws IOException {
        Path jar = Path.of(System.getProperty("ebpfnet.cliJar", "target/ebpf-cli.jar"));
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Path dir = Files.createTempDirectory("ebpfnet-jar");
        List<String> command = new ArrayList<>(List.of("env", "--default-signal=INT,TERM,HUP", java.toString()));
        jvmOptions.forEach(o -> command.add(o.replace("{dir}", dir.toString())));
        command.addAll(List.of("-jar", jar.toString()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).redirectError(dir.resolve("stderr").toFile());
        pb.redirectOutput(stdout != null ? stdout : ProcessBuilder.Redirect.to(dir.resolve("stdout").toFile()));
        return new JarProcess(pb.start(), dir);
    }

    Process process() {
        return process;
    }

    long pid() {
        return process.pid();
    }

    /** A file in this run's directory, e.g. for a JVM log. */
    Path file(String name) {
        return dir.resolve(name);
    }

    String stdout() throws IOException {
        return read(dir.resolve("stdout"));
    }

    String stderr() throws IOException {
        return read(dir.resolve("stderr"));
    }

    /** Waits (up to 60 s: a busy host loads slowly) until a line of {@code file} matches; fails if the process ends first. */
    void awaitLine(Path file, Predicate<String> line, String what) throws IOException, InterruptedException {
        for (int i = 0; i < 6000; i++) {
            if (read(file).lines().anyMatch(line)) {
                return;
            }
            if (!process.isAlive()) {
                throw new AssertionError("the CLI exited (" + process.exitValue() + ") before " + what + "; stderr:\n" + stderr());
            }
            Thread.sleep(10);
        }
        throw new AssertionError("no " + what + " within 60 s; stderr:\n" + stderr());
    }

    /** Sends {@code signal} ("TERM", "INT", "HUP") to the CLI. */
    void signal(String signal) throws IOException, InterruptedException {
        int rc = new ProcessBuilder("kill", "-" + signal, Long.toString(pid())).inheritIO().start().waitFor();
        if (rc != 0) {
            throw new AssertionError("kill -" + signal + " " + pid() + " failed: " + rc);
        }
    }

    /** The exit code, waiting up to {@code seconds} for it; fails if the CLI is still running then. */
    int exitCode(long seconds) throws IOException, InterruptedException {
        if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
            throw new AssertionError("the CLI still runs " + seconds + " s later; stderr:\n" + stderr());
        }
        return process.exitValue();
    }

    private static String read(Path file) throws IOException {
        return Files.exists(file) ? Files.readString(file) : "";
    }

    @Override
    public void close() throws IOException, InterruptedException {
        if (process.isAlive()) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
        try (var files = Files.list(dir)) {
            for (Path f : files.toList()) {
                Files.delete(f);
            }
        }
        Files.delete(dir);
    }
}
