package io.ebpfnet.socket;

import io.ebpfnet.core.detect.AttachMode;
import io.ebpfnet.socket.internal.ProgramSet;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Tracepoint mode's second state-change program has no handler of its own: it runs the first's code by a
 * tail call (socket.bpf.c). With the first detached, the second alone still counts this process's
 * connects and closes, which it would not if its program array were left empty.
 */
class StateChangeTailCallKernelTest {
    private static final int CONNECTIONS = 20;

    @Test
    void theSecondProgramAloneHandlesStateChanges() throws Exception {
        try (SocketCollector collector = SocketCollector.start(ModeTests.optionsOrSkip(AttachMode.TRACEPOINT, LoadMode.RETURN));
             ServerSocket server = new ServerSocket()) {
            collector.detach(ProgramSet.STATE_CHANGE);
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            SocketSnapshot before = collector.snapshot();
            for (int i = 0; i < CONNECTIONS; i++) {
                try (Socket client = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort());
                     Socket accepted = server.accept(); InputStream in = accepted.getInputStream()) {
                    client.getOutputStream().write(1);
                    assertEquals(1, in.read());
                }
            }
            SocketSnapshot after = collector.snapshot();
            assertEquals(CONNECTIONS, Deltas.delta(before, after, ProcessCounter.TCP_V4_CONNECTS), "connects of this process");
            assertEquals(CONNECTIONS, Deltas.delta(before, after, ProcessCounter.TCP_ACCEPTS), "accepts of this process");
        }
    }
}
