package io.ebpfnet.socket.groups;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Cgroup paths of processes on cgroup v1 hosts, where the kernel's cgroup id (of the v2 default
 * hierarchy) says nothing. A process's {@code /proc/<pid>/cgroup} is read when its row is first
 * seen and remembered by tgid (with the row's start time, so a reused tgid is read again) until its
 * last row is gone. Its cgroup is its path in the cpuacct hierarchy (the one cgroups.plugin
 * discovers v1 cgroups in), else memory, else name=systemd; its service comes from the name=systemd
 * hierarchy, which systemd keeps for every unit, else from the cgroup. A process already gone when
 * first seen is put in the root cgroup ("") and counted ({@link #goneBeforeRead()}).
 */
public final class CgroupV1Paths implements CgroupPaths {
    private record Paths(long startNanos, String cgroup, String service) {
    }

    private static final Paths ROOT = new Paths(0, "", "");

    private final ProcFs proc;
    private final Map<Integer, Paths> known = new HashMap<>();
    private long goneBeforeRead;

    public CgroupV1Paths(ProcFs proc) {
        this.proc = proc;
    }

    @Override
    public String cgroupPath(int tgid, long startNanos, long cgroupId) {
        return of(tgid, startNanos).cgroup();
    }

    @Override
    public String servicePath(int tgid, long startNanos, long cgroupId) {
        return of(tgid, startNanos).service();
    }

    @Override
    public void forget(int tgid) {
        known.remove(tgid);
    }

    /** How many processes were gone before their cgroup could be read (and went to the root cgroup). */
    public long goneBeforeRead() {
        return goneBeforeRead;
    }

    private Paths of(int tgid, long startNanos) {
        if (tgid == 0) {
            return ROOT; // the idle task / interrupts: no /proc entry, always the root
        }
        Paths p = known.get(tgid);
        if (p == null || p.startNanos() != startNanos) {
            p = read(tgid, startNanos);
            known.put(tgid, p);
        }
        return p;
    }

    private Paths read(int tgid, long startNanos) {
        Optional<List<String>> lines = proc.cgroupLines(tgid);
        if (lines.isEmpty()) {
            goneBeforeRead++;
            return new Paths(startNanos, "", "");
        }
        Map<String, String> byController = parse(lines.get());
        String cgroup = first(byController, "cpuacct", "memory", "name=systemd");
        String service = first(byController, "name=systemd");
        return new Paths(startNanos, cgroup == null ? "" : cgroup, service == null ? (cgroup == null ? "" : cgroup) : service);
    }

    /** v1 lines {@code ID:controller[,controller…]:/path}, by controller, paths without the leading '/'. */
    static Map<String, String> parse(List<String> lines) {
        Map<String, String> byController = new HashMap<>();
        for (String line : lines) {
            int a = line.indexOf(':');
            int b = a < 0 ? -1 : line.indexOf(':', a + 1);
            if (b < 0 || b == a + 1) {
                continue; // malformed, or the v2 line "0::/path" of a hybrid host
            }
            String path = line.substring(b + 1);
            path = path.startsWith("/") ? path.substring(1) : path;
            for (String controller : line.substring(a + 1, b).split(",")) {
                byController.put(controller, path);
            }
        }
        return byController;
    }

    private static String first(Map<String, String> byController, String... controllers) {
        for (String c : controllers) {
            String p = byController.get(c);
            if (p != null) {
                return p;
            }
        }
        return null;
    }
}
