package io.ebpfnet.cli.prometheus;

import java.nio.charset.StandardCharsets;

/**
 * What the metrics endpoint acts on in an HTTP/1.x request head: the method, whether the path (the
 * target without its query) is exactly {@code /metrics}, whether the connection may stay open (not
 * when the request has a body: bodies are never read, the connection is closed after the answer
 * instead), and whether the client accepts gzip (Prometheus always does). Parsed from the bytes in
 * place, allocating no strings: every scrape goes through it.
 */
record RequestHead(Method method, boolean metricsPath, boolean keepAlive, boolean gzip) {

    enum Method { GET, HEAD, OTHER }

    private static final byte[] GET = ascii("GET");
    private static final byte[] HEAD = ascii("HEAD");
    private static final byte[] METRICS = ascii("/metrics");
    private static final byte[] HTTP_1_1 = ascii("HTTP/1.1");
    private static final byte[] HTTP_1_0 = ascii("HTTP/1.0");
    private static final byte[] CONNECTION = ascii("connection");
    private static final byte[] CONTENT_LENGTH = ascii("content-length");
    private static final byte[] TRANSFER_ENCODING = ascii("transfer-encoding");
    private static final byte[] CLOSE = ascii("close");
    private static final byte[] KEEP_ALIVE = ascii("keep-alive");
    private static final byte[] ACCEPT_ENCODING = ascii("accept-encoding");
    private static final byte[] GZIP = ascii("gzip");

    /** Where the head that starts at {@code from} ends (after its blank line) in {@code buf[from, to)}, or -1 while incomplete. */
    static int end(byte[] buf, int from, int to) {
        for (int i = from; i < to; i++) {
            if (buf[i] == '\n') {
                if (i + 1 < to && buf[i + 1] == '\n') {
                    return i + 2; // bare LF line ends, which RFC 9112 lets a server accept
                }
                if (i + 2 < to && buf[i + 1] == '\r' && buf[i + 2] == '\n') {
                    return i + 3;
                }
            }
        }
        return -1;
    }

    /** Parses the head in {@code buf[from, to)}, as delimited by {@link #end}; null when it is not an HTTP/1.0 or 1.1 request. */
    static RequestHead parse(byte[] buf, int from, int to) {
        int lineEnd = indexOf(buf, '\n', from, to);
        int stop = withoutCr(buf, from, lineEnd);
        int sp1 = indexOf(buf, ' ', from, stop);
        int sp2 = sp1 < 0 ? -1 : indexOf(buf, ' ', sp1 + 1, stop);
        if (sp1 <= from || sp2 < 0 || indexOf(buf, ' ', sp2 + 1, stop) >= 0 || sp2 == sp1 + 1 || buf[sp1 + 1] != '/') {
            return null;
        }
        boolean http11 = same(buf, sp2 + 1, stop, HTTP_1_1, false);
        if (!http11 && !same(buf, sp2 + 1, stop, HTTP_1_0, false)) {
            return null;
        }
        Method method = same(buf, from, sp1, GET, false) ? Method.GET : same(buf, from, sp1, HEAD, false) ? Method.HEAD : Method.OTHER;
        int query = indexOf(buf, '?', sp1 + 1, sp2);
        boolean metricsPath = same(buf, sp1 + 1, query < 0 ? sp2 : query, METRICS, false);

        boolean keepAlive = http11; // HTTP/1.0 closes unless it asks otherwise
        boolean body = false;
        boolean gzip = false;
        for (int line = lineEnd + 1; line < to; line = lineEnd + 1) {
            lineEnd = indexOf(buf, '\n', line, to);
            stop = withoutCr(buf, line, lineEnd);
            if (stop == line) {
                break; // the blank line that ends the head
            }
            int colon = indexOf(buf, ':', line, stop);
            if (colon <= line) {
                return null;
            }
            int value = skipSpaces(buf, colon + 1, stop);
            if (same(buf, line, colon, CONNECTION, true)) {
                for (int token = value; token < stop; ) {
                    int comma = indexOf(buf, ',', token, stop);
                    int tokenEnd = comma < 0 ? stop : comma;
                    int start = skipSpaces(buf, token, tokenEnd);
                    int end = trimSpaces(buf, start, tokenEnd);
                    if (same(buf, start, end, CLOSE, true)) {
                        keepAlive = false;
                    } else if (same(buf, start, end, KEEP_ALIVE, true) && !http11) {
                        keepAlive = true;
                    }
                    token = tokenEnd + 1;
                }
            } else if (same(buf, line, colon, CONTENT_LENGTH, true)) {
                body |= !(trimSpaces(buf, value, stop) == value + 1 && buf[value] == '0');
            } else if (same(buf, line, colon, TRANSFER_ENCODING, true)) {
                body = true;
            } else if (same(buf, line, colon, ACCEPT_ENCODING, true)) {
                gzip |= acceptsGzip(buf, value, stop);
            }
        }
        return new RequestHead(method, metricsPath, keepAlive && !body, gzip);
    }

    /** Whether the Accept-Encoding value in {@code buf[from, to)} lists gzip with a weight above 0 ({@code gzip;q=0} refuses it). */
    private static boolean acceptsGzip(byte[] buf, int from, int to) {
        for (int token = from; token < to; ) {
            int comma = indexOf(buf, ',', token, to);
            int tokenEnd = comma < 0 ? to : comma;
            int semicolon = indexOf(buf, ';', token, tokenEnd);
            int start = skipSpaces(buf, token, tokenEnd);
            if (same(buf, start, trimSpaces(buf, start, semicolon < 0 ? tokenEnd : semicolon), GZIP, true)) {
                return semicolon < 0 || !zeroWeight(buf, semicolon + 1, tokenEnd);
            }
            token = tokenEnd + 1;
        }
        return false;
    }

    /** Whether the parameters in {@code buf[from, to)} are {@code q=0}, {@code q=0.0}, ... */
    private static boolean zeroWeight(byte[] buf, int from, int to) {
        int q = skipSpaces(buf, from, to);
        if (to - q < 3 || (buf[q] != 'q' && buf[q] != 'Q') || buf[q + 1] != '=') {
            return false;
        }
        for (int i = q + 2; i < trimSpaces(buf, q, to); i++) {
            if (buf[i] != '0' && buf[i] != '.') {
                return false;
            }
        }
        return true;
    }

    private static int indexOf(byte[] buf, char c, int from, int to) {
        for (int i = from; i < to; i++) {
            if (buf[i] == c) {
                return i;
            }
        }
        return -1;
    }

    private static int withoutCr(byte[] buf, int from, int lineEnd) {
        return lineEnd > from && buf[lineEnd - 1] == '\r' ? lineEnd - 1 : lineEnd;
    }

    private static int skipSpaces(byte[] buf, int from, int to) {
        while (from < to && (buf[from] == ' ' || buf[from] == '\t')) {
            from++;
        }
        return from;
    }

    private static int trimSpaces(byte[] buf, int from, int to) {
        while (to > from && (buf[to - 1] == ' ' || buf[to - 1] == '\t')) {
            to--;
        }
        return to;
    }

    /** Whether {@code buf[from, to)} is {@code word}; {@code anyCase}: ASCII letters in any case ({@code word} is lower case). */
    private static boolean same(byte[] buf, int from, int to, byte[] word, boolean anyCase) {
        if (to - from != word.length) {
            return false;
        }
        for (int i = 0; i < word.length; i++) {
            byte b = buf[from + i];
            if (anyCase && b >= 'A' && b <= 'Z') {
                b += 'a' - 'A';
            }
            if (b != word[i]) {
                return false;
            }
        }
        return true;
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
