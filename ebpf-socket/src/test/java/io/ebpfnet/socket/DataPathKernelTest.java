package io.ebpfnet.socket;

import io.ebpfnet.core.detect.AttachMode;
import io.ebpfnet.core.testing.KernelTests;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The kernel data path under load (issue #11), exact numbers on the real kernel, tracepoint mode:
 * short-lived processes (one row each, their own name, final counts, released), many short connections
 * through small connection tables (every closed socket reported once with its final bytes), and
 * softirq retransmits interleaved with process-context sends on the same rows.
 *
 * <p>The host is busy (other programs use loopback and start processes meanwhile): every assertion is
 * about our own pids, ports or network namespaces.
 */
class DataPathKernelTest {
    private static final int PID = (int) ProcessHandle.current().pid();
    private static final int IPPROTO_TCP = 6;

    @BeforeEach
    void needsKernel() {
        KernelTests.requireBpf();
    }

    // ------------------------------------------------------------------ short-lived processes

    /** One process row as one snapshot showed it. */
    private record ProcessRow(int tgid, long startNanos, long cgroupId, String comm, long udpBytesSent, long udpSendCalls,
                              long udpSendErrors, boolean exited) {
        String key() {
            return tgid + "/" + startNanos + "/" + cgroupId;
        }
    }

    /** A child we started: its pid, when we started it (CLOCK_MONOTONIC), its name and what it sent. */
    private record Child(int pid, long startedAfterNanos, String name, long bytes) {
    }

    /** Every snapshot's rows (copied, so nothing depends on the collector's memory), in order. */
    private static final class Recorder {
        final List<List<ProcessRow>> snapshots = new ArrayList<>();
        SocketSnapshot first;
        SocketSnapshot last;

        void add(SocketSnapshot s) {
            if (first == null) {
                first = s;
            }
            last = s;
            ProcessTable t = s.processes();
            List<ProcessRow> rows = new ArrayList<>(t.size());
            for (int r = 0; r < t.size(); r++) {
                rows.add(new ProcessRow(t.tgid(r), t.startNanos(r), t.cgroupId(r), t.comm(r),
                        t.get(r, ProcessCounter.UDP_BYTES_SENT), t.get(r, ProcessCounter.UDP_SEND_CALLS),
                        t.get(r, ProcessCounter.UDP_SEND_ERRORS), t.exited(r)));
            }
            synchronized (this) {
                snapshots.add(rows);
            }
        }
    }

    /** Takes a snapshot every {@code periodMillis} on its own thread until stopped. */
    private static Thread snapshotEvery(SocketCollector collector, Recorder recorder, long periodMillis,
                                        AtomicBoolean stop, AtomicReference<Throwable> failure) {
        Thread t = new Thread(() -> {
            try {
                while (!stop.get()) {
                    recorder.add(collector.snapshot());
                    Thread.sleep(periodMillis);
                }
            } catch (Throwable e) {
                failure.set(e);
            }
        }, "snapshots");
        t.setDaemon(true);
        t.start();
        return t;
    }

    /** Reads and discards datagrams until the socket is closed (so that the sink's buffer never fills). */
    private static Thread drain(DatagramSocket sink) {
        Thread t = new Thread(() -> {
            byte[] buf = new byte[65536];
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            try {
                while (true) {
                    sink.receive(p);
                }
            } catch (IOException closed) {
                // the test is over
            }
        }, "udp-sink");
        t.setDaemon(true);
        t.start();
        return t;
    }

    /** {@code count} symlinks to bash named {@code prefix + index}: the kernel's comm is the executed file's name. */
    private static List<Path> bashLinks(Path dir, String prefix, int count) throws IOException {
        Path bash = Files.isExecutable(Path.of("/bin/bash")) ? Path.of("/bin/bash").toRealPath() : Path.of("/usr/bin/bash").toRealPath();
        List<Path> links = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            links.add(Files.createSymbolicLink(dir.resolve(prefix + i), bash));
        }
        return links;
    }

    /** Starts {@code link} sending {@code writes} UDP datagrams of {@code size} bytes to 127.0.0.1:port, then exiting. */
    private static Process udpSender(Path link, int port, int writes, int size) throws IOException {
        StringBuilder script = new StringBuilder("exec 3<>/dev/udp/127.0.0.1/" + port + "; ");
        for (int w = 0; w < writes; w++) {
            script.append("printf '%0").append(size).append("d' 0 >&3; ");
        }
        return new ProcessBuilder(List.of(link.toString(), "-c", script.toString())).redirectErrorStream(true).start();
    }

    private static void deleteAll(Path dir, List<Path> links) throws IOException {
        for (Path l : links) {
            Files.deleteIfExists(l);
        }
        Files.deleteIfExists(dir);
    }

    /**
     * Checks every child against every snapshot: one row key, its own name, its final bytes in its last
     * row, marked exited in that last row (and only there), and gone from the final snapshot.
     */
    private static void assertEachChildReportedOnceAndReleased(List<Child> children, Recorder recorder) {
        Map<Integer, Child> byPid = new HashMap<>();
        for (Child c : children) {
            assertNull(byPid.put(c.pid(), c), "pid " + c.pid() + " used twice by our children");
        }
        Map<Integer, List<ProcessRow>> seen = new HashMap<>();       // every row of a child, in snapshot order
        Map<Integer, Integer> lastSnapshot = new HashMap<>();        // index of the last snapshot showing it
        List<List<ProcessRow>> snapshots = recorder.snapshots;
        for (int s = 0; s < snapshots.size(); s++) {
            for (ProcessRow row : snapshots.get(s)) {
                Child c = byPid.get(row.tgid());
                // An earlier process with a reused pid started before ours: not ours.
                if (c == null || row.startNanos() < c.startedAfterNanos()) {
                    continue;
                }
                seen.computeIfAbsent(c.pid(), k -> new ArrayList<>()).add(row);
                lastSnapshot.put(c.pid(), s);
            }
        }
        List<ProcessRow> finalRows = snapshots.get(snapshots.size() - 1);
        List<String> problems = new ArrayList<>();
        for (Child c : children) {
            List<ProcessRow> rows = seen.get(c.pid());
            if (rows == null) {
                problems.add(c.name() + " (pid " + c.pid() + ", sent " + c.bytes() + " B): never reported");
                continue;
            }
            Set<String> keys = new HashSet<>();
            Set<String> names = new HashSet<>();
            for (ProcessRow r : rows) {
                keys.add(r.key());
                names.add(r.comm());
            }
            if (keys.size() != 1) {
                problems.add(c.name() + " (pid " + c.pid() + "): " + keys.size() + " row keys " + keys);
            }
            if (!names.equals(Set.of(c.name()))) {
                problems.add(c.name() + " (pid " + c.pid() + "): named " + names);
            }
            // The last snapshot that shows the child may hold more than one row of it only if it was split.
            int last = lastSnapshot.get(c.pid());
            long lastBytes = 0;
            boolean lastExited = true;
            for (ProcessRow r : snapshots.get(last)) {
                if (r.tgid() == c.pid() && r.startNanos() >= c.startedAfterNanos()) {
                    lastBytes += r.udpBytesSent();
                    lastExited &= r.exited();
                }
            }
            if (lastBytes != c.bytes()) {
                List<String> history = new ArrayList<>();
                for (ProcessRow r : rows) {
                    history.add(r.udpBytesSent() + " B/" + r.udpSendCalls() + " calls/" + r.udpSendErrors() + " errors"
                            + (r.exited() ? " exited" : ""));
                }
                problems.add(c.name() + " (pid " + c.pid() + "): udp bytes sent " + lastBytes + " in its last row (snapshot "
                        + last + " of " + snapshots.size() + "), sent " + c.bytes() + "; its rows: " + history);
            }
            long exitedRows = rows.stream().filter(ProcessRow::exited).count();
            if (!lastExited || exitedRows != 1) {
                problems.add(c.name() + " (pid " + c.pid() + "): " + exitedRows + " rows marked exited, last row exited: " + lastExited);
            }
            for (ProcessRow r : finalRows) {
                if (r.tgid() == c.pid() && r.startNanos() >= c.startedAfterNanos()) {
                    problems.add(c.name() + " (pid " + c.pid() + "): still in the final snapshot (not released), exited=" + r.exited());
                }
            }
        }
        assertTrue(problems.isEmpty(), problems.size() + " of " + children.size() + " children wrong, e.g.:\n  "
                + String.join("\n  ", problems.subList(0, Math.min(20, problems.size()))));
    }

    /**
     * 200 bash children under their own names (symlinks dp0 … dp199), started back to back, each sending
     * 2 × (20 + i) UDP bytes and exiting, with a snapshot every 75 ms meanwhile and two after the last exit.
     */
    @Test
    void shortLivedProcesses() throws Exception {
        int count = 200;
        Path dir = Files.createTempDirectory("ebpfnet-dp");
        List<Path> links = bashLinks(dir, "dp", count);
        try (SocketCollector collector = SocketCollector.start(SocketCollectorOptions.defaults(AttachMode.TRACEPOINT));
             DatagramSocket sink = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            drain(sink);
            Recorder recorder = new Recorder();
            recorder.add(collector.snapshot());
            AtomicBoolean stop = new AtomicBoolean();
            AtomicReference<Throwable> failure = new AtomicReference<>();
            Thread snapshots = snapshotEvery(collector, recorder, 75, stop, failure);

            List<Child> children = new ArrayList<>();
            List<Process> processes = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                int size = 20 + i; // 2 × size: a distinct total per child
                long t0 = System.nanoTime();
                Process p = udpSender(links.get(i), sink.getLocalPort(), 2, size);
                processes.add(p);
                children.add(new Child((int) p.pid(), t0, "dp" + i, 2L * size));
            }
            for (int i = 0; i < count; i++) {
                Process p = processes.get(i);
                assertTrue(p.waitFor(30, TimeUnit.SECONDS), "child " + i + " did not exit");
                String out = new String(p.getInputStream().readAllBytes());
                assertEquals(0, p.exitValue(), "dp" + i + ": " + out);
                assertEquals("", out, "dp" + i + " printed (a failed send?)");
            }
            stop.set(true);
            snapshots.join();
            assertNull(failure.get(), () -> "snapshot thread failed: " + failure.get());
            // An exit is reported by the second read after it (its sockets' last counts are folded in
            // between), and the row is gone from the read after that.
            recorder.add(collector.snapshot());
            recorder.add(collector.snapshot());
            recorder.add(collector.snapshot());
            System.out.printf("shortLivedProcesses: %d children, %d snapshots%n", count, recorder.snapshots.size());

            assertEachChildReportedOnceAndReleased(children, recorder);
            assertEquals(0, recorder.last.global(GlobalCounter.REFUSED_PROCESSES) - recorder.first.global(GlobalCounter.REFUSED_PROCESSES),
                    "refused process inserts");
        } finally {
            deleteAll(dir, links);
        }
    }

    /**
     * A 128-row process table and 400 short-lived processes, started in batches of 32 with snapshots
     * every 75 ms: every exited row is released after its one last report, so every process gets a row.
     */
    @Test
    void shortLivedProcessesThroughASmallProcessTable() throws Exception {
        int count = 400;
        int batch = 32;
        Path dir = Files.createTempDirectory("ebpfnet-dps");
        List<Path> links = bashLinks(dir, "dps", count);
        SocketCollectorOptions small = SocketCollectorOptions.defaults(AttachMode.TRACEPOINT).withBandwidthTableSize(128);
        try (SocketCollector collector = SocketCollector.start(small);
             DatagramSocket sink = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            drain(sink);
            Recorder recorder = new Recorder();
            recorder.add(collector.snapshot());
            AtomicBoolean stop = new AtomicBoolean();
            AtomicReference<Throwable> failure = new AtomicReference<>();
            Thread snapshots = snapshotEvery(collector, recorder, 75, stop, failure);

            List<Child> children = new ArrayList<>();
            for (int from = 0; from < count; from += batch) {
                List<Process> running = new ArrayList<>();
                for (int i = from; i < Math.min(count, from + batch); i++) {
                    int size = 10 + i;
                    long t0 = System.nanoTime();
                    Process p = udpSender(links.get(i), sink.getLocalPort(), 1, size);
                    running.add(p);
                    children.add(new Child((int) p.pid(), t0, "dps" + i, size));
                }
                for (Process p : running) {
                    assertTrue(p.waitFor(30, TimeUnit.SECONDS), "a child did not exit");
                    String out = new String(p.getInputStream().readAllBytes());
                    assertEquals(0, p.exitValue(), out);
                    assertEquals("", out, "a child printed (a failed send?)");
                }
                Thread.sleep(150); // two snapshot periods: the batch's rows are reported exited and released
            }
            stop.set(true);
            snapshots.join();
            assertNull(failure.get(), () -> "snapshot thread failed: " + failure.get());
            // An exit is reported by the second read after it (its sockets' last counts are folded in
            // between), and the row is gone from the read after that.
            recorder.add(collector.snapshot());
            recorder.add(collector.snapshot());
            recorder.add(collector.snapshot());
            int largest = recorder.snapshots.stream().mapToInt(List::size).max().orElse(0);
            System.out.printf("small process table: %d children, %d snapshots, at most %d rows in one%n",
                    count, recorder.snapshots.size(), largest);

            assertEquals(0, recorder.last.global(GlobalCounter.REFUSED_PROCESSES) - recorder.first.global(GlobalCounter.REFUSED_PROCESSES),
                    "refused process inserts (largest snapshot: " + largest + " rows of 128)");
            assertEachChildReportedOnceAndReleased(children, recorder);
        } finally {
            deleteAll(dir, links);
        }
    }

    // ------------------------------------------------------------------ many short connections

    /** One socket: its key and its latest row. */
    private record SocketRow(int localPort, int remotePort, int tgid, long firstSeen, int protocol,
                             ConnectionTable.Direction direction, long bytesSent, long bytesReceived, boolean closed) {
        String key() {
            return localPort + "/" + remotePort + "/" + tgid + "/" + firstSeen;
        }
    }

    /** Accumulates connections(false) reads: per socket its latest row; a closed row is final. */
    private static final class ConnectionLog {
        final Map<String, SocketRow> sockets = new HashMap<>();
        final List<String> closedTwice = new ArrayList<>();
        final List<String> reopened = new ArrayList<>();
        final List<String> strays = new ArrayList<>(); // rows of our port with another owner, or ours without our port
        int reads;
        long lastReadNanos;
        long longestGapNanos;
        int mostClosedInOneRead;

        void read(SocketCollector collector, int serverPort) {
            long now = System.nanoTime();
            if (lastReadNanos != 0) {
                longestGapNanos = Math.max(longestGapNanos, now - lastReadNanos);
            }
            lastReadNanos = now;
            ConnectionTable t = collector.connections(false);
            reads++;
            int closedHere = 0;
            for (int r = 0; r < t.size(); r++) {
                boolean ourPort = t.localPort(r) == serverPort || t.remotePort(r) == serverPort;
                if (t.protocol(r) != IPPROTO_TCP || t.tgid(r) != PID || !ourPort) {
                    if (t.protocol(r) == IPPROTO_TCP && (ourPort ? t.tgid(r) != PID : t.tgid(r) == PID && t.closed(r)) && strays.size() < 20) {
                        strays.add(t.localAddress(r).getHostAddress() + ":" + t.localPort(r) + "->" + t.remoteAddress(r).getHostAddress()
                                + ":" + t.remotePort(r) + " tgid " + t.tgid(r) + " sent " + t.bytesSent(r) + " received " + t.bytesReceived(r)
                                + (t.closed(r) ? " closed" : " open"));
                    }
                    continue; // not one of ours
                }
                if (t.closed(r)) {
                    closedHere++;
                }
                SocketRow row = new SocketRow(t.localPort(r), t.remotePort(r), t.tgid(r), t.firstSeenNanos(r), t.protocol(r),
                        t.direction(r), t.bytesSent(r), t.bytesReceived(r), t.closed(r));
                SocketRow before = sockets.get(row.key());
                if (before != null && before.closed()) {
                    (row.closed() ? closedTwice : reopened).add(row.key());
                    continue; // closed rows are final
                }
                sockets.put(row.key(), row);
            }
            mostClosedInOneRead = Math.max(mostClosedInOneRead, closedHere);
        }
    }

    /**
     * 100,000 TCP connections to our own server through connection tables of 1,024 entries, each sending
     * 1 + i % 50 bytes; the server reads them and closes first (the client then reads EOF and closes), so
     * the client's ephemeral ports are not held in TIME_WAIT. A reader calls connections(false) every
     * 100 ms: every closed socket must be reported with its final bytes, none refused.
     */
    @Test
    void manyShortConnectionsThroughASmallTable() throws Exception {
        int connections = 100_000;
        int clientThreads = 2;
        SocketCollectorOptions options = SocketCollectorOptions.defaults(AttachMode.TRACEPOINT).withConnectionTableSizes(1024, 1024);
        try (SocketCollector collector = SocketCollector.start(options);
             ServerSocket server = new ServerSocket()) {
            server.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 4096);
            int serverPort = server.getLocalPort();
            ConnectionLog log = new ConnectionLog();
            SocketSnapshot before = collector.snapshot();
            log.read(collector, serverPort); // closed connections are kept from the first read on

            AtomicReference<Throwable> failure = new AtomicReference<>();
            AtomicLong serverReceived = new AtomicLong();
            AtomicLong accepted = new AtomicLong();
            // (client port, bytes) of every connection the server handled, to name the ones not reported
            java.util.Queue<Long> handled = new java.util.concurrent.ConcurrentLinkedQueue<>();
            List<Thread> serverThreads = new ArrayList<>();
            for (int s = 0; s < 2; s++) {
                Thread t = new Thread(() -> {
                    byte[] buf = new byte[64];
                    try {
                        while (true) {
                            try (Socket c = server.accept()) {
                                InputStream in = c.getInputStream();
                                int first = in.read(); // every byte of a connection is its length, 1 … 50
                                assertTrue(first > 0, "a connection without bytes");
                                int got = 1;
                                while (got < first) {
                                    int n = in.read(buf, 0, first - got);
                                    assertTrue(n > 0, "EOF after " + got + " of " + first);
                                    got += n;
                                }
                                serverReceived.addAndGet(got);
                                accepted.incrementAndGet();
                                handled.add((long) c.getPort() << 32 | got);
                            } // the server closes first
                        }
                    } catch (SocketException closed) {
                        // the server socket closed: the test is over
                    } catch (Throwable e) {
                        failure.compareAndSet(null, e);
                    }
                }, "server-" + s);
                t.setDaemon(true);
                t.start();
                serverThreads.add(t);
            }

            AtomicBoolean stop = new AtomicBoolean();
            Thread reader = new Thread(() -> {
                try {
                    while (!stop.get()) {
                        Thread.sleep(100);
                        log.read(collector, serverPort);
                    }
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                }
            }, "connections-reader");
            reader.setDaemon(true);
            reader.start();

            long started = System.nanoTime();
            AtomicLong clientSent = new AtomicLong();
            List<Thread> clients = new ArrayList<>();
            for (int c = 0; c < clientThreads; c++) {
                int first = c;
                Thread t = new Thread(() -> {
                    byte[] payload = new byte[64];
                    byte[] buf = new byte[16];
                    try {
                        for (int i = first; i < connections && failure.get() == null; i += clientThreads) {
                            int n = 1 + i % 50;
                            java.util.Arrays.fill(payload, 0, n, (byte) n);
                            try (Socket s = new Socket()) {
                                s.connect(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), serverPort), 5000);
                                s.getOutputStream().write(payload, 0, n);
                                clientSent.addAndGet(n);
                                int eof = s.getInputStream().read(buf); // the server closes after reading n bytes
                                assertEquals(-1, eof, "the server sends nothing");
                            }
                        }
                    } catch (Throwable e) {
                        failure.compareAndSet(null, e);
                    }
                }, "client-" + c);
                t.start();
                clients.add(t);
            }
            for (Thread t : clients) {
                t.join();
            }
            long clientNanos = System.nanoTime() - started;
            assertNull(failure.get(), () -> "traffic failed: " + failure.get());
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (accepted.get() < connections && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            stop.set(true);
            reader.join();
            assertNull(failure.get(), () -> "reader failed: " + failure.get());
            assertEquals(connections, accepted.get(), "connections the server handled");
            assertEquals(clientSent.get(), serverReceived.get());

            // Every socket closed: read until none of ours is open (final records can trail the close), and for
            // 1.5 s: a socket the kernel freed without tcp_destroy_sock is reported a second after its release.
            deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            long settled = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(1500);
            do {
                Thread.sleep(100);
                log.read(collector, serverPort);
            } while ((openAccepted(log, serverPort) + openClients(log, serverPort) > 0 || System.nanoTime() < settled)
                    && System.nanoTime() < deadline);
            log.read(collector, serverPort);
            SocketSnapshot after = collector.snapshot();

            long clientClosed = 0;
            long clientBytes = 0;
            long clientNotOutbound = 0;
            long serverRows = 0;
            long serverClosed = 0;
            long serverBytes = 0;
            for (SocketRow s : log.sockets.values()) {
                if (s.remotePort() == serverPort) {
                    if (s.closed()) {
                        clientClosed++;
                        clientBytes += s.bytesSent();
                    }
                    if (s.direction() != ConnectionTable.Direction.OUTBOUND) {
                        clientNotOutbound++;
                    }
                } else if (s.localPort() == serverPort && s.remotePort() != 0) { // accepted, not the listener
                    serverRows++;
                    serverBytes += s.bytesReceived();
                    if (s.closed()) {
                        serverClosed++;
                    }
                }
            }
            long refusedV4 = after.global(GlobalCounter.REFUSED_CONNECTIONS_V4) - before.global(GlobalCounter.REFUSED_CONNECTIONS_V4);
            long refusedSockets = after.global(GlobalCounter.REFUSED_SOCKETS) - before.global(GlobalCounter.REFUSED_SOCKETS);
            System.out.printf("manyShortConnections: %,d connections in %.1f s by the clients, %d reads; client rows closed %,d"
                            + " (bytes %,d of %,d sent), server rows %,d (closed %,d, bytes received %,d); refused v4 %d, sockets %d;"
                            + " reported closed twice %d, open after closed %d; longest gap between reads %d ms, most closed rows in"
                            + " one read %,d; rows of our port with another owner or of ours elsewhere: %s; sockets freed without"
                            + " tcp_destroy_sock (host-wide, recovered from their release): %d%n",
                    connections, clientNanos / 1e9, log.reads, clientClosed, clientBytes, clientSent.get(), serverRows, serverClosed,
                    serverBytes, refusedV4, refusedSockets, log.closedTwice.size(), log.reopened.size(),
                    log.longestGapNanos / 1_000_000, log.mostClosedInOneRead, log.strays,
                    after.global(GlobalCounter.TCP_DESTROYS_MISSED) - before.global(GlobalCounter.TCP_DESTROYS_MISSED));

            String missing = missingServerSockets(handled, log, serverPort);
            assertEquals(0, refusedV4, "closed IPv4 connections refused (GlobalCounter.REFUSED_CONNECTIONS_V4); longest gap between"
                    + " reads " + log.longestGapNanos / 1_000_000 + " ms, most closed rows in one read " + log.mostClosedInOneRead);
            assertEquals(0, refusedSockets, "sockets refused (GlobalCounter.REFUSED_SOCKETS)");
            assertEquals(List.of(), log.closedTwice, "sockets reported closed by two reads");
            assertEquals(connections, clientClosed, "closed client sockets reported");
            assertEquals(0, clientNotOutbound, "client sockets not marked outbound");
            assertEquals(clientSent.get(), clientBytes, "bytes sent by the closed client sockets");
            assertEquals(clientSent.get(), serverBytes, "bytes received by the server's sockets; " + missing);
            assertEquals(connections, serverRows, "server sockets reported; " + missing);
        }
    }

    /** The connections the server handled that no server-side row matches (by client port and bytes), for the message. */
    private static String missingServerSockets(java.util.Queue<Long> handled, ConnectionLog log, int serverPort) {
        Map<Long, Integer> expected = new HashMap<>();
        for (long h : handled) {
            expected.merge(h, 1, Integer::sum);
        }
        for (SocketRow s : log.sockets.values()) {
            if (s.localPort() == serverPort && s.remotePort() != 0) {
                expected.merge((long) s.remotePort() << 32 | s.bytesReceived(), -1, Integer::sum);
            }
        }
        List<String> diff = new ArrayList<>();
        expected.forEach((k, n) -> {
            if (n != 0) {
                diff.add("client port " + (k >>> 32) + " with " + (k & 0xffffffffL) + " bytes: " + (n > 0 ? n + " not reported" : -n + " extra"));
            }
        });
        return diff.isEmpty() ? "every server-side connection reported"
                : diff.size() + " server-side (client port, bytes) mismatches: " + diff.subList(0, Math.min(10, diff.size()));
    }

    private static long openClients(ConnectionLog log, int serverPort) {
        return log.sockets.values().stream().filter(s -> !s.closed() && s.remotePort() == serverPort).count();
    }

    /** Open accepted sockets (the listener, remote port 0, stays open until the end). */
    private static long openAccepted(ConnectionLog log, int serverPort) {
        return log.sockets.values().stream().filter(s -> !s.closed() && s.localPort() == serverPort && s.remotePort() != 0).count();
    }
}
