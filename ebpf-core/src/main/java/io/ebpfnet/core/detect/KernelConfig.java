package io.ebpfnet.core.detect;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.zip.GZIPInputStream;

/** A kernel build configuration: the {@code CONFIG_X=…} and {@code # CONFIG_X is not set} lines. */
public final class KernelConfig {
    private static final String NOT_SET = " is not set";

    private final Map<String, String> values;
    private final String source;

    private KernelConfig(Map<String, String> values, String source) {
        this.values = values;
        this.source = source;
    }

    /**
     * The running kernel's config: {@code proc/config.gz} (CONFIG_IKCONFIG_PROC), else
     * {@code boot/config-<release>}. Empty when neither can be read: the flags are then
     * <em>unknown</em>, which is not the same as off.
     */
    public static Optional<KernelConfig> load(SystemPaths paths, String release) {
        Path gz = paths.proc().resolve("config.gz");
        Path boot = paths.boot().resolve("config-" + release);
        // A damaged file is treated like a missing one: detection reports instead of failing.
        try {
            if (Files.isReadable(gz)) {
                try (InputStream in = new GZIPInputStream(Files.newInputStream(gz))) {
                    return Optional.of(parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), gz.toString()));
                }
            }
        } catch (IOException e) {
            // fall through to /boot
        }
        try {
            if (Files.isReadable(boot)) {
                return Optional.of(parse(Files.readString(boot), boot.toString()));
            }
        } catch (IOException e) {
            // unknown
        }
        return Optional.empty();
    }

    /** Parses config text; {@code source} names where it came from in reports. */
    public static KernelConfig parse(String text, String source) {
        Map<String, String> values = new HashMap<>();
        for (String raw : text.split("\n")) {
            String line = raw.strip();
            if (line.startsWith("# CONFIG_") && line.endsWith(NOT_SET)) {
                values.put(line.substring(2, line.length() - NOT_SET.length()).strip(), "n");
            } else if (line.startsWith("CONFIG_")) {
                int eq = line.indexOf('=');
                if (eq > 0) {
                    values.put(line.substring(0, eq).strip(), unquote(line.substring(eq + 1).strip()));
                }
            }
        }
        return new KernelConfig(Map.copyOf(values), source);
    }

    /** Where the config was read from. */
    public String source() {
        return source;
    }

    /** y, m or n; a name the config does not mention is off (kconfig omits some disabled options). */
    public Tristate flag(String name) {
        return switch (values.getOrDefault(name, "n")) {
            case "y" -> Tristate.YES;
            case "m" -> Tristate.MODULE;
            default -> Tristate.NO;
        };
    }

    /** The raw value of an option ("y", "m", "n", a string without its quotes, or a number). */
    public Optional<String> value(String name) {
        return Optional.ofNullable(values.get(name));
    }

    private static String unquote(String value) {
        if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
            return value.substring(1, value.length() - 1).replace("\\\"", "\"").replace("\\\\", "\\");
        }
        return value;
    }
}
