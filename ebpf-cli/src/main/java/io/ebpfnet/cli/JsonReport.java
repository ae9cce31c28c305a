package io.ebpfnet.cli;

import io.ebpfnet.core.detect.AttachMode;
import io.ebpfnet.socket.GlobalCounter;
import io.ebpfnet.socket.ProcessCounter;
import io.ebpfnet.socket.ProcessTable;
import io.ebpfnet.socket.SocketCollectorOptions;
import io.ebpfnet.socket.SocketInterval;
import io.ebpfnet.socket.SocketRates;
import io.ebpfnet.cli.charts.Dimension;
import io.ebpfnet.cli.charts.GlobalChart;

import io.ebpfnet.cli.charts.GroupChart;

import java.io.PrintWriter;
import java.util.Map;
import java.util.Locale;

/**
 * {@code --format json}: one object per line per interval (schema in the README): the time, the
 * measured interval, the modes, the global charts' per-second values keyed by chart id then dimension
 * name, and every process row with its cumulative counters.
 */
final class JsonReport implements IntervalPrinter {
    private static final int FLUSH_CHARS = 64 * 1024;
    private static final ProcessCounter[] COUNTERS = ProcessCounter.values(); // values() copies the array on every call
    private final PrintWriter out;
    private final SocketCollectorOptions options;

    JsonReport(PrintWriter out, SocketCollectorOptions options) {
        this.out = out;
        this.options = options;
    }

    @Override
    public void print(Interval data) {
        SocketInterval interval = data.socket();
        SocketRates rates = interval.rates();
        StringBuilder sb = new StringBuilder(4096);
        sb.append("{\"time\":").append(JsonText.quote(interval.current().time().toString()))
                .append(",\"interval_seconds\":").append(number(rates.seconds()))
                .append(",\"attach_mode\":").append(JsonText.quote(options.attachMode().cliName()))
                .append(",\"load_mode\":").append(JsonText.quote(options.loadMode().configName()))
                // The collecting command never keeps connections (ebpf-cli connections does); legacy mode cannot.
                .append(",\"connection_table\":").append(JsonText.quote("off: " + (options.attachMode() == AttachMode.LEGACY
                        ? options.connectionsOff() : "this command keeps none; ebpf-cli connections lists them")))
                .append(",\"global\":{");
        String chartSep = "";
        for (GlobalChart chart : GlobalChart.published(options.loadMode())) {
            sb.append(chartSep).append(JsonText.quote(chart.id())).append(":{");
            String dimSep = "";
            for (Dimension d : chart.dimensions()) {
                sb.append(dimSep).append(JsonText.quote(d.name())).append(':').append(number(chart.value(d, rates)));
                dimSep = ",";
            }
            sb.append('}');
            chartSep = ",";
        }
        sb.append("},\"refused_inserts\":{"); // cumulative: what full kernel tables could not take
        String refusedSep = "";
        for (GlobalCounter refused : GlobalCounter.REFUSED_INSERTS) {
            sb.append(refusedSep).append(JsonText.quote(refused.refusedTable())).append(':').append(interval.current().global(refused));
            refusedSep = ",";
        }
        // cumulative: inserts into tables with room that the kernel failed (a lock or memory it could not get)
        sb.append("},\"insert_failures\":").append(interval.current().global(GlobalCounter.INSERTS_FAILED));
        sb.append(",\"apps\":");
        groups(sb, GroupChart.Scope.APPS, data.groupsBefore().apps(), data.groupsNow().apps(), rates);
        sb.append(",\"cgroups\":");
        groups(sb, GroupChart.Scope.CGROUPS, data.groupsBefore().cgroups(), data.groupsNow().cgroups(), rates);
        sb.append(",\"services\":");
        groups(sb, GroupChart.Scope.SERVICES, data.groupsBefore().services(), data.groupsNow().services(), rates);
        sb.append(",\"processes\":[");
        ProcessTable p = interval.current().processes();
        for (int row = 0; row < p.size(); row++) {
            if (row > 0) {
                sb.append(',');
            }
            sb.append("{\"pid\":").append(p.tgid(row))
                    .append(",\"comm\":").append(JsonText.quote(p.name(row)))
                    .append(",\"app_group\":").append(nullable(data.groups().appOf(p, row)))
                    .append(",\"cgroup\":").append(nullable(data.groups().cgroupOf(p, row)))
                    .append(",\"cgroup_id\":").append(p.cgroupId(row))
                    .append(",\"exited\":").append(p.exited(row));
            for (ProcessCounter c : COUNTERS) {
                sb.append(",\"").append(c.fieldName()).append("\":").append(p.get(row, c));
            }
            sb.append('}');
            if (sb.length() >= FLUSH_CHARS) { // one line can be megabytes (16,384 processes: ~10 MB): written as it grows
                out.append(sb);
                sb.setLength(0);
            }
        }
        sb.append("]}");
        out.println(sb);
        out.flush();
    }

    /** {"group":{"chart context":{"dimension":rate,…},…},…}: per-second rates between the two totals. */
    private static void groups(StringBuilder sb, GroupChart.Scope scope, Map<String, long[]> before, Map<String, long[]> now,
                               SocketRates rates) {
        sb.append('{');
        String groupSep = "";
        for (Map.Entry<String, long[]> g : now.entrySet()) {
            long[] then = before.get(g.getKey());
            sb.append(groupSep).append(JsonText.quote(g.getKey())).append(":{");
            String chartSep = "";
            for (GroupChart chart : GroupChart.values()) {
                sb.append(chartSep).append(JsonText.quote(chart.context(scope))).append(":{");
                String dimSep = "";
                for (GroupChart.Dim d : chart.dimensions()) {
                    long delta = SocketRates.delta(then == null ? 0 : d.value(then), d.value(g.getValue()));
                    sb.append(dimSep).append(JsonText.quote(d.name())).append(':')
                            .append(number(chart.unit().convert(delta / rates.seconds())));
                    dimSep = ",";
                }
                sb.append('}');
                chartSep = ",";
            }
            sb.append('}');
            groupSep = ",";
        }
        sb.append('}');
    }

    private static String nullable(String s) {
        return s == null ? "null" : JsonText.quote(s);
    }

    private static String number(double v) {
        return String.format(Locale.ROOT, "%.3f", v);
    }
}
