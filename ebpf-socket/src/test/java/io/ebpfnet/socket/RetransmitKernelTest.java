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
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Packets dropped in private namespaces make our TCP retransmit; the retransmits are ours, in every attach mode. */
class RetransmitKernelTest {
    private static final int PID = (int) ProcessHandle.current().pid();

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.ebpfnet.socket.ModeTests#attachModesWithLegacy")
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

    /**
     * Four sender threads of this JVM write 1 MiB each over a path that drops 10 % of TCP packets, so
     * softirq retransmits (atomic adds, charged to the socket owner) land on this process's per-CPU rows
     * while its threads' sends (plain adds) update them too. Both must stay exact: bytes sent = bytes
     * written, and the row's retransmits = the sum of the four connections' (counted by the same events in
     * each socket's own state, where no plain add interleaves). Against the kernel: retransmits <= the
     * sender namespace's RetransSegs (only our sockets live there) less TCPRetransFail (retransmits counted
     * there whose transmission failed), and short of it by at most TCPSpuriousRtxHostQueues (attempts that
     * found the skb still in the host's queue, -EBUSY): about one run in 25 under load on 6.18, RetransSegs
     * counted 1-3 more than the tracepoint reported sent, with TCPRetransFail 0 and every transmission
     * reported (bpftrace on the same tracepoint: all of one segment, err 0, the same count as ours), each time
     * in a run with such attempts; which kernel path counts them is not proven. Not in legacy mode, which is not
     * exact here: one run on 6.1 counted 310 of 311 (another all of them). The known way to lose one: the
     * kernel skips a classic tracepoint's program that interrupts one of legacy's kprobe programs on its CPU
     * (docs/metrics.md); that this was the cause is not proven.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("io.ebpfnet.socket.ModeTests#attachModes")
    void retransmitsAndSendsInterleaveExactly(AttachMode mode, LoadMode load) throws Exception {
        SocketCollectorOptions options = ModeTests.optionsOrSkip(mode, load);
        int senders = 4;
        int firstPort = 9000; // the sinks listen on firstPort .. firstPort + senders - 1
        int chunk = 16 * 1024;
        int chunks = 64;
        try (SenderAndLossySink net = new SenderAndLossySink(10);
             SocketCollector collector = SocketCollector.start(options)) {
            List<Process> sinks = new ArrayList<>();
            try {
                for (int i = 0; i < senders; i++) {
                    sinks.add(net.startSink(firstPort + i));
                }
                for (Process sink : sinks) {
                    BufferedReader out = new BufferedReader(new InputStreamReader(sink.getInputStream()));
                    assertEquals("listening", out.readLine());
                }
                collector.connections(false); // closed connections are kept from now on
                SocketSnapshot before = collector.snapshot();
                long retransBefore = net.senderTcp("RetransSegs");
                long failBefore = net.senderTcpExt("TCPRetransFail");
                long busyBefore = net.senderTcpExt("TCPSpuriousRtxHostQueues");
                AtomicLong written = new AtomicLong();
                AtomicReference<Throwable> failure = new AtomicReference<>();
                CountDownLatch go = new CountDownLatch(1);
                List<Thread> threads = new ArrayList<>();
                for (int i = 0; i < senders; i++) {
                    int port = firstPort + i;
                    Thread t = new Thread(() -> {
                        try {
                            net.enterSenderNamespace();
                            go.await();
                            try (Socket s = new Socket()) {
                                s.connect(new InetSocketAddress(SenderAndLossySink.SINK_ADDRESS, port), 10_000);
                                OutputStream o = s.getOutputStream();
                                byte[] data = new byte[chunk];
                                for (int c = 0; c < chunks; c++) {
                                    o.write(data);
                                    written.addAndGet(chunk);
                                }
                                s.shutdownOutput();
                                // EOF: the sink has read everything and closed, so every segment (and our FIN)
                                // is acknowledged; nothing of ours retransmits after this.
                                assertEquals(-1, s.getInputStream().read());
                            }
                        } catch (Throwable e) {
                            failure.compareAndSet(null, e);
                        }
                    }, "sender-" + i);
                    t.start();
                    threads.add(t);
                }
                long started = System.nanoTime();
                go.countDown();
                // Snapshots while the senders run: reads interleave with both kinds of add.
                boolean running = true;
                int reads = 0;
                while (running) {
                    collector.snapshot();
                    reads++;
                    Thread.sleep(50);
                    running = threads.stream().anyMatch(Thread::isAlive);
                }
                for (Thread t : threads) {
                    t.join();
                }
                assertNull(failure.get(), () -> "sender failed: " + failure.get());
                SocketSnapshot after = collector.snapshot();
                long retransSegs = net.senderTcp("RetransSegs") - retransBefore;
                long retransFail = net.senderTcpExt("TCPRetransFail") - failBefore;
                long stillQueued = net.senderTcpExt("TCPSpuriousRtxHostQueues") - busyBefore;
                ConnectionTable connections = collector.connections(false);
                long connectionRetransmits = 0;
                int senderConnections = 0;
                for (int r = 0; r < connections.size(); r++) {
                    int port = connections.remotePort(r);
                    if (connections.remoteAddress(r).getHostAddress().equals(SenderAndLossySink.SINK_ADDRESS)
                            && port >= firstPort && port < firstPort + senders) {
                        connectionRetransmits += connections.retransmits(r);
                        senderConnections++;
                    }
                }
                long sent = Deltas.delta(before, after, ProcessCounter.TCP_BYTES_SENT);
                long retransmits = Deltas.delta(before, after, ProcessCounter.TCP_RETRANSMITS);
                long unknownOwner = after.processes().sum(0, ProcessCounter.TCP_RETRANSMITS) - before.processes().sum(0, ProcessCounter.TCP_RETRANSMITS);
                long global = Deltas.delta(before, after, GlobalCounter.TCP_RETRANSMITS);
                System.out.printf("retransmitsAndSends " + mode.cliName() + ": %d senders, %.1f s, %d snapshots; bytes sent %d of %d written;"
                                + " retransmits ours %d, of its %d connections %d, sender namespace RetransSegs %d (TCPRetransFail %d,"
                                + " TCPSpuriousRtxHostQueues %d); host-wide: events %d, charged to the unknown owner %d%n",
                        senders, (System.nanoTime() - started) / 1e9, reads, sent, written.get(), retransmits, senderConnections,
                        connectionRetransmits, retransSegs, retransFail, stillQueued, global, unknownOwner);
                assertEquals((long) senders * chunks * chunk, written.get());
                assertTrue(retransSegs > 0, "the lossy path made the kernel retransmit");
                assertEquals(written.get(), sent, "TCP bytes sent by this process");
                assertEquals(senders, senderConnections, "the senders' connections, reported closed");
                assertEquals(connectionRetransmits, retransmits, "TCP retransmits of this process vs of its connections");
                // RetransSegs counts a retransmit before it is transmitted; one whose transmission fails
                // (TCPRetransFail, counted after) never reaches the tracepoint: it sent nothing.
                long unsent = retransSegs - retransFail - retransmits;
                assertTrue(unsent >= 0 && unsent <= stillQueued, "TCP retransmits of this process (" + retransmits
                        + ") vs the sender namespace's RetransSegs - TCPRetransFail (" + (retransSegs - retransFail)
                        + "): short by at most the " + stillQueued + " attempts that found the skb still queued");
            } finally {
                for (Process sink : sinks) {
                    sink.destroy();
                    sink.waitFor(5, TimeUnit.SECONDS);
                }
            }
        }
    }
}
