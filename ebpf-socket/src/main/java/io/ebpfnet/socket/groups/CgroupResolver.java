package io.ebpfnet.socket.groups;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Maps the cgroup v2 ids the kernel records to cgroup paths: a cgroup v2 id is the inode number of
 * its directory in the cgroup2 filesystem, wherever that is mounted ({@code /sys/fs/cgroup} on
 * unified systems, {@code /sys/fs/cgroup/unified} on hybrid ones). The tree is walked again when an
 * unknown id appears (at most once per id).
 */
public final class CgroupResolver implements CgroupPaths {
    private final Path root;
    private final Map<Long, String> paths = new HashMap<>();
    private final Map<Long, Boolean> missed = new HashMap<>();

    public CgroupResolver(Path root) {
        this.root = root;
    }

    /** The cgroup2 mount point from {@code proc/self/mounts}, if any. */
    public static Optional<Path> findMount(Path proc) {
        try {
            for (String line : Files.readAllLines(proc.resolve("self/mounts"))) {
                String[] f = line.split(" ");
                if (f.length > 2 && f[2].equals("cgroup2")) {
                    return Optional.of(Path.of(f[1]));
                }
            }
        } catch (IOException ignored) {
            // no /proc: no cgroups
        }
        return Optional.empty();
    }

    @Override
    public String cgroupPath(int tgid, long startNanos, long cgroupId) {
        return pathOf(cgroupId).orElse(null);
    }

    @Override
    public String servicePath(int tgid, long startNanos, long cgroupId) {
        return pathOf(cgroupId).orElse(null);
    }

    @Override
    public void forget(int tgid) {
        // ids are the kernel's: nothing is kept per process
    }

    /** The path of cgroup {@code id} relative to the root ("" for the root), or empty if unknown. */
    public Optional<String> pathOf(long id) {
        String p = paths.get(id);
        if (p == null && !missed.containsKey(id)) {
            rescan();
            p = paths.get(id);
            if (p == null) {
                missed.put(id, true);
            }
        }
        return Optional.ofNullable(p);
    }

    private void rescan() {
        paths.clear();
        missed.clear();
        try (Stream<Path> dirs = Files.walk(root)) {
            dirs.filter(Files::isDirectory).forEach(d -> {
                try {
                    long ino = ((Number) Files.getAttribute(d, "unix:ino")).longValue();
                    paths.put(ino, root.relativize(d).toString());
                } catch (IOException | UnsupportedOperationException ignored) {
                    // a cgroup removed while walking
                }
            });
        } catch (IOException | java.io.UncheckedIOException ignored) {
            // a directory vanished mid-walk; what was read stands
        }
    }
}
