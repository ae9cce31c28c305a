package io.ebpfnet.cli;

import io.ebpfnet.core.detect.AttachDecision;
import io.ebpfnet.cli.config.CoreTracing;
import io.ebpfnet.socket.ConnectionTable;
import io.ebpfnet.socket.ProcessTable;
import io.ebpfnet.socket.SocketCollector;
import io.ebpfnet.socket.SocketCollectorOptions;

import io.ebpfnet.cli.config.CollectorConfig;
import io.ebpfnet.cli.config.ConfigException;
import io.ebpfnet.cli.config.ConfigLoader;
import io.ebpfnet.cli.connections.ConnectionFilter;
import io.ebpfnet.cli.connections.ServiceNames;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code connections}: watch for a while, then print the per-connection table once. */
final class ConnectionsCommand implements Callable<Integer> {
    static final CliCommand COMMAND = new CliCommand("connections",
            "Collect for a while, then print every connection seen: protocol, local and remote address and port,"
                    + " direction, owning process, bytes and calls each way, retransmits, TCP state.",
            List.of(
                    CliOption.value("--duration", "SECONDS", "How long to watch (default: 5)."),
                    CliOption.flag("--no-loopback", "Leave out connections between loopback addresses."),
                    CliOption.value("--config", "FILE", "Take [network connections] (ports, ips, hostnames, include loopback,"
                            + " resolve …) from this file."),
                    CliOption.value("--mode", "MODE", "auto, legacy, trampoline, probe or tracepoint (default: auto).")));

    private static final String[] TCP_STATES = {"-", "ESTABLISHED", "SYN_SENT", "SYN_RECV", "FIN_WAIT1", "FIN_WAIT2",
            "TIME_WAIT", "CLOSE", "CLOSE_WAIT", "LAST_ACK", "LISTEN", "CLOSING", "NEW_SYN_RECV"};

    private final PrintWriter out;
    private final PrintWriter err;
    private final int duration;
    private final boolean noLoopback;
    private final Path config;
    private final AttachModeOption mode;

    ConnectionsCommand(ParsedArgs args, PrintWriter out, PrintWriter err) throws UsageException {
        this.out = out;
        this.err = err;
        duration = args.integer("--duration", 5);
        noLoopback = args.flag("--no-loopback");
        config = args.path("--config");
        AttachModeOption given = args.choice("--mode", AttachModeOption.class);
        mode = given != null ? given : AttachModeOption.AUTO;
    }

    @Override
    public Integer call() throws Exception {
        if (duration < 1) {
            err.println("error: --duration must be at least 1");
            return ExitCode.USAGE.code();
        }
        CollectorConfig cfg;
        try {
            cfg = config != null ? ConfigLoader.load(config) : CollectorConfig.defaults();
        } catch (ConfigException e) {
            err.println("error: " + e.getMessage());
            return ExitCode.USAGE.code();
        }
        if (!cfg.connectionsEnabled()) {
            err.println("error: " + config + ": [network connections] enabled = no turns the"
                    + " connection tables off; there is nothing to list");
            return ExitCode.USAGE.code();
        }
        ConnectionFilter filter = new ConnectionFilter(cfg.connectionPorts(), cfg.connectionIps(), cfg.connectionHostnames(),
                cfg.connectionsIncludeLoopback() && !noLoopback);
        ServiceNames services = cfg.resolveServiceNames() ? ServiceNames.read(Path.of("/etc/services")) : null;
        StopSignals stop = StopSignals.install();
        AttachDecision decision = KernelChoice.decide(mode.typeFormat().request(mode.tracing(CoreTracing.TRAMPOLINE), false), false)
                .decision();
        if (stop.stopped()) {
            return ExitCode.OK.code(); // stopped during detection: load nothing
        }
        String noTable = SocketCollectorOptions.defaults(decision.mode()).connectionsOff();
        if (noTable != null) {
            // never an empty table that looks like "no connections"
            err.println("error: attach mode " + decision.mode().cliName() + ": " + noTable
                    + "; this mode counts per process and in total only (ebpf-cli without a subcommand)");
            return ExitCode.KERNEL_UNSUPPORTED.code();
        }
        try (SocketCollector collector = SocketCollector.start(SocketCollectorOptions.defaults(decision.mode()))) {
            // Connections that close while we watch are reported once, by the next read: read every
            // second (the first read starts keeping them) and keep each socket's latest row.
            collector.snapshot(); // sets the clock the programs stamp last-seen times with
            Map<String, Seen> seen = new LinkedHashMap<>();
            long end = System.nanoTime() + duration * 1_000_000_000L;
            collect(collector, seen);
            for (long left; (left = end - System.nanoTime()) > 0; ) {
                if (stop.awaitMillis(Math.max(1, Math.min(1000, left / 1_000_000)))) {
                    return ExitCode.OK.code();
                }
                collect(collector, seen);
            }
            Map<Integer, String> names = new HashMap<>();
            ProcessTable processes = collector.snapshot().processes();
            for (int r = 0; r < processes.size(); r++) {
                names.putIfAbsent(processes.tgid(r), processes.comm(r));
            }
            out.printf(Locale.ROOT, "%-5s %-45s %-45s %-8s %-7s %-15s %12s %12s %8s %8s %7s %s%n", "PROTO", "LOCAL", "REMOTE",
                    "DIR", "PID", "COMMAND", "SENT_BYTES", "RECV_BYTES", "SENDS", "RECVS", "RETRANS", "STATE      FIRST_SEEN LAST_SEEN (s ago)");
            for (Seen c : seen.values()) {
                ConnectionTable t = c.table();
                int r = c.row();
                boolean ipv6 = t.isIpv6();
                boolean inbound = t.direction(r) == ConnectionTable.Direction.INBOUND;
                int servicePort = inbound ? t.localPort(r) : t.remotePort(r);
                // Reverse DNS only when asked: it is slow and leaks which peers are looked at.
                String host = cfg.resolveHostnames() ? t.remoteAddress(r).getHostName() : null;
                try {
                    if (!filter.accepts(servicePort, t.remoteAddress(r), t.isLoopback(r), host)) {
                        continue;
                    }
                } catch (IllegalArgumentException e) {
                    err.println("error: [network connections]: " + e.getMessage());
                    return ExitCode.USAGE.code();
                }
                String remote = host != null ? host : t.remoteAddress(r).getHostAddress();
                String port = services != null ? services.name(t.remotePort(r), t.protocol(r)) : Integer.toString(t.remotePort(r));
                int state = t.tcpState(r);
                // Kernel times are CLOCK_MONOTONIC, as System.nanoTime() is on Linux.
                long now = System.nanoTime();
                out.printf(Locale.ROOT, "%-5s %-45s %-45s %-8s %-7d %-15s %12d %12d %8d %8d %7d %-12s %8.1f %8s%n",
                        t.protocol(r) == 6 ? "tcp" : "udp",
                        endpoint(t.localAddress(r).getHostAddress(), t.localPort(r), ipv6),
                        endpoint(remote, port, ipv6 && host == null),
                        t.direction(r).name().toLowerCase(Locale.ROOT), t.tgid(r), names.getOrDefault(t.tgid(r), "?"),
                        t.bytesSent(r), t.bytesReceived(r), t.sendCalls(r), t.receiveCalls(r), t.retransmits(r),
                        t.protocol(r) == 6 && state < TCP_STATES.length ? TCP_STATES[state] : "-",
                        (now - t.firstSeenNanos(r)) / 1e9, secondsAgo(now, t.lastSeenNanos(r)));
            }
            out.flush();
            OutputFailure.check(out);
        }
        return ExitCode.OK.code();
    }

    /** One socket's latest row. */
    private record Seen(ConnectionTable table, int row) {
    }

    /*
     * Reads both families and keeps each socket's latest row, so a closed socket shows its final state.
     * A socket is its protocol, addresses and ports with its first-seen time, not its owner: an accepted
     * socket belongs to the listener's process until the process that accepted it uses it (a prefork
     * server's worker), and its earlier rows must not outlive its final one.
     */
    private static void collect(SocketCollector collector, Map<String, Seen> seen) {
        for (boolean ipv6 : new boolean[] {false, true}) {
            ConnectionTable t = collector.connections(ipv6);
            for (int r = 0; r < t.size(); r++) {
                String socket = t.protocol(r) + " " + t.localAddress(r).getHostAddress() + " " + t.localPort(r) + " "
                        + t.remoteAddress(r).getHostAddress() + " " + t.remotePort(r) + " " + t.firstSeenNanos(r);
                seen.put(socket, new Seen(t, r));
            }
        }
    }

    /* "-" for a socket that never had traffic (its last-seen time is 0), else the seconds since, to a tenth. */
    private static String secondsAgo(long now, long nanos) {
        return nanos == 0 ? "-" : String.format(Locale.ROOT, "%.1f", (now - nanos) / 1e9);
    }

    private static String endpoint(String address, Object port, boolean ipv6) {
        return (ipv6 ? "[" + address + "]" : address) + ":" + port;
    }
}
