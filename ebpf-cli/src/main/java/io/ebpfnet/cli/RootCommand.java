package io.ebpfnet.cli;

import io.ebpfnet.cli.config.AppsGroupsFile;
import io.ebpfnet.cli.config.CollectorConfig;
import io.ebpfnet.cli.config.ConfigException;
import io.ebpfnet.cli.config.ConfigKey;
import io.ebpfnet.cli.config.ConfigLoader;
import io.ebpfnet.core.detect.AttachDecision;
import io.ebpfnet.core.detect.AttachMode;
import io.ebpfnet.core.detect.CoreTracing;
import io.ebpfnet.core.detect.DetectionReport;
import io.ebpfnet.core.detect.TypeFormat;
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

import io.ebpfnet.cli.prometheus.PrometheusServer;
import io.ebpfnet.cli.prometheus.PrometheusText;

import io.ebpfnet.socket.groups.AppsGroups;
import io.ebpfnet.socket.groups.SocketGroups;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;

/**
 * {@code ebpf-cli}: without a subcommand, runs the socket collector and prints every interval until
 * stopped (SIGINT, SIGTERM and SIGHUP detach everything and exit 0, as does a reader of the output that
 * went away).
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
        subcommands = {DetectCommand.class, ConnectionsCommand.class})
final class RootCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--config", paramLabel = "FILE",
            description = "Configuration: TOML, or Netdata's ebpf.d/network.conf (see docs/configuration.md).")
    Path config;

    @Option(names = "--interval", paramLabel = "SECONDS",
            description = "Seconds between outputs, 1-3600 as for update every, which it overrides (default 5).")
    Integer interval;

    @Option(names = "--count", defaultValue = "0", paramLabel = "N", description = "Stop after N outputs (0: run until stopped).")
    int count;

    @Option(names = "--lifetime", paramLabel = "SECONDS", description = "Stop after this many seconds (default: run until stopped).")
    Integer lifetime;

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "table",
            description = "table, json or netdata (Netdata's external-plugin protocol) (default: ${DEFAULT-VALUE}).")
    OutputFormat format;

    @Option(names = "--prometheus", paramLabel = "HOST:PORT",
            description = "Serve Prometheus metrics at http://HOST:PORT/metrics while running (an empty HOST is 127.0.0.1).")
    String prometheus;

    @Option(names = "--mode", paramLabel = "MODE",
            description = "auto, legacy, trampoline, probe or tracepoint; overrides ebpf type format and ebpf co-re tracing.")
    AttachModeOption mode;

    @Option(names = "--load-mode", paramLabel = "MODE", description = "entry or return; overrides ebpf load mode.")
    LoadMode loadMode;

    @Option(names = "--allow-fallback", description = "When the requested mode is refused, fall back to the best allowed one.")
    boolean allowFallback;

    @Option(names = "--ignore-kernel-btf", description = "Act as on a kernel without BTF: auto chooses legacy, the BTF modes"
            + " are refused, and nothing reads /sys/kernel/btf/vmlinux (to try legacy mode on a kernel that has BTF).")
    boolean ignoreKernelBtf;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        StopSignals stop = StopSignals.install();
        // Every flag is checked before anything touches the kernel: exit code 2 promises nothing was loaded.
        ConfigKey every = ConfigKey.UPDATE_EVERY; // --interval overrides it: the same bounds
        if (interval != null && (interval < every.min() || interval > every.max())) {
            err.println("error: --interval " + interval + " is out of range; expected " + every.allowed());
            return ExitCode.USAGE.code();
        }
        if (count < 0 || (lifetime != null && lifetime < 1)) {
            err.println("error: --lifetime must be at least 1, --count at least 0");
            return ExitCode.USAGE.code();
        }
        CollectorConfig cfg;
        SocketGroups groups;
        try {
            cfg = config != null ? ConfigLoader.load(config) : CollectorConfig.defaults();
            groups = groups(cfg);
        } catch (ConfigException e) {
            err.println("error: " + e.getMessage());
            return ExitCode.USAGE.code();
        }
        cfg.warnings().forEach(w -> err.println("warning: " + w));
        AtomicReference<String> metrics = new AtomicReference<>("");
        PrometheusServer server;
        try {
            // Bound now, so that a bad or busy address is a usage error before detection loads its probes.
            server = prometheus == null ? null : PrometheusServer.start(prometheus, metrics::get);
        } catch (IllegalArgumentException | java.io.IOException e) {
            err.println("error: --prometheus " + prometheus + ": " + e.getMessage());
            return ExitCode.USAGE.code();
        }
        try (server) {
            return collect(out, err, cfg, groups, server, metrics, stop);
        }
    }

    private int collect(PrintWriter out, PrintWriter err, CollectorConfig cfg, SocketGroups groups, PrometheusServer server,
                        AtomicReference<String> metrics, StopSignals stop) throws InterruptedException {
        int every = interval != null ? interval : cfg.updateEvery();
        LoadMode load = loadMode != null ? loadMode : cfg.loadMode();
        TypeFormat typeFormat = mode != null ? mode.typeFormat() : cfg.typeFormat();
        CoreTracing tracing = mode != null ? mode.tracing(cfg.coreTracing()) : cfg.coreTracing();

        if (ignoreKernelBtf) {
            err.println("ebpf-cli: " + KernelChoice.BTF_IGNORED);
        }
        KernelChoice.Choice choice = KernelChoice.decide(typeFormat, tracing, allowFallback, ignoreKernelBtf);
        DetectionReport report = choice.report();
        AttachDecision decision = choice.decision();
        err.println("ebpf-cli: kernel " + report.release() + ", attach mode " + decision.mode().cliName()
                + " (" + decision.reasons().getLast() + ")");
        err.flush();
        if (stop.stopped()) {
            return ExitCode.OK.code(); // stopped during detection: load nothing
        }

        SocketCollectorOptions options = new SocketCollectorOptions(decision.mode(), load, cfg.bandwidthTableSize(),
                cfg.ipv4ConnectionTableSize(), cfg.ipv6ConnectionTableSize(), cfg.udpConnectionTableSize(), cfg.mapsPerCore(),
                cfg.connectionsEnabled(), ignoreKernelBtf);
        if (options.attachMode() == AttachMode.LEGACY) {
            err.println("ebpf-cli: no connection table: " + options.connectionsOff());
        }
        long started = System.nanoTime();
        long lifetimeNanos = lifetime == null ? Long.MAX_VALUE : lifetime * 1_000_000_000L;
        try (SocketCollector collector = SocketCollector.start(options)) {
            if (stop.stopped()) {
                return ExitCode.OK.code(); // stopped while loading: closing detaches, and no chart was defined yet
            }
            collector.skippedPrograms().forEach(s -> err.println("ebpf-cli: skipped " + s));
            if (server != null) {
                err.println("ebpf-cli: Prometheus metrics at http://" + prometheus.substring(0, prometheus.lastIndexOf(':'))
                        .replaceFirst("^$", "127.0.0.1") + ":" + server.port() + "/metrics");
            }
            err.flush();
            NetdataReport netdata = format == OutputFormat.NETDATA ? new NetdataReport(out, options, every) : null;
            IntervalPrinter printer = switch (format) {
                case JSON -> new JsonReport(out, options);
                case NETDATA -> netdata;
                case TABLE -> new TextReport(out, options, System.console() != null && System.console().isTerminal());
            };
            try {
                if (netdata != null) {
                    netdata.defineCharts();
                    OutputFailure.check(out);
                }
                SocketSnapshot previous = collector.snapshot();
                SocketGroups.Totals groupsBefore = groups.update(previous.processes());
                metrics.set(PrometheusText.render(previous, groupsBefore, options, collector.attachedPrograms().size(), 0));
                for (int n = 0; count == 0 || n < count; n++) {
                    // Elapsed time, not a deadline: nanoTime() + a long lifetime could overflow.
                    long left = lifetimeNanos - (System.nanoTime() - started);
                    long wait = Math.min(every, Math.max(0, left / 1_000_000_000L));
                    if (wait == 0 || stop.await(wait)) {
                        break;
                    }
                    long readStart = System.nanoTime();
                    SocketSnapshot current = collector.snapshot();
                    double readSeconds = (System.nanoTime() - readStart) / 1e9;
                    SocketGroups.Totals groupsNow = groups.update(current.processes());
                    // The endpoint serves this interval's read: scrapes never read the maps (nor consume exited rows).
                    metrics.set(PrometheusText.render(current, groupsNow, options, collector.attachedPrograms().size(), readSeconds));
                    printer.print(new IntervalPrinter.Interval(new SocketInterval(previous, current, SocketRates.between(previous, current)),
                            groupsBefore, groupsNow, groups));
                    // A reader that went away stops the collector at this interval, not never.
                    OutputFailure.check(out);
                    previous = current;
                    groupsBefore = groupsNow;
                }
            } finally {
                if (netdata != null) {
                    netdata.obsoleteCharts(); // however it stops; lost harmlessly when the output is what failed
                }
            }
        }
        return ExitCode.OK.code();
    }

    /** The groupings the configuration turns on ({@code apps}, {@code cgroups}). */
    private static SocketGroups groups(CollectorConfig cfg) throws ConfigException {
        AppsGroups apps = null;
        if (cfg.apps()) {
            if (cfg.appsGroupsFile().isEmpty()) {
                apps = AppsGroups.defaults();
            } else {
                apps = AppsGroupsFile.load(cfg.appsGroupsFile(), cfg.source());
            }
        }
        return SocketGroups.live(apps, cfg.cgroups());
    }
}
