package io.ebpfnet.cli.config;

import io.ebpfnet.cli.config.CoreTracing;
import io.ebpfnet.cli.config.TypeFormat;
import io.ebpfnet.socket.LoadMode;

import java.nio.file.Path;
import java.util.Locale;

/**
 * Reads a configuration file in either form — TOML ({@code .toml}) or Netdata's {@code network.conf}
 * INI ({@code .conf}); other names are told apart by content — and checks every value.
 */
public final class ConfigLoader {
    private ConfigLoader() {
    }

    /** The configuration in {@code path}; every refusal is a one-line {@link ConfigException} naming the file. */
    public static CollectorConfig load(Path path) throws ConfigException {
        return from(raw(path), path.toString());
    }

    /**
     * Netdata's two layers, as ebpf.plugin reads them: {@code global} (its {@code ebpf.d.conf}) gives the
     * {@link ConfigKey#EBPF_D_CONF_KEYS} of {@code [global]}, and {@code module} (the socket thread's
     * {@code network.conf}) overrides them and gives the rest. Either may be null; both null gives the defaults.
     * A key of {@code global} that Netdata reads only from the thread's file is ignored with a warning.
     */
    public static CollectorConfig load(Path global, Path module) throws ConfigException {
        if (global == null) {
            return module == null ? CollectorConfig.defaults() : load(module);
        }
        RawConfig merged = raw(global);
        merged.values.keySet().removeIf(key -> {
            if (ConfigKey.EBPF_D_CONF_KEYS.contains(key)) {
                return false;
            }
            RawValue v = merged.values.get(key);
            merged.ignored(v.file(), v.line(), "[" + key.section() + "] " + key.netdataName() + " is not read from " + global.getFileName()
                    + " (Netdata's ebpf.plugin reads it from the thread's file only); set it in network.conf");
            return true;
        });
        String source = global.toString();
        if (module != null) {
            RawConfig own = raw(module);
            merged.values.putAll(own.values);
            merged.append(own);
            source = global + " then " + module;
        }
        return from(merged, source);
    }

    private static RawConfig raw(Path path) throws ConfigException {
        String file = path.toString();
        String text = ConfigFile.read(path);
        if (text.isBlank()) {
            throw ConfigException.at(file, 0, "the file is empty; put options under [global] (see docs/configuration.md) or leave out --config");
        }
        return isToml(path, text) ? TomlConfigReader.read(text, file) : NetdataConfReader.read(text, file);
    }

    /** Netdata's name for what is in {@code path}: "toml" or "netdata". */
    static boolean isToml(Path path, String text) {
        String name = path.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".toml")) {
            return true;
        }
        if (name.endsWith(".conf")) {
            return false;
        }
        // Netdata's names have spaces ("update every = 5"); TOML keys cannot.
        for (String line : text.split("\n")) {
            String l = line.strip();
            int eq = l.indexOf('=');
            if (!l.startsWith("#") && eq > 0 && l.substring(0, eq).strip().contains(" ")) {
                return false;
            }
        }
        return true;
    }

    static CollectorConfig from(RawConfig raw, String source) throws ConfigException {
        Values v = new Values(raw);
        return new CollectorConfig(
                (int) v.integer(ConfigKey.UPDATE_EVERY),
                LoadMode.parse(v.choice(ConfigKey.EBPF_LOAD_MODE)),
                v.bool(ConfigKey.APPS),
                v.bool(ConfigKey.CGROUPS),
                (int) v.integer(ConfigKey.BANDWIDTH_TABLE_SIZE),
                (int) v.integer(ConfigKey.IPV4_CONNECTION_TABLE_SIZE),
                (int) v.integer(ConfigKey.IPV6_CONNECTION_TABLE_SIZE),
                (int) v.integer(ConfigKey.UDP_CONNECTION_TABLE_SIZE),
                TypeFormat.parse(v.choice(ConfigKey.EBPF_TYPE_FORMAT)),
                CoreTracing.parse(v.choice(ConfigKey.EBPF_CORE_TRACING)),
                v.bool(ConfigKey.MAPS_PER_CORE),
                (int) v.integer(ConfigKey.LIFETIME),
                v.string(ConfigKey.APPS_GROUPS_FILE),
                v.bool(ConfigKey.SYSCALL_HOOKS),
                v.bool(ConfigKey.CONNECTIONS_ENABLED),
                v.string(ConfigKey.CONNECTIONS_PORTS),
                v.string(ConfigKey.CONNECTIONS_IPS),
                v.string(ConfigKey.CONNECTIONS_HOSTNAMES),
                v.bool(ConfigKey.CONNECTIONS_LOOPBACK),
                v.bool(ConfigKey.RESOLVE_HOSTNAMES),
                v.bool(ConfigKey.RESOLVE_SERVICE_NAMES),
                source,
                raw.warnings(),
                origins(raw));
    }

    /** Where each key that a file set was set: "FILE:LINE". */
    private static java.util.Map<ConfigKey, String> origins(RawConfig raw) {
        java.util.Map<ConfigKey, String> origins = new java.util.EnumMap<>(ConfigKey.class);
        raw.values.forEach((k, v) -> origins.put(k, v.file() + (v.line() > 0 ? ":" + v.line() : "")));
        return java.util.Collections.unmodifiableMap(origins);
    }

    /** Checks each value against its key. */
    private record Values(RawConfig raw) {
        /** The key's value, refusing an array or a table: no key takes one. */
        private RawValue get(ConfigKey key) throws ConfigException {
            RawValue v = raw.values.get(key);
            if (v == null) {
                return new RawValue(key, key.defaultValue(), "(default)", 0, null);
            }
            if ("array".equals(v.tomlType()) || "table".equals(v.tomlType())) {
                throw ConfigException.at(v.file(), v.line(), name(v) + " is " + TomlConfigReader.withArticle(v.tomlType())
                        + "; expected " + key.allowed());
            }
            return v;
        }

        long integer(ConfigKey key) throws ConfigException {
            RawValue v = get(key);
            if (v.tomlType() != null && !v.tomlType().equals("integer")) {
                throw bad(v, "is a TOML " + v.tomlType() + "; expected " + key.allowed());
            }
            long n;
            try {
                n = Long.parseLong(v.text().strip());
            } catch (NumberFormatException e) {
                throw bad(v, "is not a whole number; expected " + key.allowed());
            }
            if (n < key.min() || n > key.max()) {
                throw bad(v, "is out of range; expected " + key.allowed());
            }
            return n;
        }

        boolean bool(ConfigKey key) throws ConfigException {
            RawValue v = get(key);
            if (v.tomlType() != null && !v.tomlType().equals("boolean") && !v.tomlType().equals("string")) {
                throw bad(v, "is a TOML " + v.tomlType() + "; expected true/false or \"yes\"/\"no\"");
            }
            return switch (v.text().strip().toLowerCase(Locale.ROOT)) {
                case "yes", "true", "on", "1" -> true;
                case "no", "false", "off", "0" -> false;
                default -> throw bad(v, "is not yes or no");
            };
        }

        String choice(ConfigKey key) throws ConfigException {
            RawValue v = get(key);
            String s = v.text().strip().toLowerCase(Locale.ROOT);
            if (!key.choices().contains(s)) {
                throw bad(v, "is not allowed; expected " + key.allowed());
            }
            return s;
        }

        String string(ConfigKey key) throws ConfigException {
            return get(key).text().strip();
        }

        private static ConfigException bad(RawValue v, String why) {
            return ConfigException.at(v.file(), v.line(), name(v) + " = " + Quoted.of(v.text()) + " " + why);
        }

        private static String name(RawValue v) {
            return v.tomlType() != null ? v.key().tomlSection() + "." + v.key().tomlName()
                    : "[" + v.key().section() + "] " + v.key().netdataName();
        }
    }
}
