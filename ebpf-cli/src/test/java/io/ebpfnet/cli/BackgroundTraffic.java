package io.ebpfnet.cli;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;

/** UDP datagrams this JVM sends itself in the background, while a CLI run collects. */
final class BackgroundTraffic implements AutoCloseable {
    private final Thread thread;
    private volatile boolean stop;

    BackgroundTraffic() {
        thread = new Thread(() -> {
            try (DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
                while (!stop) {
                    s.send(new DatagramPacket(new byte[1000], 1000, InetAddress.getLoopbackAddress(), s.getLocalPort()));
                    s.receive(new DatagramPacket(new byte[2000], 2000));
                    Thread.sleep(10);
                }
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        }, "background-udp");
        thread.start();
    }

    @Override
    public void close() throws InterruptedException {
        stop = true;
        thread.join();
    }
}
