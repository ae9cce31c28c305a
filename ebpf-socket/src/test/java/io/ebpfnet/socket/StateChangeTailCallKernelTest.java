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
import static org.junit.jupiter.api.Assertions.assertTrue;

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
            assertEquals(1, collector.detach(ProgramSet.STATE_CHANGE), "links of the first state-change program closed");
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
            // A connect's state change runs in its process, which no other state change interrupts: all counted.
            assertEquals(CONNECTIONS, Deltas.delta(before, after, ProcessCounter.TCP_V4_CONNECTS), "connects of this process");
            // An accept's comes in softirq, which can interrupt the one program left while it runs on that CPU;
            // the kernel then skips it (what the first program, detached here, is for): one such in a run is allowed.
            long accepts = Deltas.delta(before, after, ProcessCounter.TCP_ACCEPTS);
            assertTrue(accepts == CONNECTIONS || accepts == CONNECTIONS - 1, "accepts of this process: " + accepts);
        }
    }
}
