package io.ebpfnet.cli;

import io.ebpfnet.core.detect.Capability;
import io.ebpfnet.core.detect.DetectionReport;
import io.ebpfnet.core.detect.FeatureProbe;
import io.ebpfnet.core.detect.ProbeResult;
import io.ebpfnet.core.detect.Tristate;

import java.util.Locale;
import java.util.Map;

/** The {@code detect} command's two renderings of a {@link DetectionReport}: aligned text and JSON. */
final class DetectionReportText {
    private DetectionReportText() {
    }

    /** A readable multi-line report: one section per topic, values aligned. */
    static String text(DetectionReport r) {
        int width = "/sys/kernel/btf/vmlinux".length();
        for (String flag : r.configFlags().keySet()) {
            width = Math.max(width, flag.length());
        }
        for (FeatureProbe f : r.probes().keySet()) {
            width = Math.max(width, f.description().length());
        }
        String row = "  %-" + width + "s  %s\n";
        StringBuilder sb = new StringBuilder();
        sb.append("Kernel\n");
        sb.append(String.format(row, "release", r.release()));
        sb.append(String.format(row, "config", r.configKnown() ? r.configSource()
                : "not found (/proc/config.gz, /boot/config-" + r.release() + "): flags unknown"));
        r.configFlags().forEach((k, v) -> sb.append(String.format(row, k, v.text())));
        sb.append("BTF\n");
        sb.append(String.format(row, "/sys/kernel/btf/vmlinux",
                r.btfPresent() ? (r.btfParsable() ? "present, parsed by libbpf" : "present, NOT parsable by libbpf") : "absent"));
        sb.append("Privileges\n");
        sb.append(String.format(row, "capabilities", r.capabilities().describe()));
        sb.append(String.format(row, "can load BPF", r.capabilities().canLoadBpf() ? "yes"
                : "no, missing " + r.capabilities().missingForBpf() + " (or CAP_SYS_ADMIN)"));
        sb.append("Tracefs\n");
        sb.append(String.format(row, "mounted", r.tracefsMounted() ? "yes, at " + r.tracefsPath()
                : "no (classic tracepoints need it: mount -t tracefs none /sys/kernel/tracing)"));
        sb.append("Probes (load and attach a real program of each kind)\n");
        r.probes().forEach((f, result) -> sb.append(String.format(row, f.description(), result.summary())));
        return sb.toString();
    }

    /**
     * The report as one JSON object with snake_case keys: release, config_source (null when unknown),
     * config, btf, capabilities, tracefs, probes.
     */
    static String json(DetectionReport r) {
        StringBuilder sb = new StringBuilder("{");
        sb.append("\"release\":").append(JsonText.quote(r.release()));
        sb.append(",\"config_source\":").append(JsonText.quote(r.configKnown() ? r.configSource() : null));
        sb.append(",\"config\":{");
        String sep = "";
        for (Map.Entry<String, Tristate> e : r.configFlags().entrySet()) {
            sb.append(sep).append(JsonText.quote(e.getKey())).append(':').append(JsonText.quote(e.getValue().text()));
            sep = ",";
        }
        sb.append("},\"btf\":{\"present\":").append(r.btfPresent()).append(",\"parsable\":").append(r.btfParsable()).append('}');
        sb.append(",\"capabilities\":{\"effective_mask\":").append(JsonText.quote(String.format("%016x", r.capabilities().effectiveMask())))
                .append(",\"cap_bpf\":").append(r.capabilities().has(Capability.CAP_BPF))
                .append(",\"cap_perfmon\":").append(r.capabilities().has(Capability.CAP_PERFMON))
                .append(",\"cap_sys_admin\":").append(r.capabilities().has(Capability.CAP_SYS_ADMIN))
                .append(",\"can_load_bpf\":").append(r.capabilities().canLoadBpf()).append('}');
        sb.append(",\"tracefs\":{\"mounted\":").append(r.tracefsMounted()).append(",\"path\":").append(JsonText.quote(r.tracefsPath())).append('}');
        sb.append(",\"probes\":{");
        sep = "";
        for (Map.Entry<FeatureProbe, ProbeResult> e : r.probes().entrySet()) {
            ProbeResult result = e.getValue();
            sb.append(sep).append(JsonText.quote(e.getKey().key()))
                    .append(":{\"outcome\":").append(JsonText.quote(result.outcome().name().toLowerCase(Locale.ROOT)))
                    .append(",\"stage\":").append(JsonText.quote(result.stage()))
                    .append(",\"errno\":").append(JsonText.quote(result.errno()))
                    .append(",\"detail\":").append(JsonText.quote(result.detail())).append('}');
            sep = ",";
        }
        return sb.append("}}").toString();
    }
}
