package io.ebpfnet.cli;

/** {@code --help}: a command's usage, options, subcommands and the exit codes, wrapped at 80 columns. */
final class HelpText {
    private static final int WIDTH = 80;

    private HelpText() {
    }

    static String of(ParsedArgs parsed) {
        CliCommand command = parsed.command();
        StringBuilder sb = new StringBuilder("Usage: ").append(parsed.path()).append(" [OPTIONS]")
                .append(command.subcommands().isEmpty() ? "" : " [COMMAND]").append('\n');
        wrap(sb, "", command.description(), 0);
        sb.append("\nOptions:\n");
        int column = 0;
        for (CliOption o : command.options()) {
            column = Math.max(column, optionPrefix(o).length() + 2);
        }
        for (CliOption o : command.options()) {
            wrap(sb, optionPrefix(o), o.description(), Math.min(column, 30));
        }
        if (!command.subcommands().isEmpty()) {
            sb.append("\nCommands:\n");
            int width = command.subcommands().stream().mapToInt(c -> c.name().length()).max().orElse(0) + 4;
            command.subcommands().forEach(c -> wrap(sb, "  " + c.name(), c.description(), width));
        }
        sb.append("\nExit codes:\n");
        for (ExitCode code : ExitCode.values()) {
            sb.append("  ").append(code.code()).append("   ").append(code.meaning()).append('\n');
        }
        return sb.toString();
    }

    private static String optionPrefix(CliOption o) {
        String shortName = o == CliCommand.HELP ? "-h, " : o == CliCommand.VERSION ? "-V, " : "    ";
        return "  " + shortName + o.label();
    }

    /**
     * Appends {@code prefix}, then {@code text} from column {@code column} (one space after the prefix when the prefix
     * reaches that column), wrapped at word boundaries; continuation lines are indented two more columns.
     */
    private static void wrap(StringBuilder sb, String prefix, String text, int column) {
        StringBuilder line = new StringBuilder(prefix);
        int indent = column;
        if (line.length() >= column && column > 0) {
            line.append(' ');
        } else {
            line.append(" ".repeat(column - line.length()));
        }
        boolean first = true;
        for (String word : text.split(" ")) {
            if (!first && line.length() + 1 + word.length() > WIDTH) {
                sb.append(line.toString().stripTrailing()).append('\n');
                indent = column + (column > 0 ? 2 : 0);
                line = new StringBuilder(" ".repeat(indent));
                first = true;
            }
            line.append(first ? "" : " ").append(word);
            first = false;
        }
        sb.append(line).append('\n');
    }
}
