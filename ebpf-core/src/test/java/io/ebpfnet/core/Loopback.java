package io.ebpfnet.core;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;

/** Loopback traffic for kernel tests. */
final class Loopback {
    private Loopback() {
    }

    /** Sends {@code messages} 64-byte TCP writes over loopback and reads them back. */
    static void tcpExchange(int messages) throws IOException {
        InetAddress lo = InetAddress.getLoopbackAddress();
        try (ServerSocket server = new ServerSocket(0, 1, lo);
             Socket client = new Socket(lo, server.getLocalPort());
             Socket accepted = server.accept()) {
            OutputStream out = client.getOutputStream();
            InputStream in = accepted.getInputStream();
            byte[] buf = new byte[64];
            for (int i = 0; i < messages; i++) {
                out.write(buf);
                in.readNBytes(buf, 0, buf.length);
            }
        }
    }
}
