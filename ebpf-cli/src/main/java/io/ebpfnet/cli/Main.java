package io.ebpfnet.cli;

import io.ebpfnet.core.detect.DetectionReport;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.util.concurrent.CompletableFuture;

/** Entry point of {@code ebpf-cli.jar}. Only this class exits the JVM. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        // First: a stop signal from here on detaches and exits 0 (see StopSignals).
        StopSignals.install();
        // The kernel's inspection (files and BTF, nothing loaded) overlaps with reading the command line.
        System.exit(run(args, Stdout.open(), new PrintWriter(System.err, true), System.getenv(),
                KernelChoice.inspectInBackground()));
    }

    /** Runs the command line and returns the exit code; tests call this. */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        return run(args, out, err, System.getenv());
    }

    /** As {@link #run(String[], PrintWriter, PrintWriter)}, with {@code environment} for Netdata's variables. */
    static int run(String[] args, PrintWriter out, PrintWriter err, java.util.Map<String, String> environment) {
        return run(args, out, err, environment, null);
    }

    private static int run(String[] args, PrintWriter out, PrintWriter err, java.util.Map<String, String> environment,
                           CompletableFuture<DetectionReport> inspection) {
        RootCommand root = new RootCommand();
        root.environment = environment;
        root.inspection = inspection;
        CommandLine cli = new CommandLine(root);
        cli.setOut(out);
        cli.setErr(err);
        cli.setCaseInsensitiveEnumValuesAllowed(true);
        cli.setExecutionExceptionHandler(new FailureHandler());
        cli.setParameterExceptionHandler((e, a) -> {
            e.getCommandLine().getErr().println("error: " + e.getMessage());
            e.getCommandLine().getErr().println("Run with --help for usage.");
            return ExitCode.USAGE.code();
        });
        return cli.execute(args);
    }
}
