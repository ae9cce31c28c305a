package io.ebpfnet.cli.config;

import io.ebpfnet.core.detect.AttachMode;
import io.ebpfnet.core.detect.AttachRequest;

/** Netdata's {@code ebpf type format} option: auto, legacy or co-re. */
public enum TypeFormat {
    AUTO("auto"), LEGACY("legacy"), CORE("co-re");

    private final String text;

    TypeFormat(String text) {
        this.text = text;
    }

    /** The option value as Netdata spells it. */
    public String text() {
        return text;
    }

    /**
     * Parses "auto", "legacy" or "co-re", ignoring case and surrounding blanks.
     *
     * @throws IllegalArgumentException naming the allowed values
     */
    public static TypeFormat parse(String value) {
        for (TypeFormat f : values()) {
            if (value != null && f.text.equalsIgnoreCase(value.strip())) {
                return f;
            }
        }
        throw new IllegalArgumentException("'" + value + "' is not an ebpf type format; allowed: auto, legacy, co-re");
    }

    /**
     * The request these two Netdata options make: auto asks for the best mode, {@code tracing} first;
     * legacy and co-re ask for exactly one mode.
     */
    public AttachRequest request(CoreTracing tracing, boolean allowFallback) {
        return switch (this) {
            case AUTO -> AttachRequest.best(tracing.mode());
            case LEGACY -> AttachRequest.exactly(AttachMode.LEGACY, allowFallback);
            case CORE -> AttachRequest.exactly(tracing.mode(), allowFallback);
        };
    }
}
