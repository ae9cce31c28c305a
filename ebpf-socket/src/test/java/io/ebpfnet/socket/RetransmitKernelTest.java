package io.ebpfnet.socket;

import io.ebpfnet.core.detect.AttachMode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Packets dropped in a private namespace make our TCP retransmit; the retransmits are ours. */
class RetransmitKernelTest {
    private static final int PID = (int) ProcessHandle.current().pid();

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.ebpfnet.socket.ModeTests#attachModes")
    void retransmitsAreChargedToTheSendingProcess(AttachMode mode, LoadMode load) throws Exception {
        SocketCollectorOptions options = ModeTests.optionsOrSkip(mode, load);
        try (LossyNamespace ns = new LossyNamespace(20);
             SocketCollector collector = SocketCollector.start(options)) {
            Process sink = ns.start(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                    System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")),
                    SinkServer.class.getName(), LossyNamespace.REMOTE, "9");
            try {
                BufferedReader out = new BufferedReader(new InputStreamReader(sink.getInputStream()));
                assertEquals("listening", out.readLine());

                SocketSnapshot before = collector.snapshot();
                long snmpBefore = retransSegs();
                try (Socket s = new Socket()) {
                    s.connect(new InetSocketAddress(LossyNamespace.REMOTE, 9), 5000);
                    OutputStream o = s.getOutputStream();
                    byte[] chunk = new byte[16 * 1024];
                    for (int i = 0; i < 128; i++) { // 2 MiB through a 20 % loss
                        o.write(chunk);
                    }
                    s.shutdownOutput();
                    s.getInputStream().read(); // until the sink has everything and closes
                }
                SocketSnapshot after = collector.snapshot();
                long snmp = retransSegs() - snmpBefore;
                long ours = after.processes().sum(PID, ProcessCounter.TCP_RETRANSMITS)
                        - before.processes().sum(PID, ProcessCounter.TCP_RETRANSMITS);
                long global = after.global(GlobalCounter.TCP_RETRANSMITS) - before.global(GlobalCounter.TCP_RETRANSMITS);
                System.out.printf("retransmits: ours %d, global %d, kernel RetransSegs %d%n", ours, global, snmp);
                assertTrue(ours > 0, "retransmits charged to this process");
                assertTrue(global >= ours);
                assertTrue(snmp > 0, "the kernel saw retransmits too");
                // One tcp_retransmit_skb event per retransmitted skb; RetransSegs counts its segments (≥ 1 each).
                assertTrue(global <= snmp, "events " + global + " ≤ segments " + snmp);
            } finally {
                sink.destroy();
                sink.waitFor(5, TimeUnit.SECONDS);
            }
        }
    }

    /** RetransSegs from /proc/net/snmp (this namespace's). */
    private static long retransSegs() throws Exception {
        List<String> lines = Files.readAllLines(Paths.get("/proc/net/snmp"));
        for (int i = 0; i + 1 < lines.size(); i++) {
            if (lines.get(i).startsWith("Tcp:") && lines.get(i + 1).startsWith("Tcp:")) {
                List<String> names = List.of(lines.get(i).split("\\s+"));
                String[] values = lines.get(i + 1).split("\\s+");
                return Long.parseLong(values[names.indexOf("RetransSegs")]);
            }
        }
        throw new AssertionError("no Tcp RetransSegs in /proc/net/snmp");
    }
}
