package io.ebpfnet.cli;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * What a command accepts: its options (besides {@code --help} and {@code --version}, which every command has) and
 * its subcommands. {@link ParsedArgs} parses a command line against it; {@link HelpText} prints it.
 */
record CliCommand(String name, String description, List<CliOption> options, List<CliCommand> subcommands) {
    static final CliOption HELP = CliOption.flag("--help", "Show this help message and exit.");
    static final CliOption VERSION = CliOption.flag("--version", "Print version information and exit.");

    CliCommand {
        List<CliOption> all = new ArrayList<>(options);
        all.add(HELP);
        all.add(VERSION);
        all.sort(Comparator.comparing(CliOption::name));
        options = List.copyOf(all);
        subcommands = List.copyOf(subcommands);
    }

    CliCommand(String name, String description, List<CliOption> options) {
        this(name, description, options, List.of());
    }

    /** The option called {@code name} ({@code -h} and {@code -V} stand for --help and --version), or null. */
    CliOption option(String name) {
        String full = switch (name) {
            case "-h" -> HELP.name();
            case "-V" -> VERSION.name();
            default -> name;
        };
        return options.stream().filter(o -> o.name().equals(full)).findFirst().orElse(null);
    }

    CliCommand subcommand(String name) {
        return subcommands.stream().filter(c -> c.name().equals(name)).findFirst().orElse(null);
    }
}
