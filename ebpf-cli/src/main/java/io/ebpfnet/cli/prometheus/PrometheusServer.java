package io.ebpfnet.cli.prometheus;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.function.Supplier;

/**
 * Serves {@code GET}/{@code HEAD /metrics} (the Prometheus text format the collector rendered last)
 * from one thread that never blocks: a selector reads request heads and writes answers on every
 * connection as the sockets allow, each connection under its own deadlines. A client that sends half a
 * request, or reads its answer slowly, holds at most a 4 KiB buffer until its deadline, never the thread,
 * so it delays no other scrape. The JDK's HttpServer (and the official Prometheus client built on it)
 * reads each request head on a worker thread, blocking: a few stalled clients hold every worker.
 */
public final class PrometheusServer implements AutoCloseable {
    /** Connections held at once; when full, the oldest is closed for the newest. */
    static final int MAX_CONNECTIONS = 1024;
    private static final int BACKLOG = 1024;
    /** How often deadlines are checked. */
    private static final long SWEEP_MILLIS = 500;

    private final ServerSocketChannel listener;
    private final Selector selector;
    private final Responses responses;
    /** The selector thread's read buffer, lent to each connection while it reads. */
    private final ByteBuffer scratch = ByteBuffer.allocate(ScrapeConnection.MAX_HEAD);
    private final Thread thread;
    private volatile boolean running = true;

    private PrometheusServer(ServerSocketChannel listener, Selector selector, Supplier<byte[]> metrics) {
        this.listener = listener;
        this.selector = selector;
        this.responses = new Responses(metrics);
        this.thread = Thread.ofPlatform().name("ebpfnet-prometheus").daemon().unstarted(this::run);
    }

    /**
     * Listens on {@code address} ("127.0.0.1:9101", ":9101" is loopback, "0.0.0.0:9101" all interfaces)
     * and serves whatever {@code metrics} returns at each scrape (the same array may be served many times:
     * it must not change after it was published).
     */
    public static PrometheusServer start(String address, Supplier<byte[]> metrics) throws IOException {
        InetSocketAddress bind = parse(address);
        ServerSocketChannel listener = ServerSocketChannel.open();
        Selector selector = null;
        try {
            listener.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            listener.bind(bind, BACKLOG);
            listener.configureBlocking(false);
            selector = Selector.open();
            listener.register(selector, SelectionKey.OP_ACCEPT);
            PrometheusServer server = new PrometheusServer(listener, selector, metrics);
            server.thread.start();
            return server;
        } catch (IOException | RuntimeException e) {
            listener.close();
            if (selector != null) {
                selector.close();
            }
            throw e;
        }
    }

    static InetSocketAddress parse(String address) {
        int colon = address.lastIndexOf(':');
        if (colon < 0) {
            throw new IllegalArgumentException("--prometheus takes HOST:PORT, not '" + address + "'");
        }
        String host = address.substring(0, colon).replace("[", "").replace("]", "");
        int port;
        try {
            port = Integer.parseInt(address.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--prometheus port must be a number: '" + address + "'");
        }
        return new InetSocketAddress(host.isEmpty() ? "127.0.0.1" : host, port);
    }

    /** The port listened on (useful with port 0). */
    public int port() {
        return listener.socket().getLocalPort();
    }

    private void run() {
        long nextSweep = System.nanoTime() + SWEEP_MILLIS * 1_000_000;
        try {
            while (running) {
                selector.select(this::ready, SWEEP_MILLIS); // the consumer form: no selected-key set to fill and iterate
                long now = System.nanoTime();
                if (now - nextSweep >= 0) {
                    closeExpired(now);
                    nextSweep = now + SWEEP_MILLIS * 1_000_000;
                }
            }
        } catch (IOException | RuntimeException e) {
            if (running) {
                // A failure of the selector itself, not of a client: the endpoint is gone, say so once.
                System.err.println("ebpf-cli: the Prometheus endpoint stopped: " + e);
            }
        } finally {
            for (SelectionKey key : selector.keys()) {
                if (key.attachment() instanceof ScrapeConnection c) {
                    c.close();
                }
            }
            try {
                selector.close();
            } catch (IOException ignored) {
                // nothing to release that close() did not
            }
        }
    }

    private void ready(SelectionKey key) {
        long now = System.nanoTime();
        if (!key.isValid()) {
            return;
        }
        if (key.isAcceptable()) {
            accept(now);
            return;
        }
        ScrapeConnection connection = (ScrapeConnection) key.attachment();
        try {
            if (key.isReadable()) {
                connection.readable(now);
            } else if (key.isWritable()) {
                connection.writable(now);
            }
        } catch (RuntimeException e) {
            // A bug met by one client's request: that client loses its connection, the others are served.
            connection.close();
            System.err.println("ebpf-cli: Prometheus endpoint: " + e);
        }
    }

    private void accept(long now) {
        while (true) {
            SocketChannel channel;
            try {
                channel = listener.accept();
            } catch (IOException e) {
                // Out of file descriptors, say: room is made at the others' expense, and the client
                // waiting in the backlog is accepted at the next select.
                closeOldest(0);
                return;
            }
            if (channel == null) {
                return;
            }
            if (selector.keys().size() > MAX_CONNECTIONS) { // cheap test first: keys are connections, cancelled ones and the listener's
                closeOldest(MAX_CONNECTIONS);
            }
            try {
                channel.configureBlocking(false);
                channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
                SelectionKey key = channel.register(selector, SelectionKey.OP_READ);
                key.attach(new ScrapeConnection(channel, key, responses, scratch, now));
            } catch (IOException e) {
                try {
                    channel.close(); // the client left already
                } catch (IOException ignored) {
                    // nothing more to release
                }
            }
        }
    }

    /** Closes the connection accepted first when at least {@code atLeast} are open. */
    private void closeOldest(int atLeast) {
        ScrapeConnection oldest = null;
        int open = 0;
        for (SelectionKey key : selector.keys()) {
            if (key.isValid() && key.attachment() instanceof ScrapeConnection c) {
                open++;
                if (oldest == null || c.opened() - oldest.opened() < 0) {
                    oldest = c;
                }
            }
        }
        if (oldest != null && open >= atLeast) {
            oldest.close();
        }
    }

    private void closeExpired(long now) {
        for (SelectionKey key : selector.keys()) {
            if (key.isValid() && key.attachment() instanceof ScrapeConnection c && now - c.deadline() >= 0) {
                c.close();
            }
        }
    }

    @Override
    public void close() {
        running = false;
        selector.wakeup();
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            try {
                listener.close();
            } catch (IOException ignored) {
                // the port is released with the process anyway
            }
        }
    }
}
