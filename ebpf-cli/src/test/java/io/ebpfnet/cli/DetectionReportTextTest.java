package io.ebpfnet.cli;

import io.ebpfnet.core.detect.DetectionReport;
import io.ebpfnet.core.detect.FeatureProbe;
import io.ebpfnet.core.detect.ProbeResult;
import io.ebpfnet.core.detect.Tristate;
import io.ebpfnet.core.testing.TestReports;
import org.junit.jupiter.api.Test;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The detect command's text and JSON renderings of a report. */
class DetectionReportTextTest {
    @Test
    void jsonHasEveryKeyWithTheRightValues() {
        Map<String, Object> json = object(JsonParser.parse(DetectionReportText.json(TestReports.ourMachine())));
        assertEquals(List.of("release", "config_source", "config", "btf", "capabilities", "tracefs", "probes"),
                List.copyOf(json.keySet()));
        assertEquals("6.18.44-test", json.get("release"));
        assertEquals("/proc/config.gz", json.get("config_source"));

        Map<String, Object> config = object(json.get("config"));
        assertEquals(List.of("CONFIG_KPROBES", "CONFIG_DEBUG_INFO_BTF", "CONFIG_NF_TABLES",
                "CONFIG_DYNAMIC_FTRACE_WITH_DIRECT_CALLS"), List.copyOf(config.keySet()), "insertion order");
        assertEquals(List.of("n", "y", "m", "unknown"), List.copyOf(config.values()));

        assertEquals(Map.of("present", true, "parsable", true), json.get("btf"));
        assertEquals(Map.of("effective_mask", "000001fffeffffff", "cap_bpf", true, "cap_perfmon", true,
                "cap_sys_admin", true, "can_load_bpf", true), json.get("capabilities"));
        assertEquals(Map.of("mounted", true, "path", "/sys/kernel/tracing"), json.get("tracefs"));

        Map<String, Object> probes = object(json.get("probes"));
        assertEquals(List.of("fentry", "kprobe", "tp_btf", "tracepoint", "map_iterator"), List.copyOf(probes.keySet()));
        assertEquals(Map.of("outcome", "refused", "stage", "load", "errno", "EPERM",
                "detail", "libbpf: prog 'probe_fentry': failed to load: -1"), probes.get("fentry"));
        assertEquals("ENOENT", object(probes.get("kprobe")).get("errno"));
        assertEquals(Map.of("outcome", "allowed", "stage", "", "errno", "", "detail", ""), probes.get("tp_btf"));
        assertEquals(Map.of("outcome", "refused", "stage", "load", "errno", "EPERM",
                "detail", "libbpf: prog 'probe_map_iterator': failed to load: -1"), probes.get("map_iterator"));
    }

    @Test
    void jsonOfAnUnprivilegedReportWithoutConfig() {
        // A kernel without a config file, seen by a process without capabilities and without tracefs.
        Map<FeatureProbe, ProbeResult> notRun = new EnumMap<>(FeatureProbe.class);
        for (FeatureProbe f : FeatureProbe.values()) {
            notRun.put(f, ProbeResult.notRun(f, "missing CAP_BPF/CAP_PERFMON"));
        }
        DetectionReport unprivileged = new DetectionReport("6.8.0", "", Map.of("CONFIG_KPROBES", Tristate.UNKNOWN,
                "CONFIG_DEBUG_INFO_BTF", Tristate.UNKNOWN), true, true, TestReports.NONE, false, "", notRun);
        Map<String, Object> json = object(JsonParser.parse(DetectionReportText.json(unprivileged)));
        assertNull(json.get("config_source"), "unknown config is null");
        assertTrue(json.containsKey("config_source"));
        object(json.get("config")).values().forEach(v -> assertEquals("unknown", v));
        assertEquals(Map.of("effective_mask", "0000000000000000", "cap_bpf", false, "cap_perfmon", false,
                "cap_sys_admin", false, "can_load_bpf", false), json.get("capabilities"));
        assertEquals(Map.of("mounted", false, "path", ""), json.get("tracefs"));
        assertEquals(Map.of("outcome", "not_run", "stage", "", "errno", "", "detail", "missing CAP_BPF/CAP_PERFMON"),
                object(json.get("probes")).get("fentry"));
    }

    @Test
    void jsonEscapesKernelMessages() {
        String detail = "libbpf: \"quoted\" C:\\path\n\tsecond line\u0007";
        Map<FeatureProbe, ProbeResult> probes = new EnumMap<>(TestReports.ourMachine().probes());
        probes.put(FeatureProbe.FENTRY, ProbeResult.refused(FeatureProbe.FENTRY, "load", "EPERM", detail));
        DetectionReport r = TestReports.report(true, true, TestReports.ROOT, probes);
        Map<String, Object> fentry = object(object(object(JsonParser.parse(DetectionReportText.json(r))).get("probes")).get("fentry"));
        assertEquals(detail, fentry.get("detail"));
    }

    @Test
    void textHasEverySectionAndEveryValue() {
        DetectionReport r = TestReports.ourMachine();
        String text = DetectionReportText.text(r);
        for (String section : new String[] {"Kernel", "BTF", "Privileges", "Tracefs", "Probes"}) {
            assertTrue(text.lines().anyMatch(l -> l.startsWith(section)), section + " in\n" + text);
        }
        assertTrue(text.contains("6.18.44-test"), text);
        assertTrue(text.contains("/proc/config.gz"), text);
        r.configFlags().keySet().forEach(flag -> assertTrue(text.contains(flag), flag));
        for (FeatureProbe f : FeatureProbe.values()) {
            assertTrue(text.contains(f.description()), f.description());
        }
        assertTrue(text.contains("refused at load (EPERM): libbpf"), text);
        assertTrue(text.contains("refused at attach (ENOENT)"), text);
        assertTrue(text.contains("present, parsed by libbpf"), text);
        assertTrue(text.contains("CapEff 000001fffeffffff"), text);
        assertTrue(text.contains("yes, at /sys/kernel/tracing"), text);
    }

    @Test
    void textValuesAreAligned() {
        List<String> rows = DetectionReportText.text(TestReports.ourMachine()).lines().filter(l -> l.startsWith("  ")).toList();
        String first = rows.getFirst();
        int column = first.indexOf("6.18.44-test");
        for (String row : rows) {
            assertTrue(row.length() > column && row.charAt(column) != ' ' && row.startsWith("  ", column - 2),
                    "value not at column " + column + ": '" + row + "'");
        }
    }

    @Test
    void textSaysWhatIsMissing() {
        DetectionReport r = new DetectionReport("6.8.0", "", Map.of("CONFIG_KPROBES", Tristate.UNKNOWN), false, false,
                TestReports.NONE, false, "", TestReports.unprivileged().probes());
        String text = DetectionReportText.text(r);
        assertTrue(text.contains("not found (/proc/config.gz, /boot/config-6.8.0): flags unknown"), text);
        assertTrue(text.contains("absent"), text);
        assertTrue(text.contains("no, missing [CAP_BPF, CAP_PERFMON]"), text);
        assertTrue(text.contains("not run: missing CAP_BPF/CAP_PERFMON"), text);
        assertTrue(text.contains("mount -t tracefs"), text);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> object(Object o) {
        assertTrue(o instanceof Map, "JSON object expected: " + o);
        return (Map<String, Object>) o;
    }
}
