package io.ebpfnet.cli.config;

import io.ebpfnet.core.detect.AttachMode;

import java.util.Locale;

/** Netdata's {@code ebpf co-re tracing} option: which CO-RE mode to use (or to try first under auto). */
public enum CoreTracing {
    TRAMPOLINE(AttachMode.TRAMPOLINE), PROBE(AttachMode.PROBE), TRACEPOINT(AttachMode.TRACEPOINT);

    private final AttachMode mode;

    CoreTracing(AttachMode mode) {
        this.mode = mode;
    }

    /** The attach mode this option selects. */
    public AttachMode mode() {
        return mode;
    }

    /** The option value as Netdata spells it. */
    public String text() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Parses "trampoline", "probe" or "tracepoint", ignoring case and surrounding blanks.
     *
     * @throws IllegalArgumentException naming the allowed values
     */
    public static CoreTracing parse(String value) {
        for (CoreTracing t : values()) {
            if (value != null && t.text().equalsIgnoreCase(value.strip())) {
                return t;
            }
        }
        throw new IllegalArgumentException("'" + value + "' is not an ebpf co-re tracing; allowed: trampoline, probe, tracepoint");
    }
}
