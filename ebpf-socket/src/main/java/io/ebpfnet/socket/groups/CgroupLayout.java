package io.ebpfnet.socket.groups;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Which cgroup version to group by, decided from {@code /proc/self/mounts} the way Netdata's
 * cgroups.plugin decides: cgroup v2 when {@code /sys/fs/cgroup} itself is a cgroup2 mount (unified
 * host); cgroup v1 when any v1 hierarchy is mounted (v1-only host, and hybrid hosts whose cgroup2
 * sits at {@code /sys/fs/cgroup/unified} without controllers: cgroups.plugin prefers v1 there);
 * otherwise cgroup v2 at any cgroup2 mount; otherwise none.
 *
 * @param version  2, 1, or 0 for no usable cgroups
 * @param v2Root   the cgroup2 mount point when {@code version} is 2, else null
 */
public record CgroupLayout(int version, Path v2Root) {
    private static final Path UNIFIED = Path.of("/sys/fs/cgroup");

    public static CgroupLayout detect(Path proc) {
        Path anyV2 = null;
        boolean v1 = false;
        try {
            for (String line : Files.readAllLines(proc.resolve("self/mounts"))) {
                String[] f = line.split(" ");
                if (f.length <= 2) {
                    continue;
                }
                if (f[2].equals("cgroup2")) {
                    Path at = Path.of(f[1]);
                    if (at.equals(UNIFIED)) {
                        return new CgroupLayout(2, at);
                    }
                    anyV2 = anyV2 == null ? at : anyV2;
                } else if (f[2].equals("cgroup")) {
                    v1 = true;
                }
            }
        } catch (IOException ignored) {
            // no /proc: no cgroups
        }
        if (v1) {
            return new CgroupLayout(1, null);
        }
        return anyV2 != null ? new CgroupLayout(2, anyV2) : new CgroupLayout(0, null);
    }

    /** The cgroup paths for this layout, or null when there are no cgroups. */
    public CgroupPaths paths(ProcFs proc) {
        return switch (version) {
            case 2 -> new CgroupResolver(v2Root);
            case 1 -> new CgroupV1Paths(proc);
            default -> null;
        };
    }
}
