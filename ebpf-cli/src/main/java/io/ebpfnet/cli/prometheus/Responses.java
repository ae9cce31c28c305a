package io.ebpfnet.cli.prometheus;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;

/**
 * What the endpoint answers, as bytes ready to write: {@code GET}/{@code HEAD /metrics} get the body
 * published last (gzipped for clients that accept it), any other path 404, any other method 405, a
 * head that is not HTTP/1.x 400, a head too long 431. Error answers are built once; the metrics
 * headers, and the gzipped body, once per published body. Used by the selector thread alone.
 */
final class Responses {
    static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";
    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);
    private static final Canned BAD_REQUEST = Canned.error(400, "Bad Request", "not an HTTP/1.0 or HTTP/1.1 request", "");
    private static final Canned NOT_FOUND = Canned.error(404, "Not Found", "the metrics are at /metrics", "");
    private static final Canned NOT_ALLOWED = Canned.error(405, "Method Not Allowed", "/metrics answers GET and HEAD",
            "Allow: GET, HEAD\r\n");
    private static final Canned TOO_LARGE = Canned.error(431, "Request Header Fields Too Large",
            "request head longer than " + ScrapeConnection.MAX_HEAD + " bytes", "");

    private static final String METRICS_HEADERS = "HTTP/1.1 200 OK\r\nContent-Type: " + CONTENT_TYPE + "\r\nVary: Accept-Encoding\r\n";

    private final Supplier<byte[]> metrics;
    private byte[] published = new byte[0];
    private Canned plain = Canned.of(METRICS_HEADERS, published);
    /** The published body compressed, made at the first request that accepts gzip after each publication. */
    private Canned gzipped;

    Responses(Supplier<byte[]> metrics) {
        this.metrics = metrics;
    }

    /**
     * Sets {@code out[0]} to the status line and headers and {@code out[1]} to the body that answer
     * {@code request} (null: a head that is not HTTP/1.x); returns whether the connection closes after.
     */
    boolean answer(RequestHead request, ByteBuffer[] out) {
        if (request == null) {
            return BAD_REQUEST.into(out, true, false);
        }
        boolean close = !request.keepAlive();
        boolean head = request.method() == RequestHead.Method.HEAD;
        if (!request.metricsPath()) {
            return NOT_FOUND.into(out, close, head);
        }
        if (request.method() == RequestHead.Method.OTHER) {
            return NOT_ALLOWED.into(out, close, false);
        }
        byte[] body = metrics.get();
        if (body != published) {
            published = body;
            plain = Canned.of(METRICS_HEADERS, body);
            gzipped = null;
        }
        if (!request.gzip()) {
            return plain.into(out, close, head);
        }
        if (gzipped == null) {
            gzipped = Canned.of(METRICS_HEADERS + "Content-Encoding: gzip\r\n", gzip(body));
        }
        return gzipped.into(out, close, head);
    }

    /**
     * Compressed once per published body, whatever the number of scrapes (the text shrinks about tenfold).
     * The fastest level: this runs on the selector thread, a few milliseconds for a large body.
     */
    private static byte[] gzip(byte[] body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(body.length / 4 + 64);
        try (GZIPOutputStream gz = new GZIPOutputStream(out, 65536) {
            {
                def.setLevel(Deflater.BEST_SPEED);
            }
        }) {
            gz.write(body);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a ByteArrayOutputStream does not fail
        }
        return out.toByteArray();
    }

    /** The answer to a head longer than the connection's buffer; the connection closes after it. */
    void tooLarge(ByteBuffer[] out) {
        TOO_LARGE.into(out, true, false);
    }

    /** Headers for keep-alive and for close, and the body, of one answer. */
    private record Canned(byte[] keepAlive, byte[] close, byte[] body) {
        static Canned of(String statusAndHeaders, byte[] body) {
            String head = statusAndHeaders + "Content-Length: " + body.length + "\r\n";
            return new Canned((head + "\r\n").getBytes(StandardCharsets.ISO_8859_1),
                    (head + "Connection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1), body);
        }

        static Canned error(int code, String reason, String message, String extraHeaders) {
            return of("HTTP/1.1 " + code + " " + reason + "\r\nContent-Type: text/plain; charset=utf-8\r\n" + extraHeaders,
                    (message + "\n").getBytes(StandardCharsets.UTF_8));
        }

        boolean into(ByteBuffer[] out, boolean closing, boolean headOnly) {
            out[0] = ByteBuffer.wrap(closing ? close : keepAlive);
            out[1] = headOnly ? EMPTY : ByteBuffer.wrap(body);
            return closing;
        }
    }
}
