package io.ebpfnet.cli;

import io.ebpfnet.socket.SocketCollectorOptions;
import io.ebpfnet.socket.SocketInterval;
import io.ebpfnet.socket.SocketSnapshot;
import io.ebpfnet.cli.charts.Dimension;
import io.ebpfnet.cli.charts.GlobalChart;
import io.ebpfnet.cli.charts.Unit;

import io.ebpfnet.cli.charts.GroupChart;

import java.io.PrintWriter;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

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
    private final Set<String> definedGroupCharts = new LinkedHashSet<>();
    // A chart id holds only [A-Za-z0-9_]: each group's name in id form, unique within its scope, so that two
    // names that read the same there ("a'b", "a\"b") never share charts.
    private final Map<String, String> groupIdNames = new HashMap<>();
    private final Set<String> usedIdNames = new HashSet<>();

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
        groups(GroupChart.Scope.APPS, "app_group", data.groupsNow().apps(), micros);
        groups(GroupChart.Scope.CGROUPS, "cgroup_name", data.groupsNow().cgroups(), micros);
        groups(GroupChart.Scope.SERVICES, "service_name", data.groupsNow().services(), micros);
        out.flush();
    }

    /** One chart per group and metric, defined when the group first appears, labelled with its name. */
    void groups(GroupChart.Scope scope, String label, Map<String, long[]> totals, long micros) {
        int priority = switch (scope) {
            case APPS -> 20130;
            case SERVICES -> 20080;
            case CGROUPS -> 45300;
        };
        for (Map.Entry<String, long[]> g : totals.entrySet()) {
            int p = priority;
            for (GroupChart chart : GroupChart.values()) {
                String id = groupChartId(scope, idName(scope, g.getKey()), chart);
                if (definedGroupCharts.add(id)) {
                    out.printf("CHART %s '' '%s' '%s' 'net' '%s' 'stacked' %d %d '' '%s' '%s'%n", id,
                            chart.context(scope) + " " + NetdataText.quotable(g.getKey()),
                            chart.unit().text(), chart.context(scope), p, updateEvery, PLUGIN, MODULE);
                    for (GroupChart.Dim d : chart.dimensions()) {
                        boolean bandwidth = chart.unit() == Unit.KILOBITS_PER_SECOND;
                        int multiplier = (bandwidth ? 8 : 1) * (bandwidth && d.name().equals("sent") ? -1 : 1);
                        out.printf("DIMENSION %s '' incremental %d %d%n", d.name(), multiplier, bandwidth ? 1000 : 1);
                    }
                    out.printf("CLABEL '%s' '%s' 1%n", label, NetdataText.quotable(g.getKey()));
                    out.println("CLABEL_COMMIT");
                }
                p++;
                out.printf("BEGIN %s %d%n", id, micros);
                for (GroupChart.Dim d : chart.dimensions()) {
                    out.printf("SET %s = %d%n", d.name(), d.value(g.getValue()));
                }
                out.println("END");
            }
        }
    }

    /** The group's name as it appears in its chart ids: cleaned, then numbered (_2, _3, ...) if another took it. */
    private String idName(GroupChart.Scope scope, String group) {
        return groupIdNames.computeIfAbsent(scope + "/" + group, k -> {
            String clean = group.replaceAll("[^A-Za-z0-9_]", "_");
            String name = clean;
            for (int n = 2; !usedIdNames.add(scope + "/" + name); n++) {
                name = clean + "_" + n;
            }
            return name;
        });
    }

    /** "app.nginx_ebpf_call_tcp_sendmsg", "cgroup_docker_1a2b.net_tcp_send", "services.nginx_net_tcp_send". */
    static String groupChartId(GroupChart.Scope scope, String group, GroupChart chart) {
        String clean = group.replaceAll("[^A-Za-z0-9_]", "_");
        String suffix = chart.context(scope).substring(scope.prefix().length() + 1);
        return scope == GroupChart.Scope.CGROUPS ? "cgroup_" + clean + "." + suffix : scope.prefix() + "." + clean + "_" + suffix;
    }

    /** Marks every chart obsolete, so the agent drops them when the plugin stops. */
    void obsoleteCharts() {
        for (GlobalChart chart : GlobalChart.published(options.loadMode())) {
            chartLine(chart, "obsolete");
        }
        for (String id : definedGroupCharts) {
            out.printf("CHART %s '' '' '' '' '' 'stacked' 0 %d 'obsolete' '%s' '%s'%n", id, updateEvery, PLUGIN, MODULE);
        }
        out.flush();
    }

    private void chartLine(GlobalChart chart, String chartOptions) {
        out.printf("CHART %s '' '%s' '%s' 'kernel' '%s' 'line' %d %d '%s' '%s' '%s'%n", chart.id(), chart.title(),
                chart.unit().text(), chart.id(), chart.priority(options.loadMode()), updateEvery, chartOptions, PLUGIN, MODULE);
    }
}
