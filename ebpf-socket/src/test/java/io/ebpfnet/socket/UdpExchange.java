package io.ebpfnet.socket;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * Sends COUNT datagrams of SIZE bytes over loopback to a socket of its own and receives them, prints
 * "sent", and keeps both sockets open until its standard input closes. Run as a child process inside a
 * test network namespace: {@code UdpExchange COUNT SIZE}.
 */
public final class UdpExchange {
    private UdpExchange() {
    }

    public static void main(String[] args) throws Exception {
        int count = Integer.parseInt(args[0]);
        int size = Integer.parseInt(args[1]);
        InetAddress lo = InetAddress.getByName("127.0.0.1");
        try (DatagramSocket receiver = new DatagramSocket(new InetSocketAddress(lo, 0));
             DatagramSocket sender = new DatagramSocket(new InetSocketAddress(lo, 0))) {
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
