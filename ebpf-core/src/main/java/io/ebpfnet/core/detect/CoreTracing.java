package io.ebpfnet.core.detect;

import java.util.Locale;

/** Netdata's {@code ebpf co-re tracing}: trampoline, probe or tracepoint. */
public enum CoreTracing {
    TRAMPOLINE(AttachMode.TRAMPOLINE), PROBE(AttachMode.PROBE), TRACEPOINT(AttachMode.TRACEPOINT);

    private final AttachMode mode;

    CoreTracing(AttachMode mode) {
        this.mode = mode;
    }

    public AttachMode mode() {
        return mode;
    }

    public String text() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static CoreTracing parse(String value) {
        for (CoreTracing t : values()) {
            if (t.text().equalsIgnoreCase(value.strip())) {
                return t;
            }
        }
        throw new IllegalArgumentException("'" + value + "' is not an ebpf co-re tracing; allowed: trampoline, probe, tracepoint");
    }
}
