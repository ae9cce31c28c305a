package io.ebpfnet.socket;

import java.util.Locale;

/** Where the programs hook each call: at entry only, or at entry and return (Netdata's {@code ebpf load mode}). */
public enum LoadMode {
    /** Hooks at function entry: calls and bytes (the requested size where only entry is seen). */
    ENTRY,
    /** Hooks at entry and return: also errors, and bytes as actually transferred. */
    RETURN;

    /** "entry" or "return". */
    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses "entry" or "return" (any case). */
    public static LoadMode parse(String value) {
        for (LoadMode m : values()) {
            if (m.configName().equalsIgnoreCase(value.trim())) {
                return m;
            }
        }
        throw new IllegalArgumentException("'" + value + "' is not a load mode; use entry or return");
    }
}
