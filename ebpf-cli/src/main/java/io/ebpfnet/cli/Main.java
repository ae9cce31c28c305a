package io.ebpfnet.cli;

import java.io.PrintWriter;
import java.util.Map;
import java.util.concurrent.Callable;

/** Entry point of {@code ebpf-cli.jar}. Only this class exits the JVM. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        // First: a stop signal from here on detaches and exits 0 (see StopSignals).
        StopSignals.install();
        System.exit(run(args, Stdout.open(), new PrintWriter(System.err, true), System.getenv(), true));
    }

    /** Runs the command line and returns the exit code; tests call this. */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        return run(args, out, err, System.getenv());
    }

    /** As {@link #run(String[], PrintWriter, PrintWriter)}, with {@code environment} for Netdata's variables. */
    static int run(String[] args, PrintWriter out, PrintWriter err, Map<String, String> environment) {
        return run(args, out, err, environment, false);
    }

    /**
     * {@code ownsProcess}: run from {@link #main}, the process is the CLI's own: the collector inspects the kernel on
     * a thread while it reads its configuration, and ends the process's transparent huge pages once started.
     */
    private static int run(String[] args, PrintWriter out, PrintWriter err, Map<String, String> environment,
                           boolean ownsProcess) {
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
            command = command(parsed, out, err, environment, ownsProcess);
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
                                     boolean ownsProcess) throws UsageException {
        return switch (parsed.command().name()) {
            case "detect" -> new DetectCommand(parsed, out, environment);
            case "connections" -> new ConnectionsCommand(parsed, out, err);
            default -> new RootCommand(parsed, out, err, environment, ownsProcess);
        };
    }
}
