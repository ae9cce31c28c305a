package io.ebpfnet.socket;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two network namespaces of our own, joined by a veth pair: senders (threads of this JVM that
 * entered the sender namespace with setns) and sinks (SinkServer children), whose input drops a share
 * of TCP packets. The sender namespace's /proc/net/snmp counts only our own retransmits.
 */
final class SenderAndLossySink implements AutoCloseable {
    private static final long PID = ProcessHandle.current().pid();

    static final String SENDER_ADDRESS = "10.213.79.1";
    static final String SINK_ADDRESS = "10.213.79.2";
    final String senderNs = "ebpfnet-dps-" + PID;
    final String sinkNs = "ebpfnet-dpr-" + PID;
    final String senderIf = "dps" + (PID % 100000) + "a";
    final String sinkIf = "dps" + (PID % 100000) + "b";

    SenderAndLossySink(int dropPercent) throws IOException, InterruptedException {
        try {
            Commands.run("ip", "netns", "add", senderNs);
            Commands.run("ip", "netns", "add", sinkNs);
            Commands.run("ip", "link", "add", senderIf, "netns", senderNs, "type", "veth", "peer", "name", sinkIf, "netns", sinkNs);
            Commands.run("ip", "-n", senderNs, "addr", "add", SENDER_ADDRESS + "/30", "dev", senderIf);
            Commands.run("ip", "-n", sinkNs, "addr", "add", SINK_ADDRESS + "/30", "dev", sinkIf);
            // One segment per skb: the programs count retransmitted skbs, RetransSegs their segments
            // (docs/metrics.md), so without GSO on the senders' side the two counts are the same number.
            Commands.run("ip", "-n", senderNs, "link", "set", senderIf, "gso_max_segs", "1");
            Commands.run("ip", "-n", senderNs, "link", "set", senderIf, "up");
            Commands.run("ip", "-n", sinkNs, "link", "set", sinkIf, "up");
            Commands.run("ip", "-n", senderNs, "link", "set", "lo", "up");
            Commands.run("ip", "-n", sinkNs, "link", "set", "lo", "up");
            Commands.run("ip", "netns", "exec", sinkNs, "nft", "add table inet lossy; "
                    + "add chain inet lossy input { type filter hook input priority 0; policy accept; }; "
                    + "add rule inet lossy input meta l4proto tcp numgen random mod 100 < " + dropPercent + " drop");
        } catch (IOException | InterruptedException e) {
            close();
            throw e;
        }
    }

    Process startSink(int port) throws IOException {
        return new ProcessBuilder("ip", "netns", "exec", sinkNs,
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")),
                SinkServer.class.getName(), SINK_ADDRESS, String.valueOf(port)).redirectErrorStream(true).start();
    }

    /** A counter of the sender namespace's Tcp line in /proc/net/snmp. */
    long senderTcp(String name) throws IOException, InterruptedException {
        return senderCounter("/proc/net/snmp", "Tcp:", name);
    }

    /** A counter of the sender namespace's TcpExt line in /proc/net/netstat. */
    long senderTcpExt(String name) throws IOException, InterruptedException {
        return senderCounter("/proc/net/netstat", "TcpExt:", name);
    }

    private long senderCounter(String file, String prefix, String name) throws IOException, InterruptedException {
        List<String> lines = Commands.run("ip", "netns", "exec", senderNs, "cat", file).lines().toList();
        for (int i = 0; i + 1 < lines.size(); i++) {
            if (lines.get(i).startsWith(prefix) && lines.get(i + 1).startsWith(prefix)) {
                List<String> names = List.of(lines.get(i).split("\\s+"));
                return Long.parseLong(lines.get(i + 1).split("\\s+")[names.indexOf(name)]);
            }
        }
        throw new AssertionError("no " + prefix + " " + name + " in the sender namespace's " + file);
    }

    /** Moves the calling thread (only it) into the sender namespace: its new sockets are created there. */
    void enterSenderNamespace() {
        Linker linker = Linker.nativeLinker();
        try (Arena arena = Arena.ofConfined()) {
            MethodHandle open = linker.downcallHandle(linker.defaultLookup().find("open").orElseThrow(),
                    FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT));
            MethodHandle setns = linker.downcallHandle(linker.defaultLookup().find("setns").orElseThrow(),
                    FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
            MethodHandle close = linker.downcallHandle(linker.defaultLookup().find("close").orElseThrow(),
                    FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
            int fd = (int) open.invokeExact(arena.allocateFrom("/var/run/netns/" + senderNs), 0 /* O_RDONLY */);
            assertTrue(fd >= 0, "open /var/run/netns/" + senderNs);
            int rc = (int) setns.invokeExact(fd, 0x40000000 /* CLONE_NEWNET */);
            int ignored = (int) close.invokeExact(fd);
            assertEquals(0, rc, "setns into " + senderNs);
        } catch (Throwable e) {
            throw new AssertionError("entering " + senderNs, e);
        }
    }

    @Override
    public void close() {
        for (String ns : List.of(senderNs, sinkNs)) {
            try {
                Commands.run("ip", "netns", "del", ns); // takes the veth pair with it
            } catch (IOException | InterruptedException ignored) {
                // nothing to delete
            }
        }
    }
}
