package io.ebpfnet.cli;

import io.ebpfnet.core.testing.KernelTests;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The packaged jar's Prometheus endpoint, scraped during a run and checked with promtool. */
class PrometheusIT {
    @Test
    void endpointPassesPromtoolAndCarriesTheCounters() throws Exception {
        KernelTests.requireBpf();
        Path promtool = Path.of("/usr/bin/promtool");
        if (!Files.isExecutable(promtool)) {
            KernelTests.skipOrFail("promtool is not installed (Debian: apt-get install prometheus)");
        }
        Path jar = Path.of(System.getProperty("ebpfnet.cliJar", "target/ebpf-cli.jar"));
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Path conf = Files.createTempFile("ebpfnet-prometheus", ".conf");
        Files.writeString(conf, "[global]\n    apps = yes\n    cgroups = yes\n");
        conf.toFile().deleteOnExit();
        Process cli = new ProcessBuilder(java.toString(), "-jar", jar.toString(), "--prometheus", "127.0.0.1:0", "--config", conf.toString(),
                "--interval", "1", "--count", "4").redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        try {
            BufferedReader err = new BufferedReader(new InputStreamReader(cli.getErrorStream()));
            String url = null;
            for (String line; url == null && (line = err.readLine()) != null; ) {
                Matcher m = Pattern.compile("Prometheus metrics at (http://\\S+)").matcher(line);
                if (m.find()) {
                    url = m.group(1);
                }
            }
            assertTrue(url != null && url.startsWith("http://127.0.0.1:"), "the endpoint is announced on loopback: " + url);
            HttpClient http = HttpClient.newHttpClient();
            HttpRequest get = HttpRequest.newBuilder(URI.create(url)).build();
            http.send(get, HttpResponse.BodyHandlers.ofString()); // some TCP traffic of ours to count
            Thread.sleep(1500); // the next interval's snapshot includes it
            HttpResponse<String> response = http.send(get, HttpResponse.BodyHandlers.ofString());
            assertEquals(200, response.statusCode());
            assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("text/plain; version=0.0.4"));
            String body = response.body();
            for (String family : new String[] {"ebpfnet_bytes_total", "ebpfnet_calls_total", "ebpfnet_tcp_connects_total",
                    "ebpfnet_tcp_accepts_total", "ebpfnet_tcp_retransmits_total", "ebpfnet_process_bytes_total",
                    "ebpfnet_attach_mode_info", "ebpfnet_programs_attached", "ebpfnet_refused_inserts_total",
                    "ebpfnet_last_read_duration_seconds"}) {
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
        } finally {
            cli.destroy();
            cli.waitFor(10, TimeUnit.SECONDS);
        }
    }
}
