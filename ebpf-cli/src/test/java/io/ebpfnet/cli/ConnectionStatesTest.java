package io.ebpfnet.cli;

import io.ebpfnet.core.testing.KernelTests;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * {@code connections} shows each socket once, in its current or final state, as {@code ss -tan} does at
 * the same time: N loopback pairs of a prefork-shaped server (listener and worker are two processes)
 * closed in both orders, and one pair still open.
 */
class ConnectionStatesTest {
    private static final int PAIRS = 50;
    /** ss's names of states a closing socket passes through in a round trip or two. */
    private static final Set<String> TRANSITIONAL = Set.of("FIN-WAIT-1", "CLOSING", "LAST-ACK", "CLOSE-WAIT", "SYN-SENT", "SYN-RECV");

    @ParameterizedTest
    @ValueSource(strings = {"client_first", "server_first"})
    void closedConnectionsShowTheirFinalStateAndAnOpenOneEstablished(String order, @org.junit.jupiter.api.io.TempDir Path dir)
            throws Exception {
        KernelTests.requireBpf();
        Path script = pythonScript(dir);
        long links = CliRun.bpfLinks();
        AtomicReference<CliRun> run = new AtomicReference<>();
        Thread cli = new Thread(() -> run.set(CliRun.of("connections", "--duration", "8")));
        cli.start();
        CliRun.awaitAttached(links);

        Process pairs = new ProcessBuilder(python3(), script.toString(), Integer.toString(PAIRS), order)
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        Map<String, String> ss;
        int port;
        try {
            BufferedReader lines = new BufferedReader(new InputStreamReader(pairs.getInputStream(), StandardCharsets.UTF_8));
            port = Integer.parseInt(expectLine(lines, "port ").substring(5));
            expectLine(lines, "closed");
            // The closes finish in a round trip or two; then the states hold still until the CLI's last read.
            ss = ssStates(port);
            for (int i = 0; i < 100 && ss.values().stream().anyMatch(TRANSITIONAL::contains); i++) {
                Thread.sleep(50);
                ss = ssStates(port);
            }
            cli.join(30_000);
            ss = ssStates(port); // the open pair is still open: the worker and the parent wait for stdin
        } finally {
            pairs.getOutputStream().close();
            assertTrue(pairs.waitFor(10, TimeUnit.SECONDS), "the connection script did not exit");
        }
        CliRun result = run.get();
        assertNotNull(result, "the CLI did not finish");
        assertEquals(0, result.exitCode(), result.err());

        List<String[]> rows = rowsMatchingSs(result.out(), port, ss, order);
        // One row per socket: both ends of every pair, no earlier row of a socket left beside its final one.
        assertEquals(2 * (PAIRS + 1), rows.size(), "rows for port " + port + ":\n" + result.out());
        long established = rows.stream().filter(r -> r[3].equals("ESTABLISHED")).count();
        assertEquals(2, established, "only the open pair is ESTABLISHED (" + order + ")");
        assertEquals(2, ss.values().stream().filter("ESTAB"::equals).count(), "ss: the open pair: " + ss);
    }

    /**
     * A client closes with data its peer does not read still unsent: its FIN waits behind the data, and the
     * socket stays in FIN_WAIT1, as ss shows (closing is not closed), while the peer is still ESTABLISHED.
     */
    @org.junit.jupiter.api.Test
    void aCloseStillUnderWayShowsItsStateNow() throws Exception {
        KernelTests.requireBpf();
        java.net.InetAddress lo = java.net.InetAddress.getByName("127.0.0.1");
        long links = CliRun.bpfLinks();
        AtomicReference<CliRun> run = new AtomicReference<>();
        Thread cli = new Thread(() -> run.set(CliRun.of("connections", "--duration", "4")));
        cli.start();
        CliRun.awaitAttached(links);
        Map<String, String> ss;
        int port;
        try (java.net.ServerSocket server = new java.net.ServerSocket(0, 1, lo)) {
            port = server.getLocalPort();
            java.nio.channels.SocketChannel client = java.nio.channels.SocketChannel.open(new java.net.InetSocketAddress(lo, port));
            try (java.net.Socket unread = server.accept()) {
                client.configureBlocking(false);
                java.nio.ByteBuffer data = java.nio.ByteBuffer.allocate(1 << 16);
                for (int stalled = 0; stalled < 20; ) { // until the peer's window and our send buffer are full
                    data.clear();
                    if (client.write(data) == 0) {
                        stalled++;
                        Thread.sleep(10);
                    }
                }
                client.close();
                cli.join(30_000);
                ss = ssStates(port);
            }
        }
        CliRun result = run.get();
        assertNotNull(result, "the CLI did not finish");
        assertEquals(0, result.exitCode(), result.err());
        assertTrue(ss.containsValue("FIN-WAIT-1"), "ss: " + ss);
        List<String[]> rows = rowsMatchingSs(result.out(), port, ss, "close with unsent data");
        assertEquals(2, rows.size(), "rows for port " + port + ":\n" + result.out());
    }

    /**
     * The CLI's TCP rows with {@code port} at one end ({local, remote, direction, state}), each checked against
     * ss's state of the same socket: a socket ss lists open is in that state, one it lists as a timewait
     * entry or not at all is closed (CLOSE).
     */
    private static List<String[]> rowsMatchingSs(String out, int port, Map<String, String> ss, String what) {
        List<String[]> rows = new ArrayList<>();
        for (String line : out.lines().toList()) {
            String[] f = line.trim().split("\\s+");
            if (f.length > 11 && f[0].equals("tcp") && (f[1].endsWith(":" + port) || f[2].endsWith(":" + port))) {
                rows.add(new String[] {f[1], f[2], f[3], f[11]});
            }
        }
        for (String[] r : rows) {
            String kernel = ss.get(r[0] + " " + r[1]);
            String expected = kernel == null || kernel.equals(TIMEWAIT) ? "CLOSE" // the socket is gone
                    : kernel.equals("ESTAB") ? "ESTABLISHED" : kernel.replace("WAIT-", "WAIT").replace('-', '_');
            assertEquals(expected, r[3], r[2] + " " + r[0] + " -> " + r[1] + ": ss -tan -o says " + kernel + " (" + what + ")");
        }
        return rows;
    }

    /** What {@link #ssStates} says of a timewait entry: the socket is gone, its addresses wait (TIME-WAIT, or FIN-WAIT-2). */
    private static final String TIMEWAIT = "timewait";

    /**
     * "local remote" → ss's state for every TCP socket with {@code port} at one end (the listener left out);
     * {@link #TIMEWAIT} for the timewait entries a closed socket leaves (its timer says so).
     */
    private static Map<String, String> ssStates(int port) throws IOException, InterruptedException {
        Process ss = new ProcessBuilder("ss", "-tan", "-o").redirectErrorStream(true).start();
        String out = new String(ss.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (ss.waitFor() != 0) {
            fail("ss -tan failed: " + out);
        }
        Map<String, String> states = new HashMap<>();
        for (String line : out.lines().skip(1).toList()) {
            String[] f = line.trim().split("\\s+");
            if (f.length >= 5 && !f[0].equals("LISTEN") && (f[3].endsWith(":" + port) || f[4].endsWith(":" + port))) {
                // an IPv4 connection on a dual-stack socket (Java's): ss prints [::ffff:a.b.c.d], the CLI a.b.c.d
                states.put(unmapped(f[3]) + " " + unmapped(f[4]), line.contains("timer:(timewait") ? TIMEWAIT : f[0]);
            }
        }
        return states;
    }

    private static String unmapped(String endpoint) {
        return endpoint.startsWith("[::ffff:") ? endpoint.substring(8).replace("]", "") : endpoint;
    }

    private static String expectLine(BufferedReader lines, String prefix) throws IOException {
        String line = lines.readLine();
        if (line == null || !line.startsWith(prefix)) {
            fail("the connection script printed " + line + ", not " + prefix);
        }
        return line;
    }

    private static Path pythonScript(Path dir) throws IOException {
        if (python3() == null) {
            String reason = "no python3 (connection_states.py is a python3 script): install it (Debian: apt-get install python3)";
            System.out.println("SKIPPED: " + reason);
            Assumptions.abort(reason);
        }
        try (InputStream in = ConnectionStatesTest.class.getResourceAsStream("connection_states.py")) {
            Path script = dir.resolve("connection_states.py");
            Files.write(script, java.util.Objects.requireNonNull(in, "connection_states.py").readAllBytes());
            return script;
        }
    }

    /** python3: the system's, else the first on PATH; null if none. */
    private static String python3() {
        if (Files.isExecutable(Path.of("/usr/bin/python3"))) {
            return "/usr/bin/python3";
        }
        for (String d : System.getenv().getOrDefault("PATH", "").split(":")) {
            Path p = Path.of(d.isEmpty() ? "." : d, "python3");
            if (Files.isExecutable(p)) {
                return p.toString();
            }
        }
        return null;
    }
}
