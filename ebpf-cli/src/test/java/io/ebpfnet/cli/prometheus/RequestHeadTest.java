package io.ebpfnet.cli.prometheus;

import io.ebpfnet.cli.prometheus.RequestHead.Method;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RequestHeadTest {
    /** What Prometheus 2.x sends. */
    private static final String PROMETHEUS = "GET /metrics HTTP/1.1\r\nHost: 127.0.0.1:9101\r\nUser-Agent: Prometheus/2.45.0\r\n"
            + "Accept: application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5,*/*;q=0.1\r\n"
            + "Accept-Encoding: gzip\r\nX-Prometheus-Scrape-Timeout-Seconds: 10\r\n\r\n";

    private static RequestHead parse(String head) {
        byte[] b = head.getBytes(StandardCharsets.ISO_8859_1);
        int end = RequestHead.end(b, 0, b.length);
        assertEquals(b.length, end, "the whole head is one request: " + head);
        return RequestHead.parse(b, 0, end);
    }

    @Test
    void prometheusScrapeIsAKeepAliveGetOfMetrics() {
        assertEquals(new RequestHead(Method.GET, true, true, true), parse(PROMETHEUS));
    }

    @Test
    void onlyThePathMetricsIsTheMetricsPathWhateverTheQuery() {
        assertTrue(parse("GET /metrics?name[]=x HTTP/1.1\r\n\r\n").metricsPath());
        for (String other : new String[] {"/metricsx", "/metrics/", "/metrics/x", "/", "/Metrics", "//metrics"}) {
            assertFalse(parse("GET " + other + " HTTP/1.1\r\n\r\n").metricsPath(), other);
        }
    }

    @Test
    void methodsAreCaseSensitive() {
        assertEquals(Method.HEAD, parse("HEAD /metrics HTTP/1.1\r\n\r\n").method());
        assertEquals(Method.OTHER, parse("POST /metrics HTTP/1.1\r\n\r\n").method());
        assertEquals(Method.OTHER, parse("get /metrics HTTP/1.1\r\n\r\n").method());
        assertEquals(Method.OTHER, parse("GETS /metrics HTTP/1.1\r\n\r\n").method());
    }

    @Test
    void connectionStaysOpenAsHttpSays() {
        assertFalse(parse("GET /metrics HTTP/1.0\r\n\r\n").keepAlive(), "HTTP/1.0 closes by default");
        assertTrue(parse("GET /metrics HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n").keepAlive());
        assertFalse(parse("GET /metrics HTTP/1.1\r\nconnection: Close\r\n\r\n").keepAlive());
        assertFalse(parse("GET /metrics HTTP/1.1\r\nConnection: TE, close\r\n\r\n").keepAlive());
        assertTrue(parse("GET /metrics HTTP/1.1\r\nConnection: TE\r\n\r\n").keepAlive());
    }

    @Test
    void aRequestWithABodyClosesTheConnection() {
        // The endpoint never reads bodies: keeping the connection would read the body as the next request.
        assertFalse(parse("POST /metrics HTTP/1.1\r\nContent-Length: 3\r\n\r\n").keepAlive());
        assertFalse(parse("POST /metrics HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n").keepAlive());
        assertTrue(parse("GET /metrics HTTP/1.1\r\nContent-Length: 0\r\n\r\n").keepAlive());
    }

    @Test
    void gzipIsAcceptedUnlessItsWeightIsZero() {
        assertTrue(parse("GET /metrics HTTP/1.1\r\nAccept-Encoding: gzip\r\n\r\n").gzip());
        assertTrue(parse("GET /metrics HTTP/1.1\r\naccept-encoding: deflate, GZIP;q=0.5\r\n\r\n").gzip());
        assertTrue(parse("GET /metrics HTTP/1.1\r\nAccept-Encoding: gzip;q=0.001\r\n\r\n").gzip());
        assertFalse(parse("GET /metrics HTTP/1.1\r\n\r\n").gzip());
        assertFalse(parse("GET /metrics HTTP/1.1\r\nAccept-Encoding: gzip;q=0\r\n\r\n").gzip());
        assertFalse(parse("GET /metrics HTTP/1.1\r\nAccept-Encoding: br, gzip ; q=0.000\r\n\r\n").gzip());
        assertFalse(parse("GET /metrics HTTP/1.1\r\nAccept-Encoding: x-gzip2, identity\r\n\r\n").gzip());
    }

    @Test
    void bareLineFeedsEndLinesToo() {
        assertEquals(new RequestHead(Method.GET, true, false, false), parse("GET /metrics HTTP/1.1\nConnection: close\n\n"));
    }

    @Test
    void whatIsNotAnHttp1RequestIsRefused() {
        for (String bad : new String[] {"GET /metrics\r\n\r\n", "GET metrics HTTP/1.1\r\n\r\n", "GET /metrics HTTP/2.0\r\n\r\n",
                "GET  /metrics HTTP/1.1\r\n\r\n", "GET /metrics HTTP/1.1 x\r\n\r\n", " /metrics HTTP/1.1\r\n\r\n",
                "GET /metrics HTTP/1.1\r\nno colon\r\n\r\n", "GET /metrics HTTP/1.1\r\n: empty name\r\n\r\n"}) {
            assertNull(parse(bad), bad);
        }
    }

    @Test
    void endFindsTheFirstOfPipelinedHeadsAndWaitsForIncompleteOnes() {
        byte[] two = "GET /metrics HTTP/1.1\r\n\r\nHEAD /metrics HTTP/1.1\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1);
        int first = RequestHead.end(two, 0, two.length);
        assertEquals("GET /metrics HTTP/1.1\r\n\r\n".length(), first);
        assertEquals(Method.HEAD, RequestHead.parse(two, first, RequestHead.end(two, first, two.length)).method());
        byte[] half = "GET /metrics HTTP/1.1\r\nHost: x\r\n".getBytes(StandardCharsets.ISO_8859_1);
        assertEquals(-1, RequestHead.end(half, 0, half.length));
        assertEquals(-1, RequestHead.end(two, 0, 24), "a blank line cut after its CR is not there yet");
    }
}
