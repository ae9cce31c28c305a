package io.ebpfnet.cli.config;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;

/** Reads the {@code apps groups file} a configuration names, with the same limits and messages as the configuration itself. */
public final class AppsGroupsFile {
    private AppsGroupsFile() {
    }

    /**
     * The groups in use and where they come from.
     *
     * @param from the file read, or {@link #BUILT_IN}
     */
    public record Loaded(AppsGroups groups, String from) {
    }

    /** What {@link Loaded#from} says of the collector's own file. */
    public static final String BUILT_IN = "built-in";

    /**
     * The groups as the collector uses them: the configured {@code apps groups file}; else, as apps.plugin finds it,
     * Netdata's {@code apps_groups.conf} in the user's configuration directory, then in the stock one; else the built-in file.
     */
    public static Loaded resolve(CollectorConfig cfg, NetdataDirs dirs) throws ConfigException {
        if (!cfg.appsGroupsFile().isEmpty()) {
            String setIn = cfg.origin(ConfigKey.APPS_GROUPS_FILE).replaceFirst(":[0-9]+$", "");
            return new Loaded(load(cfg.appsGroupsFile(), setIn), cfg.appsGroupsFile());
        }
        Path netdata = dirs.find("apps_groups.conf");
        if (netdata != null) {
            return new Loaded(read(netdata.toString(), "Netdata's apps_groups.conf, found in " + netdata.getParent()), netdata.toString());
        }
        return new Loaded(AppsGroups.defaults(), BUILT_IN);
    }

    /** The groups in {@code file}; {@code configuredIn} (the configuration file) is named when the file cannot be read. */
    public static AppsGroups load(String file, String configuredIn) throws ConfigException {
        return read(file, "the apps groups file set in " + configuredIn);
    }

    /** The groups in {@code file}; {@code what} says in a refusal which file it is. */
    private static AppsGroups read(String file, String what) throws ConfigException {
        String text;
        Path path;
        try {
            path = Path.of(file);
        } catch (InvalidPathException e) { // a TOML string may hold a NUL ("\u0000")
            throw new ConfigException(file + ": not a usable path: " + e.getReason() + " (" + what + ")");
        }
        try {
            text = ConfigFile.read(path);
        } catch (ConfigException e) {
            throw new ConfigException(e.getMessage() + " (" + what + ")");
        }
        try {
            return AppsGroups.parse(text, path.toString());
        } catch (IllegalArgumentException e) { // the parser's message names the file and the line
            throw new ConfigException(e.getMessage());
        }
    }
}
