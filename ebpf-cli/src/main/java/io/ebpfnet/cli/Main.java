package io.ebpfnet.cli;

import io.ebpfnet.core.detect.DetectionReport;

import java.io.PrintWriter;
import java.util.Map;
import java.util.concurrent.Callable;
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
    static int run(String[] args, PrintWriter out, PrintWriter err, Map<String, String> environment) {
        return run(args, out, err, environment, null);
    }

    private static int run(String[] args, PrintWriter out, PrintWriter err, Map<String, String> environment,
                           CompletableFuture<DetectionReport> inspection) {
        Callable<Integer> command;
        try {
            ParsedArgs parsed = ParsedArgs.parse(RootCommand.COMMAND, args);
            if (parsed.flag("--help")) {
                out.print(HelpText.of(parsed));
                out.flush();
                return ExitCode.OK.code();
            }
            if (parsed.flag("--version")) {
                out.println(Version.text());
                out.flush();
                return ExitCode.OK.code();
            }
            command = command(parsed, out, err, environment, inspection);
        } catch (UsageException e) {
            err.println("error: " + e.getMessage());
            err.println("Run with --help for usage.");
            return ExitCode.USAGE.code();
        }
        try {
            return command.call();
        } catch (Exception e) {
            return FailureHandler.handle(e, command, out, err);
        } finally {
            out.flush();
            err.flush();
        }
    }

    /** The command {@code parsed} names, with its options converted (a bad value is a usage error). */
    static Callable<Integer> command(ParsedArgs parsed, PrintWriter out, PrintWriter err, Map<String, String> environment,
                                     CompletableFuture<DetectionReport> inspection) throws UsageException {
        return switch (parsed.command().name()) {
            case "detect" -> new DetectCommand(parsed, out, environment);
            case "connections" -> new ConnectionsCommand(parsed, out, err);
            default -> new RootCommand(parsed, out, err, environment, inspection);
        };
    }
}
