package io.ebpfnet.socket;

import io.ebpfnet.core.detect.AttachMode;
import io.ebpfnet.core.testing.KernelTests;
import io.ebpfnet.socket.groups.AppRules;
import io.ebpfnet.socket.groups.GroupTotals;
import io.ebpfnet.socket.groups.ProcFs;
import io.ebpfnet.socket.groups.SocketGroups;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Real processes in application groups and in a test cgroup, with exact totals. */
class GroupingKernelTest {
    /** A bash started under another name: its command name is the link's. */
    static Process sender(Path link, int port, int writes, int bytes, String before) throws IOException {
        String script = before + "exec 3<>/dev/udp/127.0.0.1/" + port + "; for i in $(seq " + writes + "); do printf '%0" + bytes
                + "d' 0 >&3; done";
        return new ProcessBuilder(List.of(link.toString(), "-c", script)).redirectErrorStream(true).start();
    }

    @Test
    void appGroupTotalsAreExactAndSurviveExits(@TempDir Path dir) throws Exception {
        KernelTests.requireBpf();
        Path alpha = Files.createSymbolicLink(dir.resolve("ebpfnet-alpha"), Path.of("/bin/bash"));
        Path beta = Files.createSymbolicLink(dir.resolve("ebpfnet-beta"), Path.of("/bin/bash"));
        AppRules groups = (comm, cmdline) -> comm.equals("ebpfnet-alpha") ? "alpha" : comm.equals("ebpfnet-beta") ? "beta" : null;
        SocketGroups grouping = new SocketGroups(groups, ProcFs.live(), null);
        try (SocketCollector collector = SocketCollector.start(SocketCollectorOptions.defaults(AttachMode.TRACEPOINT));
             DatagramSocket sink = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            grouping.update(collector.snapshot().processes());
            List<Process> children = List.of(sender(alpha, sink.getLocalPort(), 4, 100, ""),
                    sender(alpha, sink.getLocalPort(), 3, 1000, ""), sender(beta, sink.getLocalPort(), 2, 55, ""));
            for (Process p : children) {
                assertEquals(0, p.waitFor());
            }
            SocketGroups.Totals last = grouping.update(collector.snapshot().processes());
            assertEquals(4 * 100 + 3 * 1000, GroupTotals.get(last.apps().get("alpha"), ProcessCounter.UDP_BYTES_SENT));
            assertEquals(7, GroupTotals.get(last.apps().get("alpha"), ProcessCounter.UDP_SEND_CALLS));
            assertEquals(2 * 55, GroupTotals.get(last.apps().get("beta"), ProcessCounter.UDP_BYTES_SENT));

            // The children's rows were released after that read: the totals must not drop.
            SocketGroups.Totals after = grouping.update(collector.snapshot().processes());
            assertEquals(3400, GroupTotals.get(after.apps().get("alpha"), ProcessCounter.UDP_BYTES_SENT));
            assertEquals(110, GroupTotals.get(after.apps().get("beta"), ProcessCounter.UDP_BYTES_SENT));
        }
    }
}
