package io.ebpfnet.cli;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** --help of every command: each option and subcommand with its whole description, within 80 columns. */
class HelpTextTest {
    private static List<CliCommand> commands() {
        List<CliCommand> all = new ArrayList<>(List.of(RootCommand.COMMAND));
        all.addAll(RootCommand.COMMAND.subcommands());
        return all;
    }

    private static String help(CliCommand command) throws UsageException {
        String[] args = command == RootCommand.COMMAND ? new String[] {"--help"} : new String[] {command.name(), "--help"};
        return HelpText.of(ParsedArgs.parse(RootCommand.COMMAND, args));
    }

    /** An option's first line: its names, then its description from some column (group 1 ends there). */
    private static final Pattern OPTION_LINE = Pattern.compile("^(?:  -[hV], |      )--\\S+( +)\\S");

    /** The text with every run of white space one space: wrapping and indentation left out. */
    private static String flat(String text) {
        return text.replaceAll("\\s+", " ");
    }

    @Test
    void everyOptionIsShownWithItsWholeDescription() throws UsageException {
        for (CliCommand command : commands()) {
            String help = flat(help(command));
            for (CliOption option : command.options()) {
                assertTrue(help.contains(" " + option.label() + " " + flat(option.description())),
                        command.name() + " " + option.name() + " in\n" + help(command));
            }
        }
        assertTrue(flat(help(RootCommand.COMMAND)).contains(" -h, --help Show this help message and exit."));
        assertTrue(flat(help(RootCommand.COMMAND)).contains(" -V, --version Print version information and exit."));
    }

    @Test
    void theRootListsItsSubcommandsAndEveryHelpTheExitCodes() throws UsageException {
        String root = flat(help(RootCommand.COMMAND));
        assertTrue(root.startsWith("Usage: ebpf-cli [OPTIONS] [COMMAND] " + flat(RootCommand.COMMAND.description())), root);
        for (CliCommand sub : RootCommand.COMMAND.subcommands()) {
            assertTrue(root.contains(" " + sub.name() + " " + flat(sub.description())), sub.name());
            assertTrue(help(sub).startsWith("Usage: ebpf-cli " + sub.name() + " [OPTIONS]\n"), help(sub));
        }
        for (CliCommand command : commands()) {
            for (ExitCode code : ExitCode.values()) {
                assertTrue(help(command).contains("\n  " + code.code() + "   " + code.meaning() + "\n"), command.name() + " " + code);
            }
        }
    }

    @Test
    void linesFitIn80ColumnsAndDescriptionsStartInOneColumn() throws UsageException {
        for (CliCommand command : commands()) {
            String help = help(command);
            List<Integer> starts = new ArrayList<>();
            for (String line : help.split("\n")) {
                assertTrue(line.length() <= 80, line.length() + " columns: " + line);
                Matcher option = OPTION_LINE.matcher(line);
                if (option.find()) {
                    starts.add(option.end(1));
                }
            }
            assertEquals(1, starts.stream().distinct().count(), command.name() + ": descriptions start at " + starts);
        }
    }
}
