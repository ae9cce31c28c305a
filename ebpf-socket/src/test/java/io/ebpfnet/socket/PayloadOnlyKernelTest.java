package io.ebpfnet.socket;

import io.ebpfnet.core.detect.AttachMode;
import io.ebpfnet.core.testing.KernelTests;
import io.ebpfnet.core.testing.LoopbackTraffic;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Only TCP and UDP payload counts (tracepoint mode): a raw socket sniffing TCP and the error queue of a UDP
 * socket are not traffic (MPTCP, TCP traffic in every mode: AttachModesKernelTest). The script is python3
 * (Java opens no raw socket); scripts/setup.sh installs it.
 */
class PayloadOnlyKernelTest {
    private static final Path PYTHON = Path.of("/usr/bin/python3");

    @BeforeEach
    void needs() {
        KernelTests.requireBpf();
        if (!Files.isExecutable(PYTHON)) {
            KernelTests.skipOrFail("no /usr/bin/python3 (apt-get install python3)");
        }
    }

    @Test
    void rawSocketsAndTheErrorQueueAreNotTraffic() throws Exception {
        try (SocketCollector collector = SocketCollector.start(SocketCollectorOptions.defaults(AttachMode.TRACEPOINT))) {
            Process p = python("not_payload.py", "1.5");
            BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            assertEquals("ready", out.readLine());
            // TCP traffic on loopback for the sniffer to see while it listens
            long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(1200);
            while (System.nanoTime() < end) {
                LoopbackTraffic.tcp(InetAddress.getByName("127.0.0.1"), 20, 1000, 100);
            }
            String[] result = Objects.requireNonNull(out.readLine(), "no result line").split(" ");
            assertTrue(p.waitFor(30, TimeUnit.SECONDS));
            assertEquals(0, p.exitValue(), String.join(" ", result));
            int pid = Integer.parseInt(result[0]);
            long rawBytes = Long.parseLong(result[1]);
            long errQueueBytes = Long.parseLong(result[2]);
            assertTrue(rawBytes > 10_000, "the sniffer saw the TCP traffic: " + rawBytes);
            assertTrue(errQueueBytes > 0, "the error queue held the timestamped datagrams: " + errQueueBytes);

            ProcessTable t = collector.snapshot().processes();
            assertEquals(0, t.sum(pid, ProcessCounter.TCP_BYTES_RECEIVED), "raw TCP packets are not TCP payload");
            assertEquals(0, t.sum(pid, ProcessCounter.TCP_RECV_CALLS));
            assertEquals(0, t.sum(pid, ProcessCounter.UDP_BYTES_RECEIVED), "the error queue is not received data");
            assertEquals(0, t.sum(pid, ProcessCounter.UDP_RECV_CALLS));
            assertEquals(2000, t.sum(pid, ProcessCounter.UDP_BYTES_SENT), "its real UDP payload");
        }
    }

    private static Process python(String script, String argument) throws Exception {
        String source;
        try (InputStream in = PayloadOnlyKernelTest.class.getResourceAsStream(script)) {
            source = new String(Objects.requireNonNull(in, script).readAllBytes(), StandardCharsets.UTF_8);
        }
        return new ProcessBuilder(PYTHON.toString(), "-c", source, argument).redirectErrorStream(true).start();
    }
}
