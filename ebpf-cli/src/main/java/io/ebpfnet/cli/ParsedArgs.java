package io.ebpfnet.cli;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A command line parsed against a {@link CliCommand}: the command it names (a subcommand comes first) and the
 * option values given, {@code --name value} or {@code --name=value}; each option at most once. The typed
 * getters convert a value when asked, so every conversion error is a {@link UsageException} found before the
 * command does anything.
 */
final class ParsedArgs {
    private final CliCommand command;
    private final String path;
    private final Map<String, String> values;

    private ParsedArgs(CliCommand command, String path, Map<String, String> values) {
        this.command = command;
        this.path = path;
        this.values = values;
    }

    static ParsedArgs parse(CliCommand root, String... args) throws UsageException {
        CliCommand command = root;
        String path = root.name();
        int i = 0;
        if (args.length > 0 && !args[0].startsWith("-") && !root.subcommands().isEmpty()) {
            command = root.subcommand(args[0]);
            if (command == null) {
                throw new UsageException("unknown command '" + args[0] + "'; the commands are "
                        + root.subcommands().stream().map(CliCommand::name).collect(Collectors.joining(" and ")));
            }
            path += " " + command.name();
            i = 1;
        }
        Map<String, String> values = new HashMap<>();
        for (; i < args.length; i++) {
            String arg = args[i];
            String name = optionName(arg);
            boolean inlineValue = name.length() < arg.length(); // --name=value
            CliOption option = command.option(name);
            if (option == null) {
                throw new UsageException(!arg.startsWith("-") ? "unexpected argument '" + arg + "'"
                        + (root.subcommand(arg) != null ? " (a command comes first)" : "")
                        : "unknown option " + name + (command == root ? "" : " of " + command.name()));
            }
            String value;
            if (option.isFlag()) {
                if (inlineValue) {
                    throw new UsageException(option.name() + " takes no value");
                }
                value = "";
            } else if (inlineValue) {
                value = arg.substring(name.length() + 1);
            } else if (i + 1 < args.length && command.option(optionName(args[i + 1])) == null) {
                value = args[++i]; // --lifetime -1 is a value, found out of range later; --config --help is not
            } else {
                throw new UsageException(option.name() + " needs a value (" + option.valueLabel() + ")");
            }
            if (value.isEmpty() && !option.isFlag()) {
                throw new UsageException(option.name() + " needs a value (" + option.valueLabel() + "), not an empty one");
            }
            if (values.putIfAbsent(option.name(), value) != null) {
                throw new UsageException(option.name() + " is given more than once");
            }
        }
        return new ParsedArgs(command, path, values);
    }

    /* The option an argument names: --name of --name=value. */
    private static String optionName(String arg) {
        int equals = arg.startsWith("--") ? arg.indexOf('=') : -1;
        return equals < 0 ? arg : arg.substring(0, equals);
    }

    CliCommand command() {
        return command;
    }

    /** The command as typed: {@code ebpf-cli} or {@code ebpf-cli detect}. */
    String path() {
        return path;
    }

    boolean has(String name) {
        return values.containsKey(declared(name).name());
    }

    boolean flag(String name) {
        return has(name);
    }

    /** The value given, or null. */
    String text(String name) {
        return values.get(declared(name).name());
    }

    /** The whole number given, or null. */
    Integer integer(String name) throws UsageException {
        String v = text(name);
        if (v == null) {
            return null;
        }
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new UsageException(name + ": '" + v + "' is " + (v.matches("-?[0-9]+") ? "out of range" : "not a whole number"));
        }
    }

    int integer(String name, int otherwise) throws UsageException {
        Integer v = integer(name);
        return v != null ? v : otherwise;
    }

    /** The path given, or null. */
    Path path(String name) throws UsageException {
        String v = text(name);
        try {
            return v == null ? null : Path.of(v);
        } catch (InvalidPathException e) {
            throw new UsageException(name + ": '" + v + "' is not a path: " + e.getReason());
        }
    }

    /** The constant of {@code type} named by the value, in any case, or null. */
    <E extends Enum<E>> E choice(String name, Class<E> type) throws UsageException {
        String v = text(name);
        if (v == null) {
            return null;
        }
        for (E constant : type.getEnumConstants()) {
            if (constant.name().equalsIgnoreCase(v)) {
                return constant;
            }
        }
        throw new UsageException(name + ": expected one of " + Arrays.stream(type.getEnumConstants())
                .map(c -> c.name().toLowerCase(Locale.ROOT)).collect(Collectors.joining(", ")) + ", not '" + v + "'");
    }

    private CliOption declared(String name) {
        CliOption option = command.option(name);
        if (option == null) {
            throw new IllegalArgumentException(command.name() + " declares no option " + name);
        }
        return option;
    }
}
