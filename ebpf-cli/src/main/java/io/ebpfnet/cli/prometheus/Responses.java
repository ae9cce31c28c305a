package io.ebpfnet.cli.prometheus;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;

/**
 * What the endpoint answers, as bytes ready to write: {@code GET}/{@code HEAD /metrics} get the body
 * published last, any other path 404, any other method 405, a head that is not HTTP/1.x 400, a head
 * too long 431. Error answers are built once; the metrics headers once per published body. Used by
 * the selector thread alone.
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

    private final Supplier<byte[]> metrics;
    private Canned current = new Canned(new byte[0], new byte[0], new byte[0]);

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
        if (body != current.body) {
            current = Canned.of("HTTP/1.1 200 OK\r\nContent-Type: " + CONTENT_TYPE + "\r\n", body);
        }
        return current.into(out, close, head);
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
