package io.ebpfnet.cli.config;

/**
 * A configuration file the collector cannot use; the message names the file, line, key, value and what is allowed.
 * It is always one line of bounded length, whatever the file held, since the CLI prints it as is.
 */
public class ConfigException extends Exception {
    private static final long serialVersionUID = 1L;
    /** Room for a long path and a cut value, not for a whole file. */
    static final int MAX_MESSAGE = 1000;

    public ConfigException(String message) {
        super(bounded(message));
    }

    static ConfigException at(String file, int line, String message) {
        return new ConfigException(file + (line > 0 ? ":" + line : "") + ": " + message);
    }

    private static String bounded(String message) {
        String one = Quoted.oneLine(message);
        return one.length() > MAX_MESSAGE ? one.substring(0, MAX_MESSAGE - 3) + "..." : one;
    }
}
