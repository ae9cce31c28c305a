package io.ebpfnet.cli;

import io.ebpfnet.cli.config.AppsGroupsFile;
import io.ebpfnet.cli.config.CollectorConfig;
import io.ebpfnet.cli.config.ConfigException;
import io.ebpfnet.cli.config.ConfigKey;
import io.ebpfnet.cli.config.ConfigLoader;
import io.ebpfnet.core.detect.AttachDecision;
import io.ebpfnet.core.detect.AttachMode;
import io.ebpfnet.core.detect.DetectionReport;
import io.ebpfnet.cli.config.TypeFormat;
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

import io.ebpfnet.cli.config.AppsGroups;
import io.ebpfnet.cli.config.NetdataDirs;
import io.ebpfnet.core.detect.AttachRequest;
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

    /** The process's environment (Netdata's directory variables); tests give their own. */
    java.util.Map<String, String> environment = System.getenv();
    /** The kernel's inspection begun at start (see KernelChoice.inspectInBackground), or null: inspected when needed. */
    java.util.concurrent.CompletableFuture<DetectionReport> inspection;

    @Option(names = "--config", paramLabel = "FILE",
            description = "Configuration: TOML, or Netdata's ebpf.d/network.conf (see docs/configuration.md).")
    Path config;

    @Option(names = "--global-config", paramLabel = "FILE",
            description = "Netdata's ebpf.d.conf: its [global] apps, cgroups, update every, ebpf load mode, maps per core,"
                    + " lifetime, ebpf type format and ebpf co-re tracing apply unless the --config file sets them.")
    Path globalConfig;

    @Option(names = "--netdata-plugin",
            description = "Run as Netdata's external plugin: --format netdata; ebpf.d.conf, ebpf.d/network.conf and"
                    + " apps_groups.conf from Netdata's configuration directories; --interval is the agent's update every,"
                    + " and the larger of it and the configured update every is used.")
    boolean netdataPlugin;

    @Option(names = "--interval", paramLabel = "SECONDS",
            description = "Seconds between outputs, 1-3600 as for update every, which it overrides (default 5).")
    Integer interval;

    @Option(names = "--count", defaultValue = "0", paramLabel = "N", description = "Stop after N outputs (0: run until stopped).")
    int count;

    @Option(names = "--lifetime", paramLabel = "SECONDS",
            description = "Stop after this many seconds, 0-2147483647 as for lifetime, which it overrides (0: run until stopped).")
    Integer lifetime;

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "table",
            description = "table, json or netdata (Netdata's external-plugin protocol) (default: ${DEFAULT-VALUE}).")
    OutputFormat format;

    @Option(names = "--prometheus", paramLabel = "HOST:PORT",
            description = "Serve Prometheus metrics at http://HOST:PORT/metrics while running (an empty HOST is 127.0.0.1).")
    String prometheus;

    @Option(names = "--mode", paramLabel = "MODE",
            description = "auto, legacy, trampoline, probe or tracepoint; overrides ebpf type format and ebpf co-re tracing."
                    + " A mode the kernel refuses is an error (exit code 4) unless --allow-fallback.")
    AttachModeOption mode;

    @Option(names = "--load-mode", paramLabel = "MODE", description = "entry or return; overrides ebpf load mode.")
    LoadMode loadMode;

    @Option(names = "--allow-fallback", description = "When the requested mode is refused, fall back to the best allowed one.")
    boolean allowFallback;

    @Option(names = "--strict-mode",
            description = "ebpf type format = co-re from the configuration asks for exactly ebpf co-re tracing: exit code 4"
                    + " when the kernel refuses it (by default it falls back to probe, then tracepoint).")
    boolean strictMode;

    @Option(names = "--ignore-kernel-btf", description = "Act as on a kernel without BTF: auto chooses legacy, the BTF modes"
            + " are refused, and nothing reads /sys/kernel/btf/vmlinux (to try legacy mode on a kernel that has BTF).")
    boolean ignoreKernelBtf;

    @Option(names = "--syscall-hooks", description = "Tracepoint mode: hook the splice() and connect() exits too, to count"
            + " splice() reads from TCP sockets and connects that fail before any SYN (sets syscall hooks); this makes"
            + " every system call on the host ~65 ns slower. The other modes count both anyway.")
    boolean syscallHooks;

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
        ConfigKey life = ConfigKey.LIFETIME; // --lifetime overrides it: the same bounds
        if (lifetime != null && (lifetime < life.min() || lifetime > life.max())) {
            err.println("error: --lifetime " + lifetime + " is out of range; expected " + life.allowed() + " (0: run until stopped)");
            return ExitCode.USAGE.code();
        }
        if (count < 0) {
            err.println("error: --count must be at least 0");
            return ExitCode.USAGE.code();
        }
        if (strictMode && allowFallback) {
            err.println("error: --strict-mode and --allow-fallback contradict each other; give one");
            return ExitCode.USAGE.code();
        }
        if (netdataPlugin && spec.commandLine().getParseResult().hasMatchedOption("--format") && format != OutputFormat.NETDATA) {
            err.println("error: --netdata-plugin writes Netdata's plugin protocol; leave out --format " + format.name().toLowerCase(java.util.Locale.ROOT));
            return ExitCode.USAGE.code();
        }
        if (netdataPlugin) {
            format = OutputFormat.NETDATA;
        }
        NetdataDirs dirs = NetdataDirs.from(environment);
        Path global = globalConfig != null ? globalConfig : netdataPlugin ? dirs.find("ebpf.d.conf") : null;
        Path module = config != null ? config : netdataPlugin ? dirs.find("ebpf.d/network.conf") : null;
        CollectorConfig cfg;
        SocketGroups groups;
        try {
            cfg = ConfigLoader.load(global, module);
            groups = groups(cfg, dirs, err);
        } catch (ConfigException e) {
            err.println("error: " + e.getMessage());
            return ExitCode.USAGE.code();
        }
        if (global != null || module != null) {
            err.println("ebpf-cli: configuration from " + cfg.source());
        }
        cfg.warnings().forEach(w -> err.println("warning: " + w));
        AtomicReference<byte[]> metrics = new AtomicReference<>(new byte[0]);
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
                        AtomicReference<byte[]> metrics, StopSignals stop) throws InterruptedException {
        int every = updateEvery(cfg, err);
        Integer runFor = lifetime(cfg, err);
        LoadMode load = loadMode != null ? loadMode : cfg.loadMode();

        if (ignoreKernelBtf) {
            err.println("ebpf-cli: " + KernelChoice.BTF_IGNORED);
        }
        KernelChoice.Choice choice = KernelChoice.decide(attachRequest(cfg), ignoreKernelBtf, inspection);
        DetectionReport report = choice.report();
        AttachDecision decision = choice.decision();
        err.println("ebpf-cli: kernel " + report.release() + ", attach mode " + decision.mode().cliName()
                + " (" + decision.reasons().getLast() + ")");
        if (decision.fellBack() && mode == null && !allowFallback) {
            String setIn = cfg.isSet(ConfigKey.EBPF_CORE_TRACING) ? cfg.origin(ConfigKey.EBPF_CORE_TRACING) : "its default";
            err.println("ebpf-cli: ebpf co-re tracing = " + cfg.coreTracing().text() + " (" + setIn
                    + ") is refused by this kernel: fell back to " + decision.mode().cliName()
                    + "; --strict-mode makes this an error (exit code 4)");
        }
        err.flush();
        if (stop.stopped()) {
            return ExitCode.OK.code(); // stopped during detection: load nothing
        }

        // No output of this command shows connections (`ebpf-cli connections` does): none are kept, and the
        // closed-connection ring buffer, whose pages the process maps (32 MiB of its RSS at default sizes), is small.
        SocketCollectorOptions options = new SocketCollectorOptions(decision.mode(), load, cfg.bandwidthTableSize(),
                cfg.ipv4ConnectionTableSize(), cfg.ipv6ConnectionTableSize(), cfg.udpConnectionTableSize(), cfg.mapsPerCore(),
                false, ignoreKernelBtf, syscallHooks || cfg.syscallHooks());
        long started = System.nanoTime();
        long lifetimeNanos = runFor == null ? Long.MAX_VALUE : runFor * 1_000_000_000L;
        try (SocketCollector collector = SocketCollector.start(options)) {
            if (stop.stopped()) {
                return ExitCode.OK.code(); // stopped while loading: closing detaches, and no chart was defined yet
            }
            collector.skippedPrograms().forEach(s -> err.println("ebpf-cli: skipped " + s));
            // Counting starts here, not at the attach-mode line: detection and loading come in between.
            err.println("ebpf-cli: " + collector.attachedPrograms().size() + " programs attached, counting; the first interval"
                    + " follows in " + every + " s");
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
                SocketGroups.Totals groupsBefore = ShownGroups.of(groups.update(previous.processes()), shownApps);
                PrometheusText prometheusText = server != null ? new PrometheusText() : null;
                if (server != null) {
                    metrics.set(prometheusText.render(previous, groupsBefore, options, collector.attachedPrograms().size(), 0));
                }
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
                    SocketGroups.Totals groupsNow = ShownGroups.of(groups.update(current.processes()), shownApps);
                    // The endpoint serves this interval's read: scrapes never read the maps (nor consume exited rows).
                    if (server != null) {
                        metrics.set(prometheusText.render(current, groupsNow, options, collector.attachedPrograms().size(), readSeconds));
                    }
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

    /** The apps groups in use (for hiding the hidden ones), or null with apps off. */
    private AppsGroups shownApps;

    /** The groupings the configuration turns on ({@code apps}, {@code cgroups}); says which apps_groups.conf is used. */
    private SocketGroups groups(CollectorConfig cfg, NetdataDirs dirs, PrintWriter err) throws ConfigException {
        if (cfg.apps()) {
            AppsGroupsFile.Loaded loaded = AppsGroupsFile.resolve(cfg, dirs);
            shownApps = loaded.groups();
            err.println("ebpf-cli: apps groups from " + (loaded.from().equals(AppsGroupsFile.BUILT_IN)
                    ? "the built-in apps_groups.conf (none in " + dirs.user() + " or " + dirs.stock() + ")" : loaded.from()));
        }
        return SocketGroups.live(shownApps, cfg.cgroups());
    }

    /**
     * Seconds between outputs. By hand, --interval overrides update every. As Netdata's plugin, --interval is the
     * agent's update every, which Netdata's plugin protocol makes the minimum: the larger of it and the configured one is used.
     */
    private int updateEvery(CollectorConfig cfg, PrintWriter err) {
        if (!netdataPlugin || interval == null) {
            return interval != null ? interval : cfg.updateEvery();
        }
        if (cfg.isSet(ConfigKey.UPDATE_EVERY) && cfg.updateEvery() > interval) {
            err.println("ebpf-cli: update every " + cfg.updateEvery() + " s (" + cfg.origin(ConfigKey.UPDATE_EVERY)
                    + "), the larger of it and the agent's " + interval + " s");
            return cfg.updateEvery();
        }
        return interval;
    }

    /**
     * Seconds to run, or null to run until stopped: --lifetime, else lifetime from a file. As Netdata's plugin the
     * file's lifetime does not apply: Netdata runs the threads its configuration enables until stopped, and gives
     * lifetime only to those a function starts on demand.
     */
    private Integer lifetime(CollectorConfig cfg, PrintWriter err) {
        Integer seconds = lifetime;
        if (seconds == null && cfg.isSet(ConfigKey.LIFETIME)) {
            if (netdataPlugin) {
                err.println("ebpf-cli: lifetime = " + cfg.lifetime() + " (" + cfg.origin(ConfigKey.LIFETIME) + ") does not apply:"
                        + " the agent started this collector from its configuration, which runs until stopped");
            } else {
                seconds = cfg.lifetime();
                if (seconds > 0) {
                    err.println("ebpf-cli: stops after " + seconds + " s (lifetime = " + seconds + " in " + cfg.origin(ConfigKey.LIFETIME)
                            + "; --lifetime 0 runs until stopped)");
                }
            }
        }
        return seconds == null || seconds == 0 ? null : seconds;
    }

    /**
     * The attach request: --mode exactly (refused: exit code 4, unless --allow-fallback); else the configuration's
     * ebpf type format and ebpf co-re tracing, where co-re falls back as Netdata's "tries to use trampoline when
     * available" says, unless --strict-mode.
     */
    private AttachRequest attachRequest(CollectorConfig cfg) {
        if (mode != null) {
            return mode.typeFormat().request(mode.tracing(cfg.coreTracing()), allowFallback);
        }
        boolean fallback = allowFallback || (cfg.typeFormat() == TypeFormat.CORE && !strictMode);
        return cfg.typeFormat().request(cfg.coreTracing(), fallback);
    }
}
