package io.ebpfnet.cli.config;

import org.tomlj.Toml;
import org.tomlj.TomlArray;
import org.tomlj.TomlParseError;
import org.tomlj.TomlParseResult;
import org.tomlj.TomlPosition;
import org.tomlj.TomlTable;

import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;

/** The TOML form: {@code [global]} and {@code [network_connections]} tables, Netdata's names in snake_case. */
final class TomlConfigReader {
    private TomlConfigReader() {
    }

    static RawConfig read(String text, String file) throws ConfigException {
        TomlBounds.check(text, file);
        TomlParseResult toml = Toml.parse(text);
        if (toml.hasErrors()) {
            TomlParseError e = toml.errors().getFirst();
            throw ConfigException.at(file, e.position() == null ? 0 : e.position().line(), "not valid TOML: " + e.getMessage());
        }
        RawConfig raw = new RawConfig();
        for (Map.Entry<String, Object> section : toml.entrySet()) {
            String name = section.getKey();
            // The List forms: the String ones parse their argument as a dotted key, which a quoted key may not be.
            int sectionLine = line(toml.inputPositionOf(List.of(name)));
            boolean known = ConfigKey.sections(true).contains(name);
            if (section.getValue() instanceof TomlTable table && known) {
                for (String key : table.keySet()) {
                    int line = line(table.inputPositionOf(List.of(key)));
                    Object value = table.get(List.of(key));
                    ConfigKey k = find(name, key);
                    if (k == null) {
                        raw.unknownKey(file, line, name, key, true);
                    } else {
                        raw.values.put(k, new RawValue(k, text(value), file, line, type(value)));
                    }
                }
            } else if (known) {
                throw ConfigException.at(file, sectionLine, name + " is " + withArticle(type(section.getValue()))
                        + "; expected a table [" + name + "]");
            } else if (section.getValue() instanceof TomlTable || isArrayOfTables(section.getValue())) {
                raw.unknownSection(file, sectionLine, name, true);
            } else {
                raw.unknownKey(file, sectionLine, "", name, true);
            }
        }
        return raw;
    }

    /** {@code [[name]]}; not TomlArray.containsTables(), which tomlj 1.1.1 no longer implements (it throws). */
    private static boolean isArrayOfTables(Object value) {
        return value instanceof TomlArray a && !a.isEmpty() && a.get(0) instanceof TomlTable;
    }

    private static ConfigKey find(String section, String name) {
        for (ConfigKey k : ConfigKey.values()) {
            if (k.tomlSection().equals(section) && k.tomlName().equals(name)) {
                return k;
            }
        }
        return null;
    }

    /** A scalar as text; arrays and tables have none worth showing (they are refused by their type). */
    private static String text(Object value) {
        return switch (value) {
            case Boolean b -> b ? "yes" : "no";
            case TomlArray ignored -> "";
            case TomlTable ignored -> "";
            default -> String.valueOf(value);
        };
    }

    /** The TOML type's name, as the TOML specification names it. */
    static String type(Object value) {
        return switch (value) {
            case Long ignored -> "integer";
            case Boolean ignored -> "boolean";
            case String ignored -> "string";
            case Double ignored -> "float";
            case TomlArray ignored -> "array";
            case TomlTable ignored -> "table";
            case OffsetDateTime ignored -> "offset date-time";
            case LocalDateTime ignored -> "local date-time";
            case LocalDate ignored -> "local date";
            case LocalTime ignored -> "local time";
            default -> "value";
        };
    }

    /** "an array", "a string", … */
    static String withArticle(String type) {
        return ("aeiou".indexOf(type.charAt(0)) >= 0 ? "an " : "a ") + type;
    }

    private static int line(TomlPosition p) {
        return p == null ? 0 : p.line();
    }
}
