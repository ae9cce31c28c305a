package io.ebpfnet.cli;

import io.ebpfnet.cli.config.AppsGroupsFile;
import io.ebpfnet.cli.config.CollectorConfig;
import io.ebpfnet.cli.config.ConfigException;
import io.ebpfnet.cli.config.ConfigKey;
import io.ebpfnet.cli.config.ConfigLoader;
import io.ebpfnet.core.BpfObject;
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

import io.ebpfnet.cli.prometheus.PrometheusServer;
import io.ebpfnet.cli.prometheus.PrometheusText;

import io.ebpfnet.cli.config.AppsGroups;
import io.ebpfnet.cli.config.NetdataDirs;
import io.ebpfnet.core.detect.AttachRequest;
import io.ebpfnet.socket.groups.SocketGroups;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;

/**
 * {@code ebpf-cli}: without a subcommand, runs the socket collector and prints every interval until
 * stopped (SIGINT, SIGTERM and SIGHUP detach everything and exit 0, as does a reader of the output that
 * went away).
 */
final class RootCommand implements Callable<Integer> {
    static final CliCommand COMMAND = new CliCommand("ebpf-cli",
            "Measures TCP and UDP traffic, connections, errors and retransmits per host, application, cgroup"
                    + " and systemd service, with eBPF. Without a subcommand it runs the collector and prints every interval.",
            List.of(
                    CliOption.value("--config", "FILE",
                            "Configuration: TOML, or Netdata's ebpf.d/network.conf (see docs/configuration.md)."),
                    CliOption.value("--global-config", "FILE",
                            "Netdata's ebpf.d.conf: its [global] apps, cgroups, update every, ebpf load mode, maps per core,"
                                    + " lifetime, ebpf type format and ebpf co-re tracing apply unless the --config file sets them."),
                    CliOption.flag("--netdata-plugin",
                            "Run as Netdata's external plugin: --format netdata; ebpf.d.conf, ebpf.d/network.conf and"
                                    + " apps_groups.conf from Netdata's configuration directories; --interval is the agent's update"
                                    + " every, and the larger of it and the configured update every is used."),
                    CliOption.value("--interval", "SECONDS",
                            "Seconds between outputs, 1-3600 as for update every, which it overrides (default 5)."),
                    CliOption.value("--count", "N", "Stop after N outputs (0: run until stopped; the default)."),
                    CliOption.value("--lifetime", "SECONDS",
                            "Stop after this many seconds, 0-2147483647 as for lifetime, which it overrides (0: run until stopped)."),
                    CliOption.value("--format", "FORMAT",
                            "table, json or netdata (Netdata's external-plugin protocol) (default: table)."),
                    CliOption.value("--prometheus", "HOST:PORT",
                            "Serve Prometheus metrics at http://HOST:PORT/metrics while running (an empty HOST is 127.0.0.1)."),
                    CliOption.value("--mode", "MODE",
                            "auto, legacy, trampoline, probe or tracepoint; overrides ebpf type format and ebpf co-re tracing."
                                    + " A mode the kernel refuses is an error (exit code 4) unless --allow-fallback."),
                    CliOption.value("--load-mode", "MODE", "entry or return; overrides ebpf load mode."),
                    CliOption.flag("--allow-fallback", "When the requested mode is refused, fall back to the best allowed one."),
                    CliOption.flag("--strict-mode",
                            "ebpf type format = co-re from the configuration asks for exactly ebpf co-re tracing: exit code 4"
                                    + " when the kernel refuses it (by default it falls back to probe, then tracepoint)."),
                    CliOption.flag("--ignore-kernel-btf", "Act as on a kernel without BTF: auto chooses legacy, the BTF modes"
                            + " are refused, and nothing reads /sys/kernel/btf/vmlinux (to try legacy mode on a kernel that has BTF)."),
                    CliOption.flag("--syscall-hooks", "Tracepoint mode: hook the splice() and connect() exits too, to count"
                            + " splice() reads from TCP sockets and connects that fail before any SYN (sets syscall hooks); this"
                            + " makes every system call on the host ~65 ns slower. The other modes count both anyway.")),
            List.of(DetectCommand.COMMAND, ConnectionsCommand.COMMAND));

    private final PrintWriter out;
    private final PrintWriter err;
    /** The process's environment (Netdata's directory variables); tests give their own. */
    private final Map<String, String> environment;
    /**
     * Whether the process is the CLI's own (run from main): the kernel is then inspected on a thread while the
     * configuration is read (see KernelChoice.inspectInBackground), and transparent huge pages end once started.
     */
    private final boolean ownsProcess;

    private final Path config;
    private final Path globalConfig;
    final boolean netdataPlugin;
    private final Integer interval;
    private final int count;
    private final Integer lifetime;
    /** --format as given, or null. */
    private final OutputFormat formatGiven;
    /** The output's format: --format, netdata with --netdata-plugin. */
    final OutputFormat format;
    private final String prometheus;
    private final AttachModeOption mode;
    private final LoadMode loadMode;
    private final boolean allowFallback;
    private final boolean strictMode;
    private final boolean ignoreKernelBtf;
    private final boolean syscallHooks;

    RootCommand(ParsedArgs args, PrintWriter out, PrintWriter err, Map<String, String> environment,
                boolean ownsProcess) throws UsageException {
        this.out = out;
        this.err = err;
        this.environment = environment;
        this.ownsProcess = ownsProcess;
        config = args.path("--config");
        globalConfig = args.path("--global-config");
        netdataPlugin = args.flag("--netdata-plugin");
        interval = args.integer("--interval");
        count = args.integer("--count", 0);
        lifetime = args.integer("--lifetime");
        formatGiven = args.choice("--format", OutputFormat.class);
        format = netdataPlugin ? OutputFormat.NETDATA : formatGiven != null ? formatGiven : OutputFormat.TABLE;
        prometheus = args.text("--prometheus");
        mode = args.choice("--mode", AttachModeOption.class);
        loadMode = args.choice("--load-mode", LoadMode.class);
        allowFallback = args.flag("--allow-fallback");
        strictMode = args.flag("--strict-mode");
        ignoreKernelBtf = args.flag("--ignore-kernel-btf");
        syscallHooks = args.flag("--syscall-hooks");
    }

    @Override
    public Integer call() throws Exception {
        StopSignals stop = StopSignals.install();
        // Each BTF parse of the start (inspection, probes, loads) reuses the pages of the one before; given back once started.
        BpfObject.keepFreedNativeMemory();
        // The kernel's inspection (files and BTF, nothing loaded) overlaps with reading the configuration.
        CompletableFuture<DetectionReport> inspection = ownsProcess ? KernelChoice.inspectInBackground(ignoreKernelBtf) : null;
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
        if (netdataPlugin && formatGiven != null && formatGiven != OutputFormat.NETDATA) {
            err.println("error: --netdata-plugin writes Netdata's plugin protocol; leave out --format " + formatGiven.name().toLowerCase(java.util.Locale.ROOT));
            return ExitCode.USAGE.code();
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
            return collect(out, err, cfg, groups, server, metrics, stop, inspection);
        }
    }

    private int collect(PrintWriter out, PrintWriter err, CollectorConfig cfg, SocketGroups groups, PrometheusServer server,
                        AtomicReference<byte[]> metrics, StopSignals stop, CompletableFuture<DetectionReport> inspection)
            throws InterruptedException {
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
        SocketCollector loaded;
        try {
            loaded = SocketCollector.start(options);
        } finally {
            BpfObject.returnFreedNativeMemory(); // the start's BTF parses are done
        }
        try (SocketCollector collector = loaded) {
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
                IntervalSchedule schedule = new IntervalSchedule(started, System.nanoTime(), every * 1_000_000_000L, lifetimeNanos);
                SocketSnapshot previous = collector.snapshot();
                if (ownsProcess) {
                    HugePages.endForProcess(); // the start is over; after the first read, which the interval counts from
                }
                SocketGroups.Totals groupsBefore = ShownGroups.of(groups.update(previous.processes()), shownApps);
                PrometheusText prometheusText = server != null ? new PrometheusText() : null;
                if (server != null) {
                    metrics.set(prometheusText.render(previous, groupsBefore, options, collector.attachedPrograms().size(), 0));
                }
                for (int n = 0; count == 0 || n < count; n++) {
                    long wait = schedule.nanosUntilNext(System.nanoTime());
                    if (wait < 0 || stop.awaitNanos(wait)) {
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
