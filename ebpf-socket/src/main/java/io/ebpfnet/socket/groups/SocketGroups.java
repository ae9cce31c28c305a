package io.ebpfnet.socket.groups;

import io.ebpfnet.socket.ProcessTable;

import java.nio.file.Path;
import java.util.Map;

/**
 * The per-application, per-cgroup and per-service totals of a stream of snapshots, each grouping
 * on or off.
 */
public final class SocketGroups {
    /** Cumulative counters per group (ProcessCounter order), for each kind of group. */
    public record Totals(Map<String, long[]> apps, Map<String, long[]> cgroups, Map<String, long[]> services) {
    }

    private final AppGrouper apps;
    private final CgroupResolver cgroups;
    private final GroupTotals appTotals;
    private final GroupTotals cgroupTotals;
    private final GroupTotals serviceTotals;

    /**
     * @param apps     the application groups, or null for no per-application grouping
     * @param cgroups  the cgroup v2 tree, or null for no per-cgroup and per-service grouping
     */
    public SocketGroups(AppRules apps, ProcFs proc, CgroupResolver cgroups) {
        this.apps = apps == null ? null : new AppGrouper(apps, proc);
        this.cgroups = cgroups;
        this.appTotals = this.apps == null ? null : new GroupTotals(this::appOf, this.apps::forget);
        this.cgroupTotals = cgroups == null ? null : new GroupTotals(this::cgroupOf, tgid -> { });
        this.serviceTotals = cgroups == null ? null : new GroupTotals(this::serviceOf, tgid -> { });
    }

    /** Live grouping: the given groups (or none), /proc, and the cgroup2 mount (when cgroups are on). */
    public static SocketGroups live(AppRules apps, boolean cgroups) {
        CgroupResolver resolver = cgroups ? CgroupResolver.findMount(Path.of("/proc")).map(CgroupResolver::new).orElse(null) : null;
        return new SocketGroups(apps, ProcFs.live(), resolver);
    }

    public boolean appsEnabled() {
        return apps != null;
    }

    public boolean cgroupsEnabled() {
        return cgroups != null;
    }

    /** Takes in the next snapshot's table. */
    public Totals update(ProcessTable table) {
        return new Totals(appTotals == null ? Map.of() : appTotals.update(table),
                cgroupTotals == null ? Map.of() : cgroupTotals.update(table),
                serviceTotals == null ? Map.of() : serviceTotals.update(table));
    }

    /** The application group of a row, or null when applications are not grouped. */
    public String appOf(ProcessTable table, int row) {
        return apps == null ? null : apps.groupOf(table.tgid(row), table.tgid(row) == 0 ? "" : table.comm(row));
    }

    /** The cgroup name of a row, or null when cgroups are off or the id is unknown. */
    public String cgroupOf(ProcessTable table, int row) {
        return cgroups == null ? null : cgroups.pathOf(table.cgroupId(row)).map(CgroupNames::name).orElse(null);
    }

    /** The systemd service of a row, or null. */
    public String serviceOf(ProcessTable table, int row) {
        return cgroups == null ? null : cgroups.pathOf(table.cgroupId(row)).map(CgroupNames::service).orElse(null);
    }
}
