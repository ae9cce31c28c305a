package io.ebpfnet.cli;

import io.ebpfnet.core.KernelDetection;
import io.ebpfnet.core.detect.AttachDecision;
import io.ebpfnet.core.detect.AttachModeChooser;
import io.ebpfnet.core.detect.CoreTracing;
import io.ebpfnet.core.detect.DetectionReport;
import io.ebpfnet.socket.LoadMode;
import io.ebpfnet.socket.SocketCollector;
import io.ebpfnet.socket.SocketCollectorOptions;
import io.ebpfnet.socket.SocketInterval;
import io.ebpfnet.socket.SocketSnapshot;
import io.ebpfnet.socket.SocketRates;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

/**
 * {@code ebpf-cli}: without a subcommand, runs the socket collector and prints every interval until
 * stopped (SIGINT/SIGTERM detach everything and exit 0).
 */
@Command(name = "ebpf-cli",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "Measures TCP and UDP traffic, connections, errors and retransmits per host, application, cgroup"
                + " and systemd service, with eBPF. Without a subcommand it runs the collector and prints every interval.",
        exitCodeListHeading = "%nExit codes:%n",
        // Keep in step with ExitCode (a test checks).
        exitCodeList = {"0:ok", "1:runtime error", "2:usage or configuration error",
                "3:missing privileges (CAP_BPF, CAP_PERFMON)", "4:kernel not supported"},
        subcommands = {DetectCommand.class})
final class RootCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--interval", defaultValue = "5", paramLabel = "SECONDS",
            description = "Seconds between outputs (Netdata's update every; default: ${DEFAULT-VALUE}).")
    int interval;

    @Option(names = "--count", defaultValue = "0", paramLabel = "N", description = "Stop after N outputs (0: run until stopped).")
    int count;

    @Option(names = "--mode", defaultValue = "auto", paramLabel = "MODE",
            description = "auto, legacy, trampoline, probe or tracepoint (default: ${DEFAULT-VALUE}).")
    AttachModeOption mode;

    @Option(names = "--load-mode", defaultValue = "entry", paramLabel = "MODE",
            description = "entry or return: return also counts errors (default: ${DEFAULT-VALUE}).")
    LoadMode loadMode;

    @Option(names = "--allow-fallback", description = "When the requested mode is refused, fall back to the best allowed one.")
    boolean allowFallback;

    @Override
    public Integer call() throws Exception {
        if (interval < 1 || count < 0) {
            spec.commandLine().getErr().println("error: --interval must be at least 1 and --count at least 0");
            return ExitCode.USAGE.code();
        }
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        DetectionReport report = KernelDetection.detect();
        AttachDecision decision = AttachModeChooser.choose(mode.typeFormat(), mode.tracing(CoreTracing.TRAMPOLINE),
                allowFallback, report);
        err.println("ebpf-cli: kernel " + report.release() + ", attach mode " + decision.mode().cliName()
                + " (" + decision.reasons().getLast() + ")");
        err.flush();

        SocketCollectorOptions options = SocketCollectorOptions.defaults(decision.mode()).withLoadMode(loadMode);
        StopSignals stop = new StopSignals();
        try (SocketCollector collector = SocketCollector.start(options)) {
            collector.skippedPrograms().forEach(s -> err.println("ebpf-cli: skipped " + s));
            TextReport text = new TextReport(out, options);
            SocketSnapshot previous = collector.snapshot();
            for (int n = 0; count == 0 || n < count; n++) {
                if (stop.await(interval)) {
                    break;
                }
                SocketSnapshot current = collector.snapshot();
                text.print(new SocketInterval(previous, current, SocketRates.between(previous, current)));
                previous = current;
            }
        }
        return ExitCode.OK.code();
    }
}
