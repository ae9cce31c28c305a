package io.ebpfnet.core.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;

/** Loopback traffic with exactly known byte counts, made by this JVM, for the kernel tests of every module. */
public final class LoopbackTraffic {
    private LoopbackTraffic() {
    }

    /** What one TCP exchange did, seen from this process (it is both client and server). */
    public record TcpExchange(long clientSent, long serverSent, int connects, int accepts) {
        public long totalSent() {
            return clientSent + serverSent;
        }
    }

    /**
     * Connects to a server of our own on {@code address}, sends {@code requests} messages of
     * {@code size} bytes, and has the server answer each with {@code replySize} bytes. Each side reads
     * exactly what the other sent, so sent = received.
     */
    public static TcpExchange tcp(InetAddress address, int requests, int size, int replySize) throws IOException {
        try (ServerSocket server = new ServerSocket()) {
            server.bind(new InetSocketAddress(address, 0));
            try (Socket client = new Socket(address, server.getLocalPort()); Socket accepted = server.accept()) {
                client.setTcpNoDelay(true);
                accepted.setTcpNoDelay(true);
                OutputStream clientOut = client.getOutputStream();
                InputStream clientIn = client.getInputStream();
                OutputStream serverOut = accepted.getOutputStream();
                InputStream serverIn = accepted.getInputStream();
                byte[] request = new byte[size];
                byte[] reply = new byte[replySize];
                for (int i = 0; i < requests; i++) {
                    clientOut.write(request);
                    serverIn.readNBytes(request, 0, size);
                    serverOut.write(reply);
                    clientIn.readNBytes(reply, 0, replySize);
                }
            }
        }
        return new TcpExchange((long) requests * size, (long) requests * replySize, 1, 1);
    }

    /** Sends {@code datagrams} datagrams of {@code size} bytes to a socket of ours, which receives them all. */
    public static long udp(InetAddress address, int datagrams, int size) throws IOException {
        try (DatagramSocket receiver = new DatagramSocket(new InetSocketAddress(address, 0));
             DatagramSocket sender = new DatagramSocket(new InetSocketAddress(address, 0))) {
            receiver.setSoTimeout(5000);
            byte[] payload = new byte[size];
            byte[] buffer = new byte[size + 100];
            for (int i = 0; i < datagrams; i++) {
                sender.send(new DatagramPacket(payload, size, receiver.getLocalSocketAddress()));
                DatagramPacket in = new DatagramPacket(buffer, buffer.length);
                receiver.receive(in);
                if (in.getLength() != size) {
                    throw new IOException("datagram of " + in.getLength() + " bytes, expected " + size);
                }
            }
        }
        return (long) datagrams * size;
    }
}
