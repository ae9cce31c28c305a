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
    private final CgroupPaths cgroups;
    private final GroupTotals appTotals;
    private final GroupTotals cgroupTotals;
    private final GroupTotals serviceTotals;

    /**
     * @param apps     the application groups, or null for no per-application grouping
     * @param cgroups  the cgroup paths (v2 ids resolved in the tree, or v1 paths from /proc), or null
     *                 for no per-cgroup and per-service grouping
     */
    public SocketGroups(AppRules apps, ProcFs proc, CgroupPaths cgroups) {
        this.apps = apps == null ? null : new AppGrouper(apps, proc);
        this.cgroups = cgroups;
        this.appTotals = this.apps == null ? null : new GroupTotals(this::appOf, this.apps::forget);
        this.cgroupTotals = cgroups == null ? null : new GroupTotals(this::cgroupOf, cgroups::forget);
        this.serviceTotals = cgroups == null ? null : new GroupTotals(this::serviceOf, cgroups::forget);
    }

    /**
     * Live grouping: the given groups (or none), /proc, and (when cgroups are on) the cgroup version
     * {@link CgroupLayout} finds: v2 ids resolved in the cgroup2 mount, or v1 paths from /proc.
     */
    public static SocketGroups live(AppRules apps, boolean cgroups) {
        ProcFs proc = ProcFs.live();
        return new SocketGroups(apps, proc, cgroups ? CgroupLayout.detect(Path.of("/proc")).paths(proc) : null);
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
        return cgroups == null ? null : name(cgroups.cgroupPath(table.tgid(row), table.startNanos(row), table.cgroupId(row)));
    }

    /** The systemd service of a row, or null. */
    public String serviceOf(ProcessTable table, int row) {
        return cgroups == null ? null : service(cgroups.servicePath(table.tgid(row), table.startNanos(row), table.cgroupId(row)));
    }

    private static String name(String path) {
        return path == null ? null : CgroupNames.name(path);
    }

    private static String service(String path) {
        return path == null ? null : CgroupNames.service(path);
    }
}
