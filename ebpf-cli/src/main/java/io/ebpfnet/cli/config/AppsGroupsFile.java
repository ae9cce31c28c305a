package io.ebpfnet.cli.config;

import io.ebpfnet.cli.config.AppsGroups;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;

/** Reads the {@code apps groups file} a configuration names, with the same limits and messages as the configuration itself. */
public final class AppsGroupsFile {
    private AppsGroupsFile() {
    }

    /** The groups in {@code file}; {@code configuredIn} (the configuration file) is named when the file cannot be read. */
    public static AppsGroups load(String file, String configuredIn) throws ConfigException {
        String text;
        Path path;
        try {
            path = Path.of(file);
        } catch (InvalidPathException e) { // a TOML string may hold a NUL ("\u0000")
            throw new ConfigException(file + ": not a usable path: " + e.getReason() + " (the apps groups file set in " + configuredIn + ")");
        }
        try {
            text = ConfigFile.read(path);
        } catch (ConfigException e) {
            throw new ConfigException(e.getMessage() + " (the apps groups file set in " + configuredIn + ")");
        }
        try {
            return AppsGroups.parse(text, path.toString());
        } catch (IllegalArgumentException e) { // the parser's message names the file and the line
            throw new ConfigException(e.getMessage());
        }
    }
}
