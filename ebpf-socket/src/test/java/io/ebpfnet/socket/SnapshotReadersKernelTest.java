package io.ebpfnet.socket;

import io.ebpfnet.core.detect.AttachMode;
import io.ebpfnet.core.testing.KernelTests;
import io.ebpfnet.socket.internal.SocketLayouts;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Snapshots have no side effect on other readers: a short-lived process's final row is seen by every open
 * reader of one collector, and its kernel row is freed once all of them have seen it.
 */
class SnapshotReadersKernelTest {
    private static final int BYTES = 4321;

    @BeforeEach
    void needsKernel() {
        KernelTests.requireBpf();
    }

    @Test
    void twoReadersBothSeeAnExitedProcessesFinalCountsThenItsRowIsFreed() throws Exception {
        try (SocketCollector collector = SocketCollector.start(SocketCollectorOptions.defaults(AttachMode.TRACEPOINT));
             SocketCollector.Reader other = collector.openReader();
             TcpSink sink = new TcpSink()) {
            collector.snapshot();
            other.snapshot();
            int pid = tcpSender(sink.port(), BYTES);

            readUntilExited(collector::snapshot, pid);
            // The owner reads on: the row stays, exited, with its final counts, kept for the other reader.
            for (int i = 0; i < 3; i++) {
                assertFinalRow(collector.snapshot().processes(), pid, "the owner's read " + i);
            }
            assertEquals(1, kernelRows(collector, pid), "the kernel row is kept for the reader that has not read");

            assertFinalRow(other.snapshot().processes(), pid, "the other reader");
            assertEquals(0, kernelRows(collector, pid), "freed once both readers have seen it");
            assertEquals(-1, collector.snapshot().processes().find(pid), "left out of later snapshots");
            assertEquals(-1, other.snapshot().processes().find(pid));
            assertEquals(0, collector.exitedRowsKept());
        }
    }

    @Test
    void closingAReaderFreesTheRowsKeptForIt() throws Exception {
        try (SocketCollector collector = SocketCollector.start(SocketCollectorOptions.defaults(AttachMode.TRACEPOINT));
             TcpSink sink = new TcpSink()) {
            collector.snapshot();
            SocketCollector.Reader idle = collector.openReader();
            int pid = tcpSender(sink.port(), BYTES);
            readUntilExited(collector::snapshot, pid);
            assertFinalRow(collector.snapshot().processes(), pid, "the owner's next read");
            assertEquals(1, kernelRows(collector, pid), "kept while a reader that has not seen it is open");

            idle.close();
            assertEquals(0, kernelRows(collector, pid), "freed when that reader closes");
            assertEquals(-1, collector.snapshot().processes().find(pid));
        }
    }

    /**
     * 3,000 short-lived processes, each with a TCP connection, through a 1,024-row process table read by
     * two readers at different rates: every exited row is freed once both have seen it, so no insert is
     * refused (without freeing, the table would be full after 1,024 of them).
     */
    @Test
    void shortLivedProcessesUnderTwoReadersAreAllFreed() throws Exception {
        int processes = 3000;
        SocketCollectorOptions options = SocketCollectorOptions.defaults(AttachMode.TRACEPOINT).withBandwidthTableSize(1024);
        try (SocketCollector collector = SocketCollector.start(options);
             SocketCollector.Reader other = collector.openReader();
             TcpSink sink = new TcpSink()) {
            SocketSnapshot first = collector.snapshot();
            other.snapshot();
            AtomicBoolean stop = new AtomicBoolean();
            AtomicReference<Throwable> failure = new AtomicReference<>();
            Thread fast = readEvery(collector::snapshot, 50, stop, failure);
            Thread slow = readEvery(other::snapshot, 200, stop, failure);

            // bash subshells: a fork each, no exec, so thousands take seconds
            String script = "for i in $(seq " + processes + "); do ( exec 3<>/dev/tcp/127.0.0.1/" + sink.port()
                    + " && printf x >&3 ) || exit 1; done";
            Process p = new ProcessBuilder(List.of("bash", "-c", script)).redirectErrorStream(true).start();
            assertTrue(p.waitFor(120, TimeUnit.SECONDS), "the children did not finish");
            assertEquals(0, p.exitValue(), new String(p.getInputStream().readAllBytes()));
            Thread.sleep(500);
            stop.set(true);
            fast.join();
            slow.join();
            assertNull(failure.get(), () -> "a reader failed: " + failure.get());
            for (int i = 0; i < 3; i++) { // every exit reported and seen by both
                other.snapshot();
                collector.snapshot();
            }
            SocketSnapshot last = collector.snapshot();
            assertEquals(0, last.global(GlobalCounter.REFUSED_PROCESSES) - first.global(GlobalCounter.REFUSED_PROCESSES),
                    "inserts refused: exited rows were not freed");
            assertTrue(sink.accepted() >= processes, "the sink accepted " + sink.accepted());
            int kernel = kernelRows(collector, -1);
            assertTrue(kernel < 1024 / 2, kernel + " rows left in the kernel's table after " + processes + " processes exited");
        }
    }

    private static void assertFinalRow(ProcessTable t, int pid, String which) {
        int row = t.find(pid);
        assertTrue(row >= 0, which + ": no row for the exited child " + pid);
        assertTrue(t.exited(row), which + ": the child's row is not marked exited");
        assertEquals(BYTES, t.sum(pid, ProcessCounter.TCP_BYTES_SENT), which + ": the child's final bytes");
        assertEquals(1, t.sum(pid, ProcessCounter.TCP_V4_CONNECTS), which + ": the child's connects");
    }

    /** Reads until the row of pid is marked exited (an exit shows in the second read after it). */
    private static ProcessTable readUntilExited(Supplier<SocketSnapshot> reader, int pid) throws InterruptedException {
        for (int i = 0; i < 100; i++) {
            ProcessTable t = reader.get().processes();
            int row = t.find(pid);
            if (row >= 0 && t.exited(row)) {
                assertEquals(BYTES, t.sum(pid, ProcessCounter.TCP_BYTES_SENT));
                return t;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("the child " + pid + " was never reported exited");
    }

    /** Starts a bash child that sends exactly {@code bytes} bytes over one TCP connection and exits; its pid. */
    private static int tcpSender(int port, int bytes) throws IOException, InterruptedException {
        String script = "exec 3<>/dev/tcp/127.0.0.1/" + port + " && printf '%0" + bytes + "d' 0 >&3";
        Process p = new ProcessBuilder(List.of("bash", "-c", script)).redirectErrorStream(true).start();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), new String(p.getInputStream().readAllBytes()));
        return (int) p.pid();
    }

    private static Thread readEvery(Supplier<SocketSnapshot> reader, long millis, AtomicBoolean stop,
                                    AtomicReference<Throwable> failure) {
        Thread t = new Thread(() -> {
            try {
                while (!stop.get()) {
                    reader.get();
                    Thread.sleep(millis);
                }
            } catch (Throwable e) {
                failure.compareAndSet(null, e);
            }
        });
        t.start();
        return t;
    }

    /** Rows of the kernel's process table with this tgid (-1: all), walked key by key. */
    private static int kernelRows(SocketCollector collector, int tgid) {
        var map = collector.processMap();
        long tgidOffset = SocketLayouts.offset(SocketLayouts.PROCESS_KEY, "tgid");
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment key = arena.allocate(map.keySize());
            MemorySegment next = arena.allocate(map.keySize());
            int rows = 0;
            for (boolean more = map.nextKey(null, next); more; more = map.nextKey(key, next)) {
                if (tgid < 0 || next.get(ValueLayout.JAVA_INT, tgidOffset) == tgid) {
                    rows++;
                }
                key.copyFrom(next);
            }
            return rows;
        }
    }

    /** Accepts connections on loopback and discards what they send. */
    private static final class TcpSink implements AutoCloseable {
        private final ServerSocket server = new ServerSocket();
        private final Thread acceptor;
        private volatile int accepted;

        TcpSink() throws IOException {
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1024);
            acceptor = Thread.ofPlatform().daemon().start(() -> {
                while (!server.isClosed()) {
                    try {
                        Socket s = server.accept();
                        accepted++;
                        Thread.ofVirtual().start(() -> drain(s));
                    } catch (IOException e) {
                        return; // closed
                    }
                }
            });
        }

        int port() {
            return server.getLocalPort();
        }

        int accepted() {
            return accepted;
        }

        private static void drain(Socket s) {
            try (s; InputStream in = s.getInputStream()) {
                in.transferTo(java.io.OutputStream.nullOutputStream());
            } catch (IOException e) {
                // the sender went away
            }
        }

        @Override
        public void close() throws IOException {
            server.close();
            try {
                acceptor.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
