package io.ebpfnet.cli.config;

/**
 * A configuration file the collector cannot use; the message names the file, line, key, value and what is allowed.
 * It is always one line of bounded length, whatever the file held, since the CLI prints it as is.
 */
public class ConfigException extends Exception {
    private static final long serialVersionUID = 1L;

    public ConfigException(String message) {
        super(Quoted.message(message));
    }

    static ConfigException at(String file, int line, String message) {
        return new ConfigException(file + (line > 0 ? ":" + line : "") + ": " + message);
    }
}
