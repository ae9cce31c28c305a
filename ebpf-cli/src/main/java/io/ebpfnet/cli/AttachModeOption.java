package io.ebpfnet.cli;

import io.ebpfnet.cli.config.CoreTracing;
import io.ebpfnet.cli.config.TypeFormat;

/**
 * The {@code --mode} values, which stand for Netdata's two options at once:
 * {@code ebpf type format} and {@code ebpf co-re tracing}.
 */
public enum AttachModeOption {
    AUTO(TypeFormat.AUTO, null),
    LEGACY(TypeFormat.LEGACY, null),
    TRAMPOLINE(TypeFormat.CORE, CoreTracing.TRAMPOLINE),
    PROBE(TypeFormat.CORE, CoreTracing.PROBE),
    TRACEPOINT(TypeFormat.CORE, CoreTracing.TRACEPOINT);

    private final TypeFormat typeFormat;
    private final CoreTracing tracing;

    AttachModeOption(TypeFormat typeFormat, CoreTracing tracing) {
        this.typeFormat = typeFormat;
        this.tracing = tracing;
    }

    public TypeFormat typeFormat() {
        return typeFormat;
    }

    /** The co-re tracing this option fixes, or {@code fallback} (the configured one) when it fixes none. */
    public CoreTracing tracing(CoreTracing fallback) {
        return tracing != null ? tracing : fallback;
    }
}
