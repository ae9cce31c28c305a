package io.ebpfnet.socket.groups;

/**
 * Where a process row's cgroup comes from: the cgroup v2 id the kernel recorded
 * ({@link CgroupResolver}) or, on cgroup v1 hosts, {@code /proc/<pid>/cgroup} ({@link CgroupV1Paths}).
 * Paths are relative to the hierarchy root, without a leading '/' ("" is the root).
 */
public interface CgroupPaths {
    /** The cgroup path that names the row's cgroup, or null when unknown. */
    String cgroupPath(int tgid, long startNanos, long cgroupId);

    /** The cgroup path that tells the row's systemd service, or null when unknown. */
    String servicePath(int tgid, long startNanos, long cgroupId);

    /** Called when a process's last row is gone: what was remembered about it may go. */
    void forget(int tgid);
}
