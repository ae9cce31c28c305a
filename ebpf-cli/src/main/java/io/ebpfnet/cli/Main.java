package io.ebpfnet.cli;

import picocli.CommandLine;

import java.io.PrintWriter;

/** Entry point of {@code ebpf-cli.jar}. Only this class exits the JVM. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        // First: a stop signal from here on detaches and exits 0 (see StopSignals).
        StopSignals.install();
        System.exit(run(args, Stdout.open(), new PrintWriter(System.err, true)));
    }

    /** Runs the command line and returns the exit code; tests call this. */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        return run(args, out, err, System.getenv());
    }

    /** As {@link #run(String[], PrintWriter, PrintWriter)}, with {@code environment} for Netdata's variables. */
    static int run(String[] args, PrintWriter out, PrintWriter err, java.util.Map<String, String> environment) {
        RootCommand root = new RootCommand();
        root.environment = environment;
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
