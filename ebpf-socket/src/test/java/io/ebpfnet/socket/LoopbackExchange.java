package io.ebpfnet.socket;

import java.io.InputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;

/**
 * Over loopback, to sockets of its own: sends COUNT TCP writes of SIZE bytes, which the accepted end reads
 * and answers with one write of SIZE bytes, and COUNT datagrams of SIZE bytes, each received; prints "sent"
 * and keeps every socket open until its standard input closes. Run as a child process inside a test network
 * namespace: {@code LoopbackExchange COUNT SIZE}.
 */
public final class LoopbackExchange {
    private LoopbackExchange() {
    }

    public static void main(String[] args) throws Exception {
        int count = Integer.parseInt(args[0]);
        int size = Integer.parseInt(args[1]);
        InetAddress lo = InetAddress.getByName("127.0.0.1");
        try (ServerSocket server = new ServerSocket(0, 1, lo);
             Socket client = new Socket(lo, server.getLocalPort());
             Socket accepted = server.accept();
             DatagramSocket receiver = new DatagramSocket(new InetSocketAddress(lo, 0));
             DatagramSocket sender = new DatagramSocket(new InetSocketAddress(lo, 0))) {
            accepted.setSoTimeout(5000);
            client.setSoTimeout(5000);
            for (int i = 0; i < count; i++) {
                client.getOutputStream().write(new byte[size]);
            }
            InputStream in = accepted.getInputStream();
            in.readNBytes(new byte[count * size], 0, count * size);
            accepted.getOutputStream().write(new byte[size]);
            client.getInputStream().readNBytes(new byte[size], 0, size);

            receiver.setSoTimeout(5000);
            sender.connect(receiver.getLocalSocketAddress());
            byte[] buf = new byte[size + 100];
            for (int i = 0; i < count; i++) {
                sender.send(new DatagramPacket(new byte[size], size));
                receiver.receive(new DatagramPacket(buf, buf.length));
            }
            System.out.println("sent");
            System.out.flush();
            while (System.in.read() >= 0) {
                // until the test closes our input
            }
        }
    }
}
