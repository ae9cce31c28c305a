package io.ebpfnet.cli;

import io.ebpfnet.core.testing.KernelTests;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** What --format netdata prints follows the plugin protocol's rules and carries the seed's charts. */
class NetdataProtocolTest {
    /** The seed's global charts: id → units and dimension ids, return mode. */
    private static final Map<String, List<String>> SEED = Map.of(
            "ip.inbound_conn", List.of("connections/s", "inet_csk_accept_tcp"),
            "ip.tcp_outbound_conn", List.of("connections/s", "tcp_connect_v4", "tcp_connect_v6"),
            "ip.tcp_functions", List.of("calls/s", "tcp_cleanup_rbuf", "tcp_sendmsg", "tcp_close"),
            "ip.total_tcp_bandwidth", List.of("kilobits/s", "tcp_cleanup_rbuf", "tcp_sendmsg"),
            "ip.tcp_error", List.of("calls/s", "tcp_cleanup_rbuf", "tcp_sendmsg"),
            "ip.tcp_retransmit", List.of("calls/s", "tcp_retransmit_skb"),
            "ip.udp_functions", List.of("calls/s", "udp_recvmsg", "udp_sendmsg"),
            "ip.total_udp_bandwidth", List.of("kilobits/s", "udp_recvmsg", "udp_sendmsg"),
            "ip.udp_error", List.of("calls/s", "udp_recvmsg", "udp_sendmsg"));

    @Test
    void outputFollowsTheProtocolWithTheSeedsCharts() {
        KernelTests.requireBpf();
        CliRun run = CliRun.of("--format", "netdata", "--interval", "1", "--count", "2", "--load-mode", "return");
        assertEquals(0, run.exitCode(), run.err());

        Map<String, Set<String>> defined = new HashMap<>();
        Map<String, Integer> updates = new HashMap<>();
        Set<String> obsolete = new HashSet<>();
        String chart = null;
        String open = null;
        for (String line : run.out().lines().toList()) {
            List<String> f = words(line);
            switch (f.getFirst()) {
                case "CHART" -> {
                    assertEquals(13, f.size(), "CHART type.id name title units family context charttype priority update_every options plugin module: " + line);
                    chart = f.get(1);
                    List<String> seed = SEED.get(chart);
                    assertNotNull(seed, "not a seed chart: " + chart);
                    assertEquals(seed.getFirst(), f.get(4), "units of " + chart);
                    assertEquals("kernel", f.get(5));
                    assertEquals(chart, f.get(6), "context");
                    assertEquals("1", f.get(9), "update_every");
                    if (f.get(10).equals("obsolete")) {
                        obsolete.add(chart);
                    } else {
                        defined.put(chart, new HashSet<>());
                    }
                }
                case "DIMENSION" -> {
                    assertNotNull(chart, "DIMENSION before any CHART");
                    assertEquals(6, f.size(), line);
                    assertEquals("incremental", f.get(3), line);
                    defined.get(chart).add(f.get(1));
                }
                case "BEGIN" -> {
                    assertEquals(null, open, "BEGIN inside BEGIN");
                    assertTrue(defined.containsKey(f.get(1)), "BEGIN of an undefined chart: " + line);
                    assertTrue(Long.parseLong(f.get(2)) > 500_000, "microseconds since the last update: " + line);
                    open = f.get(1);
                    updates.merge(open, 1, Integer::sum);
                }
                case "SET" -> {
                    assertNotNull(open, "SET outside BEGIN/END");
                    assertTrue(defined.get(open).contains(f.get(1)), "SET of an undefined dimension: " + line);
                    assertEquals("=", f.get(2));
                    assertTrue(Long.parseLong(f.get(3)) >= 0, line);
                }
                case "END" -> {
                    assertNotNull(open, "END without BEGIN");
                    open = null;
                }
                default -> fail("not a plugin protocol line: " + line);
            }
        }
        assertEquals(SEED.keySet(), defined.keySet(), "every seed chart, in return mode");
        for (Map.Entry<String, Set<String>> e : defined.entrySet()) {
            assertEquals(new HashSet<>(SEED.get(e.getKey()).subList(1, SEED.get(e.getKey()).size())), e.getValue(), e.getKey());
            assertEquals(2, updates.get(e.getKey()), "one update per interval for " + e.getKey());
        }
        assertEquals(SEED.keySet(), obsolete, "charts marked obsolete on exit");
    }

    private static final Set<String> SEED_APP_CONTEXTS = Set.of("app.ebpf_call_tcp_v4_connection", "app.ebpf_call_tcp_v6_connection",
            "app.ebpf_sock_total_bandwidth", "app.ebpf_call_tcp_sendmsg", "app.ebpf_call_tcp_cleanup_rbuf",
            "app.ebpf_call_tcp_retransmit", "app.ebpf_call_udp_sendmsg", "app.ebpf_call_udp_recvmsg");

    @Test
    void appChartsAreLabelledWithTheirGroupAndUseTheSeedsContexts(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        KernelTests.requireBpf();
        java.nio.file.Path conf = java.nio.file.Files.writeString(dir.resolve("network.conf"), "[global]\n    apps = yes\n");
        CliRun run;
        try (BackgroundTraffic ignored = new BackgroundTraffic()) {
            run = CliRun.of("--config", conf.toString(), "--format", "netdata", "--interval", "1", "--count", "2");
        }
        assertEquals(0, run.exitCode(), run.err());
        Set<String> defined = new HashSet<>();
        Set<String> labelled = new HashSet<>();
        Set<String> contexts = new HashSet<>();
        String chart = null;
        for (String line : run.out().lines().toList()) {
            List<String> f = words(line);
            switch (f.getFirst()) {
                case "CHART" -> {
                    chart = f.get(1);
                    if (chart.startsWith("app.") && !f.get(10).equals("obsolete")) {
                        defined.add(chart);
                        contexts.add(f.get(6));
                    }
                }
                case "CLABEL" -> {
                    if (f.get(1).equals("app_group")) {
                        labelled.add(chart);
                    }
                }
                case "BEGIN" -> assertTrue(!f.get(1).startsWith("app.") || defined.contains(f.get(1)), "BEGIN of an undefined chart: " + line);
                case "DIMENSION", "CLABEL_COMMIT", "SET", "END" -> { }
                default -> fail("not a plugin protocol line: " + line);
            }
        }
        assertTrue(!defined.isEmpty(), "at least this JVM's group (java) has charts:\n" + run.out());
        assertEquals(defined, labelled, "every app chart carries its app_group label");
        assertEquals(SEED_APP_CONTEXTS, contexts);
    }

    /** Splits a protocol line: words, or single-quoted strings (which may be empty). */
    static List<String> words(String line) {
        List<String> words = new ArrayList<>();
        int i = 0;
        while (i < line.length()) {
            char c = line.charAt(i);
            if (c == ' ') {
                i++;
            } else if (c == '\'') {
                int end = line.indexOf('\'', i + 1);
                words.add(line.substring(i + 1, end));
                i = end + 1;
            } else {
                int end = line.indexOf(' ', i);
                end = end < 0 ? line.length() : end;
                words.add(line.substring(i, end));
                i = end;
            }
        }
        return words;
    }
}
