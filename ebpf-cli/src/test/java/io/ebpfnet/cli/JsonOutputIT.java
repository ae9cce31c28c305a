package io.ebpfnet.cli;

import io.ebpfnet.core.testing.KernelTests;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The packaged jar, run as users run it, reports this test's traffic exactly in its JSON lines. */
class JsonOutputIT {
    @Test
    void jsonLinesShowThisProcessExactBytes() throws Exception {
        KernelTests.requireBpf();
        Path jar = Path.of(System.getProperty("ebpfnet.cliJar", "target/ebpf-cli.jar"));
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process cli = new ProcessBuilder(java.toString(), "-jar", jar.toString(), "--format", "json", "--interval", "1", "--count", "3")
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        List<String> lines = new ArrayList<>();
        long sent = 0;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(cli.getInputStream()))) {
            lines.add(out.readLine()); // the collector is attached once it has printed
            try (DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
                for (int i = 0; i < 25; i++) {
                    s.send(new DatagramPacket(new byte[777], 777, InetAddress.getLoopbackAddress(), s.getLocalPort()));
                    s.receive(new DatagramPacket(new byte[1000], 1000));
                    sent += 777;
                }
            }
            String line;
            while ((line = out.readLine()) != null) {
                lines.add(line);
            }
        }
        assertTrue(cli.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, cli.exitValue());
        assertEquals(3, lines.size(), lines.toString());
        for (String l : lines) {
            assertTrue(l.startsWith("{\"time\":\"") && l.contains("\"interval_seconds\":") && l.contains("\"attach_mode\":\"")
                    && l.contains("\"global\":{\"ip.inbound_conn\":"), l);
            assertTrue(l.contains("\"refused_inserts\":{\"processes\":0,\"connections_v4\":0,\"connections_v6\":0,"
                    + "\"pending_calls\":0,\"listeners\":0,\"sockets\":0}"), "every table's refused inserts, none at default sizes: " + l);
            assertTrue(Pattern.compile("\"insert_failures\":\\d+,").matcher(l).find(), "the failed inserts' count: " + l);
        }
        long pid = ProcessHandle.current().pid();
        long before = counter(lines.getFirst(), pid, "udp_bytes_sent");
        long after = counter(lines.getLast(), pid, "udp_bytes_sent");
        assertEquals(sent, after - before, "udp_bytes_sent of pid " + pid);
        assertEquals(sent, counter(lines.getLast(), pid, "udp_bytes_received") - counter(lines.getFirst(), pid, "udp_bytes_received"));
    }

    /** A cumulative counter of process {@code pid} in one JSON line (0 when the process is not there yet). */
    private static long counter(String line, long pid, String name) {
        Matcher m = Pattern.compile("\\{\"pid\":" + pid + ",[^}]*\"" + name + "\":(\\d+)").matcher(line);
        long total = 0;
        while (m.find()) {
            total += Long.parseLong(m.group(1));
        }
        return total;
    }
}
