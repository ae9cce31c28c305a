package io.ebpfnet.cli;

import io.ebpfnet.socket.GlobalCounter;
import io.ebpfnet.socket.ProcessCounter;
import io.ebpfnet.socket.ProcessTable;
import io.ebpfnet.socket.SocketCollectorOptions;
import io.ebpfnet.socket.SocketInterval;
import io.ebpfnet.socket.SocketRates;
import io.ebpfnet.cli.charts.Dimension;
import io.ebpfnet.cli.charts.GlobalChart;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Text output: the global charts, then the processes with the most traffic in the interval. On a
 * terminal the screen is redrawn each interval, like top; otherwise the reports are appended.
 */
final class TextReport implements IntervalPrinter {
    private static final int TOP = 10;
    private static final ProcessCounter[] BYTES = {ProcessCounter.TCP_BYTES_SENT, ProcessCounter.TCP_BYTES_RECEIVED,
            ProcessCounter.UDP_BYTES_SENT, ProcessCounter.UDP_BYTES_RECEIVED};

    private static final String CLEAR_SCREEN = "\033[H\033[2J";

    private final PrintWriter out;
    private final SocketCollectorOptions options;
    private final boolean refresh;

    TextReport(PrintWriter out, SocketCollectorOptions options, boolean refresh) {
        this.out = out;
        this.options = options;
        this.refresh = refresh;
    }

    @Override
    public void print(Interval data) {
        SocketInterval interval = data.socket();
        SocketRates rates = interval.rates();
        if (refresh) {
            out.print(CLEAR_SCREEN);
        }
        out.printf(Locale.ROOT, "%s  interval %.2f s  mode %s/%s%n", interval.current().time(), rates.seconds(),
                options.attachMode().cliName(), options.loadMode().configName());
        for (GlobalChart chart : GlobalChart.published(options.loadMode())) {
            StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "  %-24s", chart.id()));
            for (Dimension d : chart.dimensions()) {
                line.append(String.format(Locale.ROOT, " %s=%.2f", d.name(), chart.value(d, rates)));
            }
            out.println(line.append(' ').append(chart.unit().text()));
        }
        StringBuilder refused = new StringBuilder();
        for (GlobalCounter c : GlobalCounter.REFUSED_INSERTS) {
            long n = interval.current().global(c);
            if (n > 0) {
                refused.append(' ').append(c.refusedTable()).append('=').append(n);
            }
        }
        if (!refused.isEmpty()) { // a full table: some counts are missing from the rows above and below
            out.println("  REFUSED INSERTS (tables full, since start; see docs/configuration.md for the sizes):" + refused);
        }
        long failed = interval.current().global(GlobalCounter.INSERTS_FAILED);
        if (failed > 0) { // the same loss, from kernel lock or memory failures: no size to raise
            out.println("  FAILED INSERTS (tables with room; a kernel lock or memory it could not get, since start): " + failed);
        }
        List<long[]> top = busiest(interval);
        if (!top.isEmpty()) {
            out.printf(Locale.ROOT, "  %-8s %-16s %12s %12s %12s %12s   (kilobits/s)%n", "PID", "COMMAND", "TCP_SENT", "TCP_RECV",
                    "UDP_SENT", "UDP_RECV");
            Map<Integer, String> names = names(interval.current().processes());
            for (long[] p : top) {
                out.printf(Locale.ROOT, "  %-8d %-16s %12.2f %12.2f %12.2f %12.2f%n", p[0], names.getOrDefault((int) p[0], "?"),
                        kbit(p[1], rates), kbit(p[2], rates), kbit(p[3], rates), kbit(p[4], rates));
            }
        }
        out.flush();
    }

    private static double kbit(long bytes, SocketRates rates) {
        return bytes * 8 / 1000.0 / rates.seconds();
    }

    /** [tgid, tcp sent, tcp received, udp sent, udp received] deltas, largest total first. */
    private static List<long[]> busiest(SocketInterval interval) {
        Map<Integer, long[]> before = totals(interval.previous().processes());
        Map<Integer, long[]> after = totals(interval.current().processes());
        List<long[]> rows = new ArrayList<>();
        after.forEach((tgid, now) -> {
            long[] then = before.getOrDefault(tgid, new long[BYTES.length]);
            long[] row = new long[BYTES.length + 2];
            row[0] = tgid;
            for (int i = 0; i < BYTES.length; i++) {
                row[i + 1] = SocketRates.delta(then[i], now[i]);
                row[BYTES.length + 1] += row[i + 1];
            }
            if (row[BYTES.length + 1] > 0) {
                rows.add(row);
            }
        });
        rows.sort((a, b) -> Long.compare(b[BYTES.length + 1], a[BYTES.length + 1]));
        return rows.subList(0, Math.min(TOP, rows.size()));
    }

    private static Map<Integer, long[]> totals(ProcessTable table) {
        Map<Integer, long[]> totals = new HashMap<>();
        for (int r = 0; r < table.size(); r++) {
            long[] t = totals.computeIfAbsent(table.tgid(r), k -> new long[BYTES.length]);
            for (int i = 0; i < BYTES.length; i++) {
                t[i] += table.get(r, BYTES[i]);
            }
        }
        return totals;
    }

    private static Map<Integer, String> names(ProcessTable table) {
        Map<Integer, String> names = new HashMap<>();
        for (int r = 0; r < table.size(); r++) {
            names.putIfAbsent(table.tgid(r), table.name(r));
        }
        return names;
    }
}
