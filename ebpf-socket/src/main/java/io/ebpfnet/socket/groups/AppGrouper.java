package io.ebpfnet.socket.groups;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Maps processes to application groups as Netdata's apps.plugin does: a process's own command name
 * or line matching a group puts it there; otherwise it inherits its parent's group (up the tree);
 * otherwise it is {@link #OTHER}. Groups are remembered per process, so a process keeps
 * its group after it exits and {@code /proc} no longer shows it.
 */
public final class AppGrouper {
    /** The group of processes that match nothing and inherit nothing. */
    public static final String OTHER = "other";

    private final AppRules groups;
    private final ProcFs proc;
    private final Map<Integer, String> known = new HashMap<>();

    public AppGrouper(AppRules groups, ProcFs proc) {
        this.groups = groups;
        this.proc = proc;
    }

    /** The group of {@code pid}; {@code comm} is used when /proc no longer has the process. */
    public String groupOf(int pid, String comm) {
        String g = known.get(pid);
        if (g != null) {
            return g;
        }
        g = resolve(pid, comm, 0);
        known.put(pid, g);
        return g;
    }

    /** Forgets a process (after it exited and its final counts were taken): its pid may be reused. */
    public void forget(int pid) {
        known.remove(pid);
    }

    private String resolve(int pid, String comm, int depth) {
        Optional<ProcFs.Process> p = proc.read(pid);
        String name = p.map(ProcFs.Process::comm).orElse(comm);
        String own = groups.match(name, p.map(ProcFs.Process::cmdline).orElse(""));
        if (own != null) {
            return own;
        }
        if (p.isEmpty() || p.get().ppid() <= 1 || depth > 64) {
            return OTHER;
        }
        int parent = p.get().ppid();
        String inherited = known.get(parent);
        return inherited != null ? inherited : resolve(parent, "", depth + 1);
    }
}
