package io.ebpfnet.core.detect;

import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
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
}
