package io.ebpfnet.cli;

import io.ebpfnet.core.testing.KernelTests;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code connections} lists a connection made while it watched, with exact bytes and the right direction. */
class ConnectionsCommandTest {
    @Test
    void listsTheTestsConnectionWithExactBytes() throws Exception {
        KernelTests.requireBpf();
        InetAddress lo = InetAddress.getByName("127.0.0.1");
        int[] port = new int[2]; // the server's, and the client's of a connection without traffic
        long links = CliRun.bpfLinks();
        Thread traffic = new Thread(() -> {
            try {
                CliRun.awaitAttached(links); // the connection is made while the collector watches
                try (ServerSocket server = new ServerSocket()) {
                    server.bind(new InetSocketAddress(lo, 0));
                    port[0] = server.getLocalPort();
                    try (Socket c = new Socket(lo, port[0]); Socket a = server.accept()) {
                        OutputStream out = c.getOutputStream();
                        InputStream in = a.getInputStream();
                        out.write(new byte[5555]);
                        in.readNBytes(5555);
                    }
                    try (Socket c = new Socket(lo, port[0]); Socket a = server.accept()) {
                        port[1] = c.getLocalPort(); // connected and closed, nothing sent
                    }
                }
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
        traffic.start();
        CliRun run = CliRun.of("connections", "--duration", "3");
        traffic.join();
        assertEquals(0, run.exitCode(), run.err());
        String pid = String.valueOf(ProcessHandle.current().pid());
        String outbound = run.out().lines().filter(l -> l.contains("127.0.0.1:" + port[0]) && l.contains(" outbound "))
                .findFirst().orElseThrow(() -> new AssertionError("no outbound row for port " + port[0] + ":\n" + run.out()));
        assertTrue(outbound.startsWith("tcp"), outbound);
        assertTrue(outbound.contains(" " + pid + " "), outbound);
        assertTrue(outbound.matches(".* 5555 +0 +1 +0 .*"), outbound);
        String inbound = run.out().lines().filter(l -> l.contains("127.0.0.1:" + port[0] + " ") && l.contains(" inbound "))
                .findFirst().orElseThrow(() -> new AssertionError("no inbound row:\n" + run.out()));
        assertTrue(inbound.matches(".* 0 +5555 +0 +1 .*"), inbound);
        String idle = run.out().lines().filter(l -> l.contains("127.0.0.1:" + port[1] + " ") && l.contains(" outbound "))
                .findFirst().orElseThrow(() -> new AssertionError("no row for the connection without traffic:\n" + run.out()));
        assertTrue(idle.matches(".* 0 +0 +0 +0 +0 CLOSE +[0-9.]+ +-"), "never had traffic: no last-seen time; " + idle);
    }

    @Test
    void connectionsTurnedOffInTheConfigIsAUsageError(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        java.nio.file.Path off = java.nio.file.Files.writeString(dir.resolve("off.conf"), "[network connections]\n    enabled = no\n");
        CliRun run = CliRun.of("connections", "--config", off.toString());
        assertEquals(2, run.exitCode(), run.err());
        assertTrue(run.err().contains("enabled = no"), run.err());
        assertEquals("", run.out());
    }

    @Test
    void configFiltersLeaveOutLoopbackAndPorts(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        KernelTests.requireBpf();
        java.nio.file.Path noLoopback = java.nio.file.Files.writeString(dir.resolve("a.conf"),
                "[network connections]\n    include loopback = no\n");
        java.nio.file.Path onlyPort1 = java.nio.file.Files.writeString(dir.resolve("b.conf"), "[network connections]\n    ports = 1\n");
        // Other programs may hold connections meanwhile (a busy host): each row is checked, not the row count.
        for (java.nio.file.Path conf : new java.nio.file.Path[] {noLoopback, onlyPort1}) {
            CliRun run;
            try (BackgroundTcp ignored = new BackgroundTcp()) {
                run = CliRun.of("connections", "--duration", "2", "--config", conf.toString());
            }
            assertEquals(0, run.exitCode(), run.err());
            for (String row : run.out().lines().skip(1).toList()) {
                String[] f = row.trim().split("\\s+");
                String local = f[1];
                String remote = f[2];
                boolean inbound = f[3].equals("inbound");
                if (conf == noLoopback) {
                    assertFalse(loopback(host(local)) && (loopback(host(remote)) || InetAddress.getByName(host(remote)).isAnyLocalAddress()),
                            "a loopback row with include loopback = no: " + row);
                } else {
                    assertEquals("1", port(inbound ? local : remote), "a row of another service port with ports = 1: " + row);
                }
            }
        }
    }

    private static String host(String endpoint) {
        String h = endpoint.substring(0, endpoint.lastIndexOf(':'));
        return h.startsWith("[") ? h.substring(1, h.length() - 1) : h;
    }

    private static String port(String endpoint) {
        return endpoint.substring(endpoint.lastIndexOf(':') + 1);
    }

    private static boolean loopback(String host) throws java.net.UnknownHostException {
        return InetAddress.getByName(host).isLoopbackAddress();
    }

    /** Loopback TCP connections made in the background. */
    private static final class BackgroundTcp implements AutoCloseable {
        private volatile boolean stop;
        private final Thread thread = new Thread(() -> {
            try {
                InetAddress lo = InetAddress.getByName("127.0.0.1");
                while (!stop) {
                    try (ServerSocket server = new ServerSocket(0, 1, lo); Socket c = new Socket(lo, server.getLocalPort());
                         Socket a = server.accept()) {
                        c.getOutputStream().write(new byte[10]);
                        a.getInputStream().readNBytes(10);
                    }
                    Thread.sleep(100);
                }
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });

        BackgroundTcp() {
            thread.start();
        }

        @Override
        public void close() throws InterruptedException {
            stop = true;
            thread.join();
        }
    }
}
