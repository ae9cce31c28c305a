package io.ebpfnet.core.detect;

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
}
