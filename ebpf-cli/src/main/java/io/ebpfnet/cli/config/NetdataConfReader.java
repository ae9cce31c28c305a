package io.ebpfnet.cli.config;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * Netdata's modified INI ({@code ebpf.d/network.conf}): {@code [section]} headers, {@code name = value}
 * lines (names may contain spaces), {@code #} comment lines, any indentation.
 */
final class NetdataConfReader {
    /** Sections Netdata's file has that this collector reads nothing from (no warning for them). */
    private static final Set<String> OTHER_SECTIONS = Set.of("service name", "ebpf programs");
    /** {@code [global]} keys of Netdata's ebpf.d.conf for its other threads (no warning for them). */
    private static final Set<String> OTHER_GLOBAL_KEYS = Set.of("pid table size", "btf path", "ebpf object flavor", "collect pid");

    private NetdataConfReader() {
    }

    static RawConfig read(String text, String file) throws ConfigException {
        RawConfig raw = new RawConfig();
        Map<String, Integer> seen = new HashMap<>();
        String section = "";
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            int lineNo = i + 1;
            String line = lines[i].strip();
            if (line.isEmpty() || line.startsWith("#") || line.startsWith(";")) {
                continue;
            }
            if (line.startsWith("[")) {
                if (!line.endsWith("]") || line.length() < 3) {
                    throw ConfigException.at(file, lineNo, Quoted.of(line) + " is not a [section] header");
                }
                section = line.substring(1, line.length() - 1).strip();
                if (!ConfigKey.sections(false).contains(section) && !OTHER_SECTIONS.contains(section)) {
                    raw.unknownSection(file, lineNo, section, false);
                }
                continue;
            }
            int eq = line.indexOf('=');
            if (eq <= 0) {
                throw ConfigException.at(file, lineNo, Quoted.of(line) + " is not a 'name = value' line");
            }
            String name = line.substring(0, eq).strip();
            String value = line.substring(eq + 1).strip();
            if (section.isEmpty()) {
                throw ConfigException.at(file, lineNo, Quoted.of(name) + " comes before any [section]; options belong under [global]");
            }
            String id = section + "/" + name;
            Integer first = seen.putIfAbsent(id, lineNo);
            if (first != null) {
                throw ConfigException.at(file, lineNo, "key " + Quoted.of(name) + " in [" + Quoted.cut(section) + "] is set twice (first at line " + first + ")");
            }
            ConfigKey key = find(section, name);
            if (key != null) {
                raw.values.put(key, new RawValue(key, value, file, lineNo, null));
            } else if (section.equals("global") && OTHER_GLOBAL_KEYS.contains(name)) {
                continue; // Netdata's, for other threads
            } else if (ConfigKey.sections(false).contains(section)) {
                raw.unknownKey(file, lineNo, section, name, false);
            } // else its section was warned about, or is one of Netdata's this collector ignores
        }
        return raw;
    }

    private static ConfigKey find(String section, String name) {
        for (ConfigKey k : ConfigKey.values()) {
            if (k.section().equals(section) && k.netdataName().equals(name)) {
                return k;
            }
        }
        return null;
    }

}
