package io.ebpfnet.socket;

import io.ebpfnet.core.KernelDetection;
import io.ebpfnet.core.detect.AttachMode;
import io.ebpfnet.core.detect.AttachModeChooser;
import io.ebpfnet.core.detect.AttachRequest;
import io.ebpfnet.core.testing.KernelTests;
import io.ebpfnet.socket.groups.CgroupLayout;
import io.ebpfnet.socket.groups.CgroupV1Paths;
import io.ebpfnet.socket.groups.GroupTotals;
import io.ebpfnet.socket.groups.ProcFs;
import io.ebpfnet.socket.groups.SocketGroups;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * On a cgroup v1 (or hybrid) host, a process that moved into a v1 cgroup is grouped by its v1 path. Needs a host
 * (or a qemu guest) without a cgroup2 mount at /sys/fs/cgroup and with a v1 cpuacct hierarchy mounted.
 */
class CgroupV1KernelTest {
    @Test
    void aProcessInAV1CgroupIsGroupedByItsPath(@TempDir Path dir) throws Exception {
        KernelTests.requireBpf();
        Path hierarchy = cpuacctHierarchy();
        Path cgroup = Files.createDirectories(hierarchy.resolve("ebpfnet-v1-" + ProcessHandle.current().pid()));
        ProcFs proc = ProcFs.live();
        CgroupV1Paths paths = (CgroupV1Paths) CgroupLayout.detect(Path.of("/proc")).paths(proc);
        SocketGroups grouping = new SocketGroups(null, proc, paths);
        // the mode auto picks: the grouping is the same in every mode, the kernel decides which one runs
        AttachMode mode = AttachModeChooser.choose(AttachRequest.best(AttachMode.TRAMPOLINE), KernelDetection.detect()).mode();
        try (SocketCollector collector = SocketCollector.start(SocketCollectorOptions.defaults(mode));
             DatagramSocket sink = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            grouping.update(collector.snapshot().processes());
            Path bash = Files.createSymbolicLink(dir.resolve("ebpfnet-v1"), Path.of("/bin/bash"));
            // Moves itself into the v1 cgroup, sends, says so, and lives until its stdin closes.
            String script = "echo $$ > " + cgroup.resolve("cgroup.procs") + "; exec 3<>/dev/udp/127.0.0.1/" + sink.getLocalPort()
                    + "; for i in $(seq 6); do printf '%0321d' 0 >&3; done; echo sent; read -r x; exit 0";
            Process p = new ProcessBuilder(List.of(bash.toString(), "-c", script)).redirectErrorStream(true).start();
            String said = new BufferedReader(new InputStreamReader(p.getInputStream())).readLine();
            assertEquals("sent", said);
            String name = cgroup.getFileName().toString();
            SocketGroups.Totals live = grouping.update(collector.snapshot().processes());
            long[] mine = live.cgroups().get(name);
            assertTrue(mine != null, "the v1 cgroup has totals: " + live.cgroups().keySet());
            assertEquals(6 * 321, GroupTotals.get(mine, ProcessCounter.UDP_BYTES_SENT));
            assertEquals(6, GroupTotals.get(mine, ProcessCounter.UDP_SEND_CALLS));
            p.getOutputStream().close();
            assertEquals(0, p.waitFor());
            SocketGroups.Totals after = grouping.update(collector.snapshot().processes());
            assertEquals(6 * 321, GroupTotals.get(after.cgroups().get(name), ProcessCounter.UDP_BYTES_SENT), "kept after exit");
            System.out.println(mode.cliName() + " mode, v1 groups: " + after.cgroups().keySet() + ", processes gone before read: " + paths.goneBeforeRead());
        } finally {
            Files.deleteIfExists(cgroup);
        }
    }

    /** The mount point of a v1 hierarchy with cpuacct, or a printed skip when this is no v1 host. */
    private static Path cpuacctHierarchy() throws Exception {
        if (CgroupLayout.detect(Path.of("/proc")).version() != 1) {
            KernelTests.skipOrFail("not a cgroup v1 host (cgroup2 at /sys/fs/cgroup or no v1 hierarchy mounted)");
        }
        for (String line : Files.readAllLines(Path.of("/proc/self/mounts"))) {
            String[] f = line.split(" ");
            if (f.length > 3 && f[2].equals("cgroup") && List.of(f[3].split(",")).contains("cpuacct")) {
                return Path.of(f[1]);
            }
        }
        KernelTests.skipOrFail("no cgroup v1 cpuacct hierarchy mounted");
        return null;
    }
}
