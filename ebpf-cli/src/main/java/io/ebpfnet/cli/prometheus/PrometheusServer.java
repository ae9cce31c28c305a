package io.ebpfnet.cli.prometheus;

import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/**
 * Serves {@code /metrics} in the Prometheus text format with the JDK's own HTTP server (no
 * dependency for one endpoint). The body is whatever the supplier rendered last.
 */
public final class PrometheusServer implements AutoCloseable {
    private final HttpServer server;

    private PrometheusServer(HttpServer server) {
        this.server = server;
    }

    /** Listens on {@code address} ("127.0.0.1:9101", ":9101" is loopback, "0.0.0.0:9101" all interfaces). */
    public static PrometheusServer start(String address, Supplier<String> metrics) throws IOException {
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
        InetSocketAddress bind = new InetSocketAddress(host.isEmpty() ? "127.0.0.1" : host, port);
        HttpServer server = HttpServer.create(bind, 16);
        server.createContext("/metrics", exchange -> {
            byte[] body = metrics.get().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.setExecutor(Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "ebpfnet-prometheus");
            t.setDaemon(true);
            return t;
        }));
        server.start();
        return new PrometheusServer(server);
    }

    /** The port listened on (useful with port 0). */
    public int port() {
        return server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
