package io.ebpfnet.socket;

import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;

/**
 * A TCP server that reads and discards one connection, then exits. Run as a child process inside a
 * test network namespace: {@code SinkServer ADDRESS PORT}.
 */
public final class SinkServer {
    private SinkServer() {
    }

    public static void main(String[] args) throws Exception {
        try (ServerSocket server = new ServerSocket()) {
            server.bind(new InetSocketAddress(InetAddress.getByName(args[0]), Integer.parseInt(args[1])));
            System.out.println("listening");
            System.out.flush();
            try (Socket s = server.accept(); InputStream in = s.getInputStream()) {
                byte[] buf = new byte[65536];
                while (in.read(buf) >= 0) {
                    // discard
                }
            }
        }
    }
}
