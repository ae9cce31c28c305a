package io.ebpfnet.cli;

import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Each command reads only options it declares (a typo would fail every run), and --version answers everywhere. */
class CommandOptionsTest {
    @Test
    void everyCommandReadsOnlyWhatItDeclares() throws UsageException {
        PrintWriter sink = new PrintWriter(new StringWriter());
        // The constructors read every option they know; an undeclared name throws IllegalArgumentException.
        assertTrue(Main.command(ParsedArgs.parse(RootCommand.COMMAND), sink, sink, Map.of(), false) instanceof RootCommand);
        for (CliCommand sub : RootCommand.COMMAND.subcommands()) {
            Main.command(ParsedArgs.parse(RootCommand.COMMAND, sub.name()), sink, sink, Map.of(), false);
        }
    }

    @Test
    void versionIsPrintedByEveryCommandAndLoadsNothing() {
        for (String[] args : new String[][] {{"--version"}, {"-V"}, {"detect", "--version"}, {"connections", "-V"}}) {
            CliRun run = CliRun.of(args);
            assertEquals(0, run.exitCode(), run.err());
            assertTrue(run.out().startsWith("ebpf-cli "), run.out());
            assertEquals("", run.err());
        }
    }
}
