package io.ebpfnet.core.detect;

import io.ebpfnet.core.JsonText;

import java.util.Map;

/**
 * What the kernel is and allows: release, config flags (unknown without a config file), BTF,
 * capabilities, tracefs, and the result of really loading and attaching each kind of program.
 *
 * @param configSource    the config file read, or "" when none was found
 * @param tracefsPath     where tracefs is mounted, or ""
 */
public record DetectionReport(String release, String configSource, Map<String, Tristate> configFlags,
                              boolean btfPresent, boolean btfParsable, Capabilities capabilities,
                              boolean tracefsMounted, String tracefsPath, Map<FeatureProbe, ProbeResult> probes) {

    /** Whether the probe of {@code feature} loaded and attached. */
    public boolean allows(FeatureProbe feature) {
        ProbeResult r = probes.get(feature);
        return r != null && r.allowed();
    }

    /** A readable multi-line report. */
    public String toText() {
        StringBuilder sb = new StringBuilder();
        sb.append("Kernel\n");
        line(sb, "release", release);
        line(sb, "config", configSource.isEmpty() ? "not found (/proc/config.gz, /boot/config-" + release + "): flags unknown" : configSource);
        configFlags.forEach((k, v) -> line(sb, k, v.text()));
        sb.append("BTF\n");
        line(sb, "/sys/kernel/btf/vmlinux", btfPresent ? (btfParsable ? "present, parsed by libbpf" : "present, NOT parsable") : "absent");
        sb.append("Privileges\n");
        line(sb, "capabilities", capabilities.describe());
        line(sb, "can load BPF", capabilities.canLoadBpf() ? "yes" : "no, missing " + capabilities.missingForBpf());
        sb.append("Tracefs\n");
        line(sb, "mounted", tracefsMounted ? "yes, at " + tracefsPath : "no (classic tracepoints need it: mount -t tracefs none /sys/kernel/tracing)");
        sb.append("Probes (load and attach a real program of each kind)\n");
        probes.forEach((f, r) -> line(sb, f.description(), r.summary()));
        return sb.toString();
    }

    /** The report as one JSON object. */
    public String toJson() {
        StringBuilder sb = new StringBuilder("{");
        sb.append("\"release\":").append(JsonText.quote(release));
        sb.append(",\"config_source\":").append(JsonText.quote(configSource));
        sb.append(",\"config\":{");
        String sep = "";
        for (Map.Entry<String, Tristate> e : configFlags.entrySet()) {
            sb.append(sep).append(JsonText.quote(e.getKey())).append(':').append(JsonText.quote(e.getValue().text()));
            sep = ",";
        }
        sb.append("},\"btf\":{\"present\":").append(btfPresent).append(",\"parsable\":").append(btfParsable).append('}');
        sb.append(",\"capabilities\":{\"effective_mask\":").append(JsonText.quote(String.format("%016x", capabilities.effectiveMask())))
                .append(",\"cap_bpf\":").append(capabilities.has(Capability.CAP_BPF))
                .append(",\"cap_perfmon\":").append(capabilities.has(Capability.CAP_PERFMON))
                .append(",\"cap_sys_admin\":").append(capabilities.has(Capability.CAP_SYS_ADMIN))
                .append(",\"can_load_bpf\":").append(capabilities.canLoadBpf()).append('}');
        sb.append(",\"tracefs\":{\"mounted\":").append(tracefsMounted).append(",\"path\":").append(JsonText.quote(tracefsPath)).append('}');
        sb.append(",\"probes\":{");
        sep = "";
        for (ProbeResult r : probes.values()) {
            sb.append(sep).append(JsonText.quote(r.feature().key())).append(":{\"outcome\":").append(JsonText.quote(r.outcome().name().toLowerCase(java.util.Locale.ROOT)))
                    .append(",\"stage\":").append(JsonText.quote(r.stage()))
                    .append(",\"errno\":").append(JsonText.quote(r.errno()))
                    .append(",\"detail\":").append(JsonText.quote(r.detail())).append('}');
            sep = ",";
        }
        return sb.append("}}").toString();
    }

    private static void line(StringBuilder sb, String key, String value) {
        sb.append(String.format("  %-34s %s%n", key, value));
    }
}
