package io.ebpfnet.socket.groups;

import io.ebpfnet.socket.ProcessCounter;
import io.ebpfnet.socket.TestTables;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** Grouping by /proc/<pid>/cgroup on cgroup v1 hosts, on a fixture /proc. */
class CgroupV1PathsTest {
    private static final String ID = "4e3c1b2a9f8d7e6c5b4a39281706f5e4d3c2b1a09f8e7d6c5b4a3928170615f4";

    @TempDir
    Path proc;

    private void mounts(String text) throws IOException {
        Files.createDirectories(proc.resolve("self"));
        Files.writeString(proc.resolve("self/mounts"), text);
    }

    /** A process whose cpuacct and name=systemd paths are given, as a v1 (or hybrid) kernel lists them. */
    private void process(int pid, String cpuacct, String systemd) throws IOException {
        Path dir = Files.createDirectories(proc.resolve(Integer.toString(pid)));
        Files.writeString(dir.resolve("cgroup"), "12:memory:" + cpuacct + "\n"
                + "4:cpu,cpuacct:" + cpuacct + "\n"
                + "1:name=systemd:" + systemd + "\n"
                + "0::/ignored/v2/path\n");
    }

    private void exit(int pid) throws IOException {
        try (var files = Files.walk(proc.resolve(Integer.toString(pid)))) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @Test
    void v1OnlyAndHybridHostsGroupByV1UnifiedHostsByV2() throws IOException {
        mounts("tmpfs /sys/fs/cgroup tmpfs ro 0 0\ncgroup /sys/fs/cgroup/systemd cgroup rw,name=systemd 0 0\n"
                + "cgroup /sys/fs/cgroup/cpu,cpuacct cgroup rw,cpu,cpuacct 0 0\n");
        assertEquals(new CgroupLayout(1, null), CgroupLayout.detect(proc), "v1 only");
        mounts("tmpfs /sys/fs/cgroup tmpfs ro 0 0\ncgroup2 /sys/fs/cgroup/unified cgroup2 rw 0 0\n"
                + "cgroup /sys/fs/cgroup/cpu,cpuacct cgroup rw,cpu,cpuacct 0 0\n");
        assertEquals(new CgroupLayout(1, null), CgroupLayout.detect(proc), "hybrid: v1, as cgroups.plugin");
        mounts("cgroup2 /sys/fs/cgroup cgroup2 rw 0 0\ncgroup /mnt/net_cls cgroup rw,net_cls 0 0\n");
        assertEquals(new CgroupLayout(2, Path.of("/sys/fs/cgroup")), CgroupLayout.detect(proc), "unified");
        mounts("cgroup2 /mnt/cg2 cgroup2 rw 0 0\n");
        assertEquals(new CgroupLayout(2, Path.of("/mnt/cg2")), CgroupLayout.detect(proc), "a lone cgroup2 elsewhere");
        mounts("proc /proc proc rw 0 0\n");
        assertEquals(0, CgroupLayout.detect(proc).version());
        assertNull(CgroupLayout.detect(proc).paths(new ProcFs(proc)));
    }

    @Test
    void containersAndServicesAreNamedFromTheirV1Paths() throws IOException {
        process(100, "/docker/" + ID, "/docker/" + ID);
        process(200, "/system.slice/nginx.service", "/system.slice/nginx.service");
        process(300, "/", "/system.slice/cron.service"); // CPU accounting off: cpuacct root, systemd knows the unit
        SocketGroups groups = new SocketGroups(null, new ProcFs(proc), new CgroupV1Paths(new ProcFs(proc)));
        SocketGroups.Totals t = groups.update(TestTables.tcpBytesSent(new long[][] {{100, 5}, {200, 7}, {300, 11}}));
        assertEquals(5, GroupTotals.get(t.cgroups().get("docker-4e3c1b2a9f8d"), ProcessCounter.TCP_BYTES_SENT));
        assertEquals(7, GroupTotals.get(t.cgroups().get("nginx.service"), ProcessCounter.TCP_BYTES_SENT));
        assertEquals(11, GroupTotals.get(t.cgroups().get("/"), ProcessCounter.TCP_BYTES_SENT));
        assertEquals(7, GroupTotals.get(t.services().get("nginx"), ProcessCounter.TCP_BYTES_SENT));
        assertEquals(11, GroupTotals.get(t.services().get("cron"), ProcessCounter.TCP_BYTES_SENT));
        assertEquals(2, t.services().size(), "the container is no service");
    }

    @Test
    void aProcessGoneBeforeItIsReadGoesToTheRootAndIsCounted() throws IOException {
        process(100, "/docker/" + ID, "/docker/" + ID);
        CgroupV1Paths paths = new CgroupV1Paths(new ProcFs(proc));
        SocketGroups groups = new SocketGroups(null, new ProcFs(proc), paths);
        SocketGroups.Totals t = groups.update(TestTables.tcpBytesSent(new long[][] {{100, 5}, {4242, 9}}));
        assertEquals(9, GroupTotals.get(t.cgroups().get("/"), ProcessCounter.TCP_BYTES_SENT));
        assertEquals(1, paths.goneBeforeRead());

        exit(100); // read when first seen: it stays in its container after exiting
        t = groups.update(TestTables.tcpBytesSent(new long[][] {{100, 8}, {4242, 9}}));
        assertEquals(8, GroupTotals.get(t.cgroups().get("docker-4e3c1b2a9f8d"), ProcessCounter.TCP_BYTES_SENT));
        assertEquals(1, paths.goneBeforeRead(), "known processes are not read again");
    }

    @Test
    void aReusedTgidIsReadAgain() throws IOException {
        process(300, "/docker/" + ID, "/docker/" + ID);
        CgroupV1Paths paths = new CgroupV1Paths(new ProcFs(proc));
        SocketGroups groups = new SocketGroups(null, new ProcFs(proc), paths);
        groups.update(TestTables.tcpBytesSent(new long[][] {{300, 5, 1_000}}));
        exit(300);
        process(300, "/system.slice/nginx.service", "/system.slice/nginx.service");
        // the old process's last row and the new one's (same tgid, later start) in one snapshot
        Map<String, long[]> cgroups = groups.update(TestTables.tcpBytesSent(new long[][] {{300, 6, 1_000}, {300, 2, 9_000}})).cgroups();
        assertEquals(6, GroupTotals.get(cgroups.get("docker-4e3c1b2a9f8d"), ProcessCounter.TCP_BYTES_SENT));
        assertEquals(2, GroupTotals.get(cgroups.get("nginx.service"), ProcessCounter.TCP_BYTES_SENT));
        // the old row is gone, the new one stays in its own group
        cgroups = groups.update(TestTables.tcpBytesSent(new long[][] {{300, 3, 9_000}})).cgroups();
        assertEquals(6, GroupTotals.get(cgroups.get("docker-4e3c1b2a9f8d"), ProcessCounter.TCP_BYTES_SENT));
        assertEquals(3, GroupTotals.get(cgroups.get("nginx.service"), ProcessCounter.TCP_BYTES_SENT));
        assertEquals(0, paths.goneBeforeRead());
    }
}
