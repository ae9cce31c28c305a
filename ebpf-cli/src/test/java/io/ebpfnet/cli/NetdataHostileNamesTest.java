package io.ebpfnet.cli;

import io.ebpfnet.core.detect.AttachMode;
import io.ebpfnet.socket.ProcessCounter;
import io.ebpfnet.socket.SocketCollectorOptions;
import io.ebpfnet.cli.charts.GroupChart;
import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Names taken from the system cannot break a line of the plugin protocol, however they are spelled. */
class NetdataHostileNamesTest {
    private static final List<String> HOSTILE = List.of("it's", "a\"b", "back\\slash", "two words", "new\nline",
            "CHART x '' 'y'", "tab\there", "cr\rhere", "'", "\\", "é'ü\u0000");

    @Test
    void everyGroupLineKeepsItsFieldsWhateverTheName() {
        for (GroupChart.Scope scope : GroupChart.Scope.values()) {
            Map<String, long[]> totals = new LinkedHashMap<>();
            for (String name : HOSTILE) {
                totals.put(name, new long[ProcessCounter.values().length]);
            }
            StringWriter text = new StringWriter();
            NetdataReport report = new NetdataReport(new PrintWriter(text), SocketCollectorOptions.defaults(AttachMode.TRACEPOINT), 1);
            report.groups(scope, "label", totals, 1_000_000);
            List<String> lines = text.toString().lines().toList();
            int charts = 0;
            int labels = 0;
            for (String line : lines) {
                List<String> words = agentWords(line);
                switch (words.getFirst()) {
                    case "CHART" -> {
                        charts++;
                        assertEquals(13, words.size(), line);
                        assertEquals("net", words.get(5), "family in place: " + line);
                        assertEquals("stacked", words.get(7), "chart type in place: " + line);
                    }
                    case "CLABEL" -> {
                        labels++;
                        assertEquals(4, words.size(), line);
                        assertEquals("1", words.get(3), "label source in place: " + line);
                    }
                    case "DIMENSION", "CLABEL_COMMIT", "BEGIN", "SET", "END" -> { }
                    default -> throw new AssertionError("a name started a line of its own: " + line);
                }
            }
            // "'" and "\\" both read "_" in an id: each name still has charts of its own
            assertEquals(HOSTILE.size() * GroupChart.values().length, charts, scope + ": a chart per name and metric");
            assertEquals(charts, labels, scope + ": a label per chart");
        }
    }

    @Test
    void quotableReplacesOnlyWhatTheProtocolReads() {
        assertEquals("nginx-worker 1.2", NetdataText.quotable("nginx-worker 1.2"));
        assertEquals("it_s _a_ b_c_d_", NetdataText.quotable("it's \"a\" b\\c\nd\t"));
        String unchanged = "docker-1a2b.scope";
        assertTrue(unchanged == NetdataText.quotable(unchanged), "no copy when nothing changes");
    }

    /** Netdata's splitting of a plugin line: words at spaces, quotes (' or ") to the matching quote, \ escapes. */
    private static List<String> agentWords(String line) {
        List<String> words = new ArrayList<>();
        int i = 0;
        while (i < line.length()) {
            char c = line.charAt(i);
            if (c == ' ') {
                i++;
                continue;
            }
            StringBuilder w = new StringBuilder();
            char quote = c == '\'' || c == '"' ? c : 0;
            if (quote != 0) {
                i++;
            }
            while (i < line.length()) {
                char d = line.charAt(i);
                if (d == '\\' && i + 1 < line.length()) {
                    w.append(line.charAt(i + 1));
                    i += 2;
                    continue;
                }
                if (quote != 0 ? d == quote : d == ' ') {
                    break;
                }
                w.append(d);
                i++;
            }
            i++; // past the closing quote or the space
            words.add(w.toString());
        }
        return words;
    }
}
