package io.ebpfnet.cli;

/**
 * One option of a command: its long name, the value it takes ({@code null} for a flag, which takes none) and
 * its help text.
 */
record CliOption(String name, String valueLabel, String description) {
    static CliOption flag(String name, String description) {
        return new CliOption(name, null, description);
    }

    static CliOption value(String name, String valueLabel, String description) {
        return new CliOption(name, valueLabel, description);
    }

    boolean isFlag() {
        return valueLabel == null;
    }

    /** As the usage line and the help show it: {@code --config=FILE}, {@code --json}. */
    String label() {
        return isFlag() ? name : name + "=" + valueLabel;
    }
}
