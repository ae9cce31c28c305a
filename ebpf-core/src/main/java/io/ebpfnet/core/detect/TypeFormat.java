package io.ebpfnet.core.detect;

/** Netdata's {@code ebpf type format}: auto, legacy or co-re. */
public enum TypeFormat {
    AUTO("auto"), LEGACY("legacy"), CORE("co-re");

    private final String text;

    TypeFormat(String text) {
        this.text = text;
    }

    public String text() {
        return text;
    }

    public static TypeFormat parse(String value) {
        for (TypeFormat f : values()) {
            if (f.text.equalsIgnoreCase(value.strip())) {
                return f;
            }
        }
        throw new IllegalArgumentException("'" + value + "' is not an ebpf type format; allowed: auto, legacy, co-re");
    }
}
