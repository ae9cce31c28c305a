package io.ebpfnet.cli.config;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/** What a reader found in a file: the known keys' values, and warnings about the rest. */
final class RawConfig {
    final Map<ConfigKey, RawValue> values = new EnumMap<>(ConfigKey.class);
    final List<String> warnings = new ArrayList<>();

    /** A key the reader does not know: warn, naming the closest valid key. */
    void unknown(String file, int line, String section, String key, boolean toml) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (ConfigKey k : ConfigKey.values()) {
            String candidate = toml ? k.tomlName() : k.netdataName();
            int d = distance(key, candidate);
            if (d < bestDistance) {
                bestDistance = d;
                best = toml ? k.tomlSection() + "." + candidate : "[" + k.section() + "] " + candidate;
            }
        }
        warnings.add(file + ":" + line + ": unknown key '" + key + "' in [" + section + "] is ignored"
                + (bestDistance <= Math.max(3, key.length() / 3) ? "; did you mean " + best + "?" : ""));
    }

    /** Levenshtein distance. */
    static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
