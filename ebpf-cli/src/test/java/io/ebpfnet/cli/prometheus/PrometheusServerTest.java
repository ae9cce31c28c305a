package io.ebpfnet.cli.prometheus;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The endpoint's HTTP behaviour with a fixed body (PrometheusIT scrapes the real collector through the jar). */
class PrometheusServerTest {
    private static final String BODY = "# HELP x_total X.\n# TYPE x_total counter\nx_total 1\n";
    private PrometheusServer server;

    @BeforeEach
    void start() throws IOException {
        byte[] body = BODY.getBytes(StandardCharsets.UTF_8);
        server = PrometheusServer.start("127.0.0.1:0", () -> body);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private Socket connect() throws IOException {
        Socket s = new Socket("127.0.0.1", server.port());
        s.setSoTimeout(10_000); // a failure, not a hang, when the server does not answer
        return s;
    }

    /** Sends {@code request} and reads until the server closes. */
    private String exchange(String request) throws IOException {
        try (Socket s = connect()) {
            s.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            return new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }

    /** Reads one answer with a Content-Length from a connection that stays open. */
    private static String readAnswer(InputStream in, boolean head) throws IOException {
        StringBuilder sb = new StringBuilder();
        while (!sb.toString().endsWith("\r\n\r\n")) {
            int c = in.read();
            assertTrue(c >= 0, "the connection closed in the middle of an answer: " + sb);
            sb.append((char) c);
        }
        int length = Integer.parseInt(sb.toString().replaceAll("(?s).*Content-Length: (\\d+).*", "$1"));
        if (!head) {
            sb.append(new String(in.readNBytes(length), StandardCharsets.ISO_8859_1));
        }
        return sb.toString();
    }

    @Test
    void getServesTheBodyAsPrometheusText() throws IOException {
        String answer = exchange("GET /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        assertTrue(answer.startsWith("HTTP/1.1 200 OK\r\n"), answer);
        assertTrue(answer.contains("\r\nContent-Type: text/plain; version=0.0.4; charset=utf-8\r\n"), answer);
        assertTrue(answer.contains("\r\nContent-Length: " + BODY.length() + "\r\n"), answer);
        assertTrue(answer.endsWith("\r\n\r\n" + BODY), answer);
    }

    @Test
    void gzipIsServedToClientsThatAcceptIt() throws IOException {
        try (Socket s = connect()) {
            s.getOutputStream().write("GET /metrics HTTP/1.1\r\nAccept-Encoding: gzip\r\nConnection: close\r\n\r\n"
                    .getBytes(StandardCharsets.ISO_8859_1));
            byte[] answer = s.getInputStream().readAllBytes();
            String text = new String(answer, StandardCharsets.ISO_8859_1);
            int bodyStart = text.indexOf("\r\n\r\n") + 4;
            String head = text.substring(0, bodyStart);
            assertTrue(head.contains("\r\nContent-Encoding: gzip\r\n"), head);
            assertTrue(head.contains("\r\nVary: Accept-Encoding\r\n"), head);
            assertTrue(head.contains("\r\nContent-Length: " + (answer.length - bodyStart) + "\r\n"), head);
            try (InputStream gz = new GZIPInputStream(new ByteArrayInputStream(answer, bodyStart, answer.length - bodyStart))) {
                assertEquals(BODY, new String(gz.readAllBytes(), StandardCharsets.UTF_8));
            }
        }
        String refused = exchange("GET /metrics HTTP/1.1\r\nAccept-Encoding: gzip;q=0\r\nConnection: close\r\n\r\n");
        assertTrue(refused.endsWith("\r\n\r\n" + BODY) && !refused.contains("Content-Encoding"), refused);
    }

    @Test
    void headServesTheHeadersWithoutTheBody() throws IOException {
        String answer = exchange("HEAD /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        assertTrue(answer.startsWith("HTTP/1.1 200 OK\r\n"), answer);
        assertTrue(answer.contains("\r\nContent-Length: " + BODY.length() + "\r\n"), answer);
        assertTrue(answer.endsWith("\r\n\r\n"), "no body after the headers: " + answer);
    }

    @Test
    void otherPathsAre404AndOtherMethods405() throws IOException {
        for (String path : new String[] {"/", "/metricsx", "/metrics/x", "/favicon.ico"}) {
            String answer = exchange("GET " + path + " HTTP/1.1\r\nConnection: close\r\n\r\n");
            assertTrue(answer.startsWith("HTTP/1.1 404 Not Found\r\n"), path + ": " + answer);
        }
        for (String method : new String[] {"POST", "PUT", "DELETE", "OPTIONS"}) {
            String answer = exchange(method + " /metrics HTTP/1.1\r\nConnection: close\r\n\r\n");
            assertTrue(answer.startsWith("HTTP/1.1 405 Method Not Allowed\r\n"), method + ": " + answer);
            assertTrue(answer.contains("\r\nAllow: GET, HEAD\r\n"), answer);
        }
    }

    @Test
    void aPostWithABodyGetsItsAnswerBeforeTheClose() throws IOException {
        // The body is never read: the server closes after answering, and must not reset the connection
        // (unread bytes at close) before the client has read the answer.
        String answer = exchange("POST /metrics HTTP/1.1\r\nContent-Length: 5000\r\n\r\n" + "x".repeat(5000));
        assertTrue(answer.startsWith("HTTP/1.1 405 "), answer);
        assertTrue(answer.contains("\r\nConnection: close\r\n"), answer);
    }

    @Test
    void malformedAndOversizedHeadsAreRefused() throws IOException {
        assertTrue(exchange("HELLO\r\n\r\n").startsWith("HTTP/1.1 400 Bad Request\r\n"));
        String longHead = "GET /metrics HTTP/1.1\r\nX-Long: " + "a".repeat(ScrapeConnection.MAX_HEAD) + "\r\n\r\n";
        assertTrue(exchange(longHead).startsWith("HTTP/1.1 431 "));
    }

    @Test
    void keepAliveAndPipelinedRequestsAreAnsweredInOrder() throws IOException {
        try (Socket s = connect()) {
            s.getOutputStream().write(("GET /metrics HTTP/1.1\r\n\r\nHEAD /metrics HTTP/1.1\r\n\r\nGET /nothing HTTP/1.1\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            InputStream in = s.getInputStream();
            assertTrue(readAnswer(in, false).endsWith(BODY));
            assertTrue(readAnswer(in, true).startsWith("HTTP/1.1 200 OK\r\n"));
            assertTrue(readAnswer(in, false).startsWith("HTTP/1.1 404 "));
            // The connection is still open for the next one, sent in pieces.
            s.getOutputStream().write("GET /met".getBytes(StandardCharsets.ISO_8859_1));
            s.getOutputStream().flush();
            s.getOutputStream().write("rics HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            assertTrue(readAnswer(in, false).endsWith(BODY));
        }
    }

    @Test
    void http10ClosesAfterItsAnswer() throws IOException {
        String answer = exchange("GET /metrics HTTP/1.0\r\n\r\n"); // readAllBytes returns only at the close
        assertTrue(answer.endsWith(BODY), answer);
    }

    @Test
    void stalledClientsDelayNoScrape() throws IOException {
        List<Socket> stalled = new ArrayList<>();
        try {
            for (int i = 0; i < 50; i++) {
                Socket s = connect();
                s.getOutputStream().write("GET /metrics HTTP/1.1\r\nHost: x\r\n".getBytes(StandardCharsets.ISO_8859_1));
                stalled.add(s);
            }
            Socket reader = connect(); // one that asks and never reads its answer
            reader.setReceiveBufferSize(1024);
            reader.getOutputStream().write("GET /metrics HTTP/1.1\r\n\r\n".repeat(200).getBytes(StandardCharsets.ISO_8859_1));
            stalled.add(reader);
            for (int i = 0; i < 5; i++) {
                assertTrue(exchange("GET /metrics HTTP/1.1\r\nConnection: close\r\n\r\n").endsWith(BODY));
            }
            for (Socket s : stalled.subList(0, 50)) {
                s.setSoTimeout(1);
                assertThrows(SocketTimeoutException.class, () -> s.getInputStream().read(),
                        "the stalled client is still connected and unanswered, so the scrapes ran beside it");
            }
        } finally {
            for (Socket s : stalled) {
                s.close();
            }
        }
    }

    @Test
    void closingReleasesThePort() throws IOException {
        int port = server.port();
        server.close();
        assertThrows(IOException.class, () -> new Socket("127.0.0.1", port).close());
        server = PrometheusServer.start("127.0.0.1:" + port, () -> new byte[0]);
        assertEquals(port, server.port());
    }
}
