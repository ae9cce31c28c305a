package io.ebpfnet.cli;

import io.ebpfnet.socket.SocketCollectorOptions;
import io.ebpfnet.socket.SocketInterval;
import io.ebpfnet.socket.SocketSnapshot;
import io.ebpfnet.socket.metrics.Dimension;
import io.ebpfnet.socket.metrics.GlobalChart;
import io.ebpfnet.socket.metrics.Unit;

import java.io.PrintWriter;

/**
 * {@code --format netdata}: Netdata's external-plugin protocol, so the agent can run ebpf-cli from
 * its {@code plugins.d} in place of its eBPF socket module. Charts, contexts, units, families and
 * dimension ids are the seed's. Dimensions are {@code incremental}: the plugin sends the kernel's
 * cumulative counters and the measured microseconds since the last update, and Netdata computes
 * exact per-second rates (bytes become kilobits with multiplier 8, divisor 1000; sent bandwidth is
 * drawn below zero with a negative multiplier, as Netdata's module does).
 */
final class NetdataReport implements IntervalPrinter {
    static final String PLUGIN = "ebpfnet.plugin";
    static final String MODULE = "socket";

    private final PrintWriter out;
    private final SocketCollectorOptions options;
    private final int updateEvery;

    NetdataReport(PrintWriter out, SocketCollectorOptions options, int updateEvery) {
        this.out = out;
        this.options = options;
        this.updateEvery = updateEvery;
    }

    /** Defines every chart; called once before the first update. */
    void defineCharts() {
        for (GlobalChart chart : GlobalChart.published(options.loadMode())) {
            chartLine(chart, "");
            for (Dimension d : chart.dimensions()) {
                boolean bandwidth = chart.unit() == Unit.KILOBITS_PER_SECOND;
                int multiplier = (bandwidth ? 8 : 1) * (d.sent() && bandwidth ? -1 : 1);
                out.printf("DIMENSION %s '%s' incremental %d %d%n", d.id(), d.name(), multiplier, bandwidth ? 1000 : 1);
            }
        }
        out.flush();
    }

    @Override
    public void print(Interval data) {
        SocketInterval interval = data.socket();
        long micros = Math.max(1, (interval.current().monotonicNanos() - interval.previous().monotonicNanos()) / 1000);
        SocketSnapshot now = interval.current();
        for (GlobalChart chart : GlobalChart.published(options.loadMode())) {
            out.printf("BEGIN %s %d%n", chart.id(), micros);
            for (Dimension d : chart.dimensions()) {
                out.printf("SET %s = %d%n", d.id(), now.global(d.source()));
            }
            out.println("END");
        }
        out.flush();
    }

    /** Marks every chart obsolete, so the agent drops them when the plugin stops. */
    void obsoleteCharts() {
        for (GlobalChart chart : GlobalChart.published(options.loadMode())) {
            chartLine(chart, "obsolete");
        }
        out.flush();
    }

    private void chartLine(GlobalChart chart, String chartOptions) {
        out.printf("CHART %s '' '%s' '%s' 'kernel' '%s' 'line' %d %d '%s' '%s' '%s'%n", chart.id(), chart.title(),
                chart.unit().text(), chart.id(), chart.priority(options.loadMode()), updateEvery, chartOptions, PLUGIN, MODULE);
    }
}
