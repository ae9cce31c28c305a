package io.ebpfnet.core.detect;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.zip.GZIPInputStream;

/** A kernel build configuration ({@code CONFIG_X=y} lines). */
public final class KernelConfig {
    private final Map<String, String> values;
    private final String source;

    private KernelConfig(Map<String, String> values, String source) {
        this.values = values;
        this.source = source;
    }

    /**
     * The running kernel's config: {@code /proc/config.gz}, else {@code /boot/config-<release>}.
     * Empty when neither exists: the flags are then unknown, not absent.
     */
    public static Optional<KernelConfig> load(SystemPaths paths, String release) {
        Path gz = paths.proc().resolve("config.gz");
        Path boot = paths.boot().resolve("config-" + release);
        try {
            if (Files.isReadable(gz)) {
                try (InputStream in = new GZIPInputStream(Files.newInputStream(gz))) {
                    return Optional.of(parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), gz.toString()));
                }
            }
            if (Files.isReadable(boot)) {
                return Optional.of(parse(Files.readString(boot), boot.toString()));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("reading the kernel config", e);
        }
        return Optional.empty();
    }

    /** Parses config text; {@code source} names it in reports. */
    public static KernelConfig parse(String text, String source) {
        Map<String, String> values = new HashMap<>();
        for (String raw : text.split("\n")) {
            String line = raw.strip();
            if (line.startsWith("# CONFIG_") && line.endsWith(" is not set")) {
                values.put(line.substring(2, line.length() - " is not set".length()), "n");
            } else if (line.startsWith("CONFIG_")) {
                int eq = line.indexOf('=');
                if (eq > 0) {
                    String value = line.substring(eq + 1);
                    if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
                        value = value.substring(1, value.length() - 1);
                    }
                    values.put(line.substring(0, eq), value);
                }
            }
        }
        return new KernelConfig(Map.copyOf(values), source);
    }

    /** Where the config was read from. */
    public String source() {
        return source;
    }

    /** y, m or n; a flag the config does not mention is off (kconfig leaves some out). */
    public Tristate flag(String name) {
        return switch (values.getOrDefault(name, "n")) {
            case "y" -> Tristate.YES;
            case "m" -> Tristate.MODULE;
            default -> Tristate.NO;
        };
    }

    /** The raw value of a string or number option. */
    public Optional<String> value(String name) {
        return Optional.ofNullable(values.get(name));
    }
}
