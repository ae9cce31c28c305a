package io.ebpfnet.cli;

import io.ebpfnet.core.testing.KernelTests;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The packaged jar's Prometheus endpoint, scraped while the real collector runs, and checked with promtool. */
class PrometheusIT {
    private static Path conf;
    private static JarProcess cli;
    private static URI url;

    @BeforeAll
    static void startCollector() throws Exception {
        KernelTests.requireBpf();
        conf = Files.createTempFile("ebpfnet-prometheus", ".conf");
        Files.writeString(conf, "[global]\n    apps = yes\n    cgroups = yes\n");
        cli = JarProcess.start(ProcessBuilder.Redirect.DISCARD, List.of(), "--prometheus", "127.0.0.1:0", "--config", conf.toString(),
                "--interval", "1", "--lifetime", "300");
        Path stderr = cli.file("stderr");
        cli.awaitLine(stderr, l -> l.contains("Prometheus metrics at "), "the endpoint's address");
        Matcher m = Pattern.compile("Prometheus metrics at (http://\\S+)").matcher(cli.stderr());
        assertTrue(m.find());
        url = URI.create(m.group(1));
        assertTrue(url.toString().startsWith("http://127.0.0.1:"), "the endpoint is announced on loopback: " + url);
    }

    @AfterAll
    static void stopCollector() throws Exception {
        if (cli != null) {
            cli.close();
        }
        if (conf != null) {
            Files.delete(conf);
        }
    }

    private static Socket connect() throws IOException {
        Socket s = new Socket(url.getHost(), url.getPort());
        s.setSoTimeout(10_000); // a failure, not a hang, when the endpoint does not answer
        return s;
    }

    /** Sends {@code request} as it is and reads until the endpoint closes the connection. */
    private static String exchange(String request) throws IOException {
        try (Socket s = connect()) {
            s.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            return new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }

    @Test
    void endpointPassesPromtoolAndCarriesTheCounters() throws Exception {
        Path promtool = Path.of("/usr/bin/promtool");
        if (!Files.isExecutable(promtool)) {
            KernelTests.skipOrFail("promtool is not installed (Debian: apt-get install prometheus)");
        }
        HttpClient http = HttpClient.newHttpClient();
        HttpRequest get = HttpRequest.newBuilder(url).build();
        http.send(get, HttpResponse.BodyHandlers.ofString()); // some TCP traffic of ours to count
        Thread.sleep(1500); // the next interval's snapshot includes it
        HttpResponse<String> response = http.send(get, HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode());
        assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("text/plain; version=0.0.4"));
        String body = response.body();
        for (String family : new String[] {"ebpfnet_bytes_total", "ebpfnet_calls_total", "ebpfnet_tcp_connects_total",
                "ebpfnet_tcp_accepts_total", "ebpfnet_tcp_retransmits_total", "ebpfnet_process_bytes_total",
                "ebpfnet_attach_mode_info", "ebpfnet_programs_attached", "ebpfnet_refused_inserts_total",
                "ebpfnet_insert_failures_total", "ebpfnet_tcp_destroys_missed_total", "ebpfnet_last_read_duration_seconds"}) {
            assertTrue(body.contains("# TYPE " + family + " "), family + " in\n" + body);
        }
        long pid = ProcessHandle.current().pid();
        Matcher sent = Pattern.compile("ebpfnet_process_bytes_total\\{pid=\"" + pid + "\",comm=\"java\",cgroup_id=\"\\d+\","
                + "protocol=\"tcp\",direction=\"sent\"} (\\d+)").matcher(body);
        assertTrue(sent.find() && Long.parseLong(sent.group(1)) > 0, "this JVM's HTTP requests are counted:\n" + body);
        assertTrue(body.contains("ebpfnet_app_bytes_total{app_group=\"java\",protocol=\"tcp\",direction=\"sent\"}"), body);
        assertTrue(body.contains("# TYPE ebpfnet_cgroup_bytes_total counter"), body);

        Process check = new ProcessBuilder(promtool.toString(), "check", "metrics").redirectErrorStream(true).start();
        check.getOutputStream().write(body.getBytes());
        check.getOutputStream().close();
        String verdict = new String(check.getInputStream().readAllBytes());
        assertEquals(0, check.waitFor(), "promtool check metrics:\n" + verdict);
    }

    @Test
    void gzipScrapeDecompressesToTheText() throws Exception {
        // Prometheus asks for gzip at every scrape; the body is compressed once per interval. Traffic of ours first,
        // so that the page has process, app and cgroup rows on a quiet host too (a page of global counters
        // alone, ~3.5 kB, compresses less than a real one).
        HttpClient http = HttpClient.newHttpClient();
        http.send(HttpRequest.newBuilder(url).build(), HttpResponse.BodyHandlers.ofString());
        Thread.sleep(1500); // the next interval's snapshot includes it
        HttpResponse<byte[]> response = http.send(HttpRequest.newBuilder(url).header("Accept-Encoding", "gzip").build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, response.statusCode());
        assertEquals("gzip", response.headers().firstValue("Content-Encoding").orElse(""));
        String body;
        try (var gz = new GZIPInputStream(new ByteArrayInputStream(response.body()))) {
            body = new String(gz.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertTrue(body.contains("# TYPE ebpfnet_process_bytes_total counter\n") && body.endsWith("\n"), body);
        assertTrue(body.contains("ebpfnet_process_bytes_total{pid=\"" + ProcessHandle.current().pid() + "\""), body);
        assertTrue(body.length() > 4 * response.body().length, "compressed: " + response.body().length + " of " + body.length() + " bytes");
    }

    @Test
    void stalledConnectionsDoNotBlockAScrape() throws Exception {
        List<Socket> stalled = new ArrayList<>();
        try {
            for (int i = 0; i < 30; i++) {
                Socket s = connect();
                s.getOutputStream().write("GET /metrics HTTP/1.1\r\nHost: x\r\n".getBytes(StandardCharsets.ISO_8859_1)); // half a request
                stalled.add(s);
            }
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, response.statusCode());
            assertTrue(response.body().contains("# TYPE ebpfnet_bytes_total counter"), response.body());
            for (Socket s : stalled) {
                s.setSoTimeout(1);
                assertThrows(SocketTimeoutException.class, () -> s.getInputStream().read(),
                        "the stalled clients were still connected and unanswered while the scrape was served");
            }
        } finally {
            for (Socket s : stalled) {
                s.close();
            }
        }
    }

    @Test
    void onlyTheMetricsPathIsServed() throws Exception {
        for (String path : new String[] {"/", "/metricsx", "/metrics/x", "/favicon.ico"}) {
            String answer = exchange("GET " + path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
            assertTrue(answer.startsWith("HTTP/1.1 404 "), path + ": " + answer);
        }
    }

    @Test
    void onlyGetAndHeadAreAllowed() throws Exception {
        HttpResponse<String> post = HttpClient.newHttpClient().send(HttpRequest.newBuilder(url)
                .POST(HttpRequest.BodyPublishers.ofString("x=1")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(405, post.statusCode(), post.body());
        assertEquals("GET, HEAD", post.headers().firstValue("Allow").orElse(""));
        String put = exchange("PUT /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        assertTrue(put.startsWith("HTTP/1.1 405 "), put);
    }

    @Test
    void headGivesTheHeadersWithoutBodyAndWritesNothingToStderr() throws Exception {
        String before = cli.stderr();
        for (int i = 0; i < 3; i++) {
            String answer = exchange("HEAD /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
            assertTrue(answer.startsWith("HTTP/1.1 200 OK\r\n"), answer);
            assertTrue(answer.contains("\r\nContent-Type: text/plain; version=0.0.4; charset=utf-8\r\n"), answer);
            Matcher length = Pattern.compile("\r\nContent-Length: (\\d+)\r\n").matcher(answer);
            assertTrue(length.find() && Integer.parseInt(length.group(1)) > 0, "the length a GET would get: " + answer);
            assertTrue(answer.endsWith("\r\n\r\n"), "no body after the headers: " + answer);
        }
        Thread.sleep(500); // a logger writes on its own time
        assertEquals(before, cli.stderr(), "HEAD requests write nothing to stderr");
    }
}
