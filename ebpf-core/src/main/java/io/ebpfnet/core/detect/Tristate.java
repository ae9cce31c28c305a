package io.ebpfnet.core.detect;

/** A kernel config flag: built in, a module, off, or unknown (no config file to read). */
public enum Tristate {
    YES("y"), MODULE("m"), NO("n"), UNKNOWN("unknown");

    private final String text;

    Tristate(String text) {
        this.text = text;
    }

    /** "y", "m", "n" or "unknown". */
    public String text() {
        return text;
    }
}
