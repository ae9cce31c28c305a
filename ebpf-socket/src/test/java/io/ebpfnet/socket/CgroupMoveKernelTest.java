package io.ebpfnet.socket;

import io.ebpfnet.core.detect.AttachMode;
import io.ebpfnet.core.testing.KernelTests;
import io.ebpfnet.socket.groups.CgroupResolver;
import io.ebpfnet.socket.groups.GroupTotals;
import io.ebpfnet.socket.groups.ProcFs;
import io.ebpfnet.socket.groups.SocketGroups;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A process that moves to another cgroup, in every attach mode: charged in each, every row released at its exit. */
class CgroupMoveKernelTest {
    @ParameterizedTest(name = "{0}")
    @MethodSource("io.ebpfnet.socket.ModeTests#attachModesWithLegacy")
    void aProcessThatMovedHasEveryRowReleasedWhenItExits(AttachMode mode, LoadMode load, @TempDir Path dir) throws Exception {
        SocketCollectorOptions options = ModeTests.optionsOrSkip(mode, load);
        Path root = cgroupRoot();
        Path cgroup = Files.createDirectories(root.resolve("ebpfnet-move-" + ProcessHandle.current().pid()));
        try (SocketCollector collector = SocketCollector.start(options);
             DatagramSocket sink = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            Path bash = Files.createSymbolicLink(dir.resolve("ebpfnet-mv"), Path.of("/bin/bash"));
            int port = sink.getLocalPort();
            // Sends in its own cgroup, moves into the test cgroup, sends again, exits.
            String send = "exec 3<>/dev/udp/127.0.0.1/" + port + "; printf '%0100d' 0 >&3; exec 3>&-; ";
            Process p = new ProcessBuilder(bash.toString(), "-c", send + "echo $$ > " + cgroup.resolve("cgroup.procs") + "; " + send)
                    .redirectErrorStream(true).start();
            int pid = (int) p.pid();
            assertEquals(0, p.waitFor(), new String(p.getInputStream().readAllBytes()));
            java.util.Set<Long> cgroups = new java.util.HashSet<>();
            java.util.Set<Long> exitedIn = new java.util.HashSet<>();
            boolean gone = false;
            for (int i = 0; i < 50 && !gone; i++) {
                ProcessTable t = collector.snapshot().processes();
                gone = !cgroups.isEmpty();
                for (int r = 0; r < t.size(); r++) {
                    if (t.tgid(r) == pid) {
                        gone = false;
                        cgroups.add(t.cgroupId(r));
                        if (t.exited(r)) {
                            exitedIn.add(t.cgroupId(r));
                        }
                    }
                }
                Thread.sleep(20);
            }
            assertEquals(2, cgroups.size(), "a row in each cgroup");
            assertEquals(cgroups, exitedIn, "every row reported exited");
            assertTrue(gone, "every row released");
        } finally {
            Files.deleteIfExists(cgroup);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.ebpfnet.socket.ModeTests#attachModesWithLegacy")
    void aProcessMovedIntoATestCgroupIsChargedThere(AttachMode mode, LoadMode load, @TempDir Path dir) throws Exception {
        SocketCollectorOptions options = ModeTests.optionsOrSkip(mode, load);
        Path root = cgroupRoot();
        Path cgroup = Files.createDirectories(root.resolve("ebpfnet-test-" + ProcessHandle.current().pid()));
        try (SocketCollector collector = SocketCollector.start(options);
             DatagramSocket sink = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            SocketGroups grouping = new SocketGroups(null, ProcFs.live(), new CgroupResolver(root));
            grouping.update(collector.snapshot().processes());
            Path bash = Files.createSymbolicLink(dir.resolve("ebpfnet-cg"), Path.of("/bin/bash"));
            // The child moves itself into the test cgroup, then sends.
            Process p = GroupingKernelTest.sender(bash, sink.getLocalPort(), 6, 321, "echo $$ > " + cgroup.resolve("cgroup.procs") + "; ");
            assertEquals(0, p.waitFor(), new String(p.getInputStream().readAllBytes()));
            SocketGroups.Totals totals = grouping.update(collector.snapshot().processes());
            long[] mine = totals.cgroups().get(cgroup.getFileName().toString());
            assertTrue(mine != null, "the test cgroup has totals: " + totals.cgroups().keySet());
            assertEquals(6 * 321, GroupTotals.get(mine, ProcessCounter.UDP_BYTES_SENT));
            assertEquals(6, GroupTotals.get(mine, ProcessCounter.UDP_SEND_CALLS));
        } finally {
            Files.deleteIfExists(cgroup);
        }
    }

    /** The cgroup v2 hierarchy's root, for a test cgroup (kernel tests: BPF and a mounted cgroup2 needed). */
    private static Path cgroupRoot() {
        KernelTests.requireBpf();
        Path root = CgroupResolver.findMount(Path.of("/proc")).orElse(null);
        if (root == null) {
            KernelTests.skipOrFail("no cgroup v2 hierarchy is mounted");
        }
        return root;
    }
}
