package io.ebpfnet.core.detect;

import io.ebpfnet.core.JsonText;

import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * What the kernel is and allows: release, config flags (unknown without a config file), BTF,
 * capabilities, tracefs, and the result of really loading and attaching each kind of program.
 *
 * @param release        the kernel release ({@code proc/sys/kernel/osrelease}), or "unknown"
 * @param configSource   the config file read, or "" when none was found (the flags are then unknown)
 * @param configFlags    selected config flags, in report order
 * @param btfPresent     whether {@code sys/kernel/btf/vmlinux} exists
 * @param btfParsable    whether libbpf parses it (false when absent)
 * @param capabilities   the process's effective capabilities
 * @param tracefsMounted whether a tracefs is mounted
 * @param tracefsPath    where tracefs is mounted, or ""
 * @param probes         the outcome of each feature probe
 */
public record DetectionReport(String release, String configSource, Map<String, Tristate> configFlags,
                              boolean btfPresent, boolean btfParsable, Capabilities capabilities,
                              boolean tracefsMounted, String tracefsPath, Map<FeatureProbe, ProbeResult> probes) {

    public DetectionReport {
        release = release == null || release.isBlank() ? "unknown" : release;
        configSource = configSource == null ? "" : configSource;
        tracefsPath = tracefsPath == null ? "" : tracefsPath;
        Objects.requireNonNull(capabilities, "capabilities");
        // Copies keep the report immutable; LinkedHashMap keeps the flags in the order given.
        configFlags = Collections.unmodifiableMap(new LinkedHashMap<>(configFlags));
        Map<FeatureProbe, ProbeResult> byFeature = new EnumMap<>(FeatureProbe.class);
        byFeature.putAll(probes);
        probes = Collections.unmodifiableMap(byFeature);
    }

    /** Whether a config file was found (otherwise every flag is {@link Tristate#UNKNOWN}). */
    public boolean configKnown() {
        return !configSource.isEmpty();
    }

    /** Whether the probe of {@code feature} loaded and attached. */
    public boolean allows(FeatureProbe feature) {
        ProbeResult r = probes.get(feature);
        return r != null && r.allowed();
    }

    /** A readable multi-line report: one section per topic, values aligned. */
    public String toText() {
        int width = "/sys/kernel/btf/vmlinux".length();
        for (String flag : configFlags.keySet()) {
            width = Math.max(width, flag.length());
        }
        for (FeatureProbe f : probes.keySet()) {
            width = Math.max(width, f.description().length());
        }
        String row = "  %-" + width + "s  %s\n";
        StringBuilder sb = new StringBuilder();
        sb.append("Kernel\n");
        sb.append(String.format(row, "release", release));
        sb.append(String.format(row, "config", configKnown() ? configSource
                : "not found (/proc/config.gz, /boot/config-" + release + "): flags unknown"));
        configFlags.forEach((k, v) -> sb.append(String.format(row, k, v.text())));
        sb.append("BTF\n");
        sb.append(String.format(row, "/sys/kernel/btf/vmlinux",
                btfPresent ? (btfParsable ? "present, parsed by libbpf" : "present, NOT parsable by libbpf") : "absent"));
        sb.append("Privileges\n");
        sb.append(String.format(row, "capabilities", capabilities.describe()));
        sb.append(String.format(row, "can load BPF", capabilities.canLoadBpf() ? "yes"
                : "no, missing " + capabilities.missingForBpf() + " (or CAP_SYS_ADMIN)"));
        sb.append("Tracefs\n");
        sb.append(String.format(row, "mounted", tracefsMounted ? "yes, at " + tracefsPath
                : "no (classic tracepoints need it: mount -t tracefs none /sys/kernel/tracing)"));
        sb.append("Probes (load and attach a real program of each kind)\n");
        probes.forEach((f, r) -> sb.append(String.format(row, f.description(), r.summary())));
        return sb.toString();
    }

    /**
     * The report as one JSON object with snake_case keys: release, config_source (null when unknown),
     * config, btf, capabilities, tracefs, probes.
     */
    public String toJson() {
        StringBuilder sb = new StringBuilder("{");
        sb.append("\"release\":").append(JsonText.quote(release));
        sb.append(",\"config_source\":").append(JsonText.quote(configKnown() ? configSource : null));
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
        for (Map.Entry<FeatureProbe, ProbeResult> e : probes.entrySet()) {
            ProbeResult r = e.getValue();
            sb.append(sep).append(JsonText.quote(e.getKey().key()))
                    .append(":{\"outcome\":").append(JsonText.quote(r.outcome().name().toLowerCase(Locale.ROOT)))
                    .append(",\"stage\":").append(JsonText.quote(r.stage()))
                    .append(",\"errno\":").append(JsonText.quote(r.errno()))
                    .append(",\"detail\":").append(JsonText.quote(r.detail())).append('}');
            sep = ",";
        }
        return sb.append("}}").toString();
    }
}
