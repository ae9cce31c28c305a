package io.ebpfnet.socket;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;

import static org.junit.jupiter.api.Assertions.assertThrows;

/** Calls that fail in the kernel, for the error counters. */
final class Failures {
    private Failures() {
    }

    /** The server resets the connection; the client's next writes fail with EPIPE or ECONNRESET. */
    static void sendOnResetConnection() throws Exception {
        InetAddress lo = InetAddress.getByName("127.0.0.1");
        try (ServerSocket server = new ServerSocket()) {
            server.bind(new InetSocketAddress(lo, 0));
            try (Socket client = new Socket(lo, server.getLocalPort())) {
                Socket accepted = server.accept();
                accepted.setSoLinger(true, 0);
                accepted.close(); // RST
                OutputStream out = client.getOutputStream();
                assertThrows(IOException.class, () -> {
                    for (int i = 0; i < 100; i++) {
                        out.write(new byte[100]);
                        Thread.sleep(10);
                    }
                });
            }
        }
    }

    /** Sending to the broadcast address without SO_BROADCAST fails in the kernel with EACCES. */
    static void udpSendToBroadcastWithoutPermission() throws IOException {
        try (DatagramChannel channel = DatagramChannel.open(StandardProtocolFamily.INET)) {
            channel.setOption(StandardSocketOptions.SO_BROADCAST, false);
            assertThrows(IOException.class,
                    () -> channel.send(ByteBuffer.allocate(10), new InetSocketAddress("255.255.255.255", 9)));
        }
    }
}
