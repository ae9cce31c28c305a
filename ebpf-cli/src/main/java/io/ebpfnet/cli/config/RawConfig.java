package io.ebpfnet.cli.config;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** What a reader found in a file: the known keys' values, and warnings about the rest (at most {@link #MAX_WARNINGS} kept). */
final class RawConfig {
    /** A file of unknown keys must not print a million lines; the first ones show the mistake. */
    static final int MAX_WARNINGS = 20;

    final Map<ConfigKey, RawValue> values = new EnumMap<>(ConfigKey.class);
    private final List<String> warnings = new ArrayList<>();
    private final Set<String> unknownSections = new HashSet<>();
    private int notShown;

    /** The warnings, the last saying how many more there were. */
    List<String> warnings() {
        if (notShown == 0) {
            return List.copyOf(warnings);
        }
        List<String> all = new ArrayList<>(warnings);
        all.add(notShown + " more warning" + (notShown == 1 ? "" : "s") + " not shown");
        return List.copyOf(all);
    }

    private void warn(String file, int line, String message) {
        if (warnings.size() < MAX_WARNINGS) {
            warnings.add(Quoted.message(file + (line > 0 ? ":" + line : "") + ": " + message));
        } else {
            notShown++;
        }
    }

    /** A known key that this file may not set: warn. */
    void ignored(String file, int line, String message) {
        warn(file, line, message);
    }

    /** Adds {@code other}'s warnings after this one's (the limit applies to the sum). */
    void append(RawConfig other) {
        for (String w : other.warnings) {
            if (warnings.size() < MAX_WARNINGS) {
                warnings.add(w);
            } else {
                notShown++;
            }
        }
        notShown += other.notShown;
    }

    /** A key the reader does not know in a known section (or, in TOML, outside any table): warn, naming a close valid key. */
    void unknownKey(String file, int line, String section, String key, boolean toml) {
        if (warnings.size() >= MAX_WARNINGS) {
            notShown++; // no need to look for a suggestion nobody will see
            return;
        }
        List<String> names = new ArrayList<>();
        List<ConfigKey> keys = new ArrayList<>();
        for (boolean sameSection : new boolean[] {true, false}) { // a tie goes to the key's own section
            for (ConfigKey k : ConfigKey.values()) {
                if ((toml ? k.tomlSection() : k.section()).equals(section) == sameSection) {
                    names.add(toml ? k.tomlName() : k.netdataName());
                    keys.add(k);
                }
            }
        }
        String nearest = NearestName.of(key, names);
        String hint = "";
        if (nearest != null) {
            ConfigKey k = keys.get(names.indexOf(nearest));
            hint = "; did you mean " + (toml ? k.tomlSection() + "." + k.tomlName() : "[" + k.section() + "] " + k.netdataName()) + "?";
        }
        String where = section.isEmpty() ? "outside any table" : "in [" + Quoted.cut(section) + "]";
        warn(file, line, "unknown key " + Quoted.of(key) + " " + where + " is ignored" + hint);
    }

    /** A section the reader does not know: warn once, listing the known ones; its keys are ignored with it. */
    void unknownSection(String file, int line, String section, boolean toml) {
        if (!unknownSections.add(section)) {
            return;
        }
        List<String> known = ConfigKey.sections(toml);
        String nearest = NearestName.of(section, known);
        warn(file, line, "unknown section [" + Quoted.cut(section) + "] is ignored; known sections: "
                + String.join(", ", known.stream().map(s -> "[" + s + "]").toList())
                + (nearest != null ? "; did you mean [" + nearest + "]?" : ""));
    }
}
