package io.ebpfnet.socket;

import io.ebpfnet.core.detect.AttachMode;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A process that exec()s keeps its row (same pid, same start time) and takes the new program's name. */
class ExecRenameKernelTest {
    @ParameterizedTest(name = "{0}")
    @MethodSource("io.ebpfnet.socket.ModeTests#attachModesWithLegacy")
    void aRowFollowsExecToTheNewName(AttachMode mode, LoadMode load, @TempDir Path dir) throws Exception {
        SocketCollectorOptions options = ModeTests.optionsOrSkip(mode, load);
        // The kernel's comm is the basename of the executed path: two names for bash.
        Path before = Files.createSymbolicLink(dir.resolve("exec-before"), Path.of("/bin/bash"));
        Path after = Files.createSymbolicLink(dir.resolve("exec-after"), Path.of("/bin/bash"));
        try (SocketCollector collector = SocketCollector.start(options);
             DatagramSocket sink = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            int port = sink.getLocalPort();
            String send = "exec 3<>/dev/udp/127.0.0.1/" + port + "; printf '%0%dd' 0 >&3; exec 3>&-";
            String script = send.replace("%d", "300") + "; exec " + after + " -c \"" + send.replace("%d", "77") + "\"";
            Set<String> names = new HashSet<>();
            Process child = new ProcessBuilder(List.of(before.toString(), "-c", script)).redirectErrorStream(true).start();
            int pid = (int) child.pid();
            Thread drain = Thread.ofVirtual().start(() -> receiveAll(sink));
            long sent = -1;
            boolean exited = false;
            for (int i = 0; i < 400 && !exited; i++) {
                ProcessTable t = collector.snapshot().processes();
                int row = t.find(pid);
                if (row >= 0) {
                    names.add(t.comm(row));
                    assertEquals(1, rowsOf(t, pid), "one row for the process, before and after exec");
                    sent = t.get(row, ProcessCounter.UDP_BYTES_SENT);
                    exited = t.exited(row);
                }
                Thread.sleep(25);
            }
            assertEquals(0, child.waitFor(), new String(child.getInputStream().readAllBytes()));
            drain.interrupt();
            assertTrue(exited, "the row was reported exited");
            assertEquals(377, sent, "bytes sent before and after exec, on one row");
            assertTrue(names.contains("exec-after"), "the row took the name after exec: " + names);
            assertTrue(names.stream().allMatch(n -> n.equals("exec-before") || n.equals("exec-after")), names.toString());
        }
    }

    private static int rowsOf(ProcessTable t, int pid) {
        int n = 0;
        for (int r = 0; r < t.size(); r++) {
            n += t.tgid(r) == pid ? 1 : 0;
        }
        return n;
    }

    private static void receiveAll(DatagramSocket sink) {
        byte[] buf = new byte[2048];
        try {
            while (!Thread.currentThread().isInterrupted()) {
                sink.receive(new DatagramPacket(buf, buf.length));
            }
        } catch (Exception e) {
            // closed with the test
        }
    }
}
