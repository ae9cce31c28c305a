package io.ebpfnet.cli.config;

import org.tomlj.Toml;
import org.tomlj.TomlParseError;
import org.tomlj.TomlParseResult;
import org.tomlj.TomlPosition;
import org.tomlj.TomlTable;

import java.util.Map;

/** The TOML form: {@code [global]} and {@code [network_connections]} tables, Netdata's names in snake_case. */
final class TomlConfigReader {
    private TomlConfigReader() {
    }

    static RawConfig read(String text, String file) throws ConfigException {
        TomlParseResult toml = Toml.parse(text);
        if (toml.hasErrors()) {
            TomlParseError e = toml.errors().getFirst();
            throw ConfigException.at(file, e.position() == null ? 0 : e.position().line(), "not valid TOML: " + e.getMessage());
        }
        RawConfig raw = new RawConfig();
        for (Map.Entry<String, Object> section : toml.entrySet()) {
            int sectionLine = line(toml.inputPositionOf(section.getKey()));
            if (!(section.getValue() instanceof TomlTable table)) {
                raw.unknown(file, sectionLine, "(top level)", section.getKey(), true);
                continue;
            }
            for (String name : table.keySet()) {
                int line = line(table.inputPositionOf(name));
                Object value = table.get(name);
                ConfigKey key = find(section.getKey(), name);
                if (key == null) {
                    raw.unknown(file, line, section.getKey(), name, true);
                    continue;
                }
                raw.values.put(key, new RawValue(key, text(value), file, line, type(value)));
            }
        }
        return raw;
    }

    private static ConfigKey find(String section, String name) {
        for (ConfigKey k : ConfigKey.values()) {
            if (k.tomlSection().equals(section) && k.tomlName().equals(name)) {
                return k;
            }
        }
        return null;
    }

    private static String text(Object value) {
        if (value instanceof Boolean b) {
            return b ? "yes" : "no";
        }
        return String.valueOf(value);
    }

    private static String type(Object value) {
        return switch (value) {
            case Long ignored -> "integer";
            case Boolean ignored -> "boolean";
            case String ignored -> "string";
            case Double ignored -> "float";
            default -> value.getClass().getSimpleName().toLowerCase(java.util.Locale.ROOT);
        };
    }

    private static int line(TomlPosition p) {
        return p == null ? 0 : p.line();
    }
}
