package io.ebpfnet.cli;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The command-line rules: a subcommand first, {@code --name value} or {@code --name=value}, each option once. */
class ParsedArgsTest {
    private static final CliCommand SUB = new CliCommand("sub", "A subcommand.",
            List.of(CliOption.flag("--json", "JSON."), CliOption.value("--mode", "MODE", "A mode.")));
    private static final CliCommand ROOT = new CliCommand("tool", "The tool.",
            List.of(CliOption.value("--interval", "SECONDS", "Seconds."), CliOption.value("--config", "FILE", "A file."),
                    CliOption.value("--format", "FORMAT", "A format."), CliOption.flag("--strict", "Strict.")),
            List.of(SUB));

    private static String usageError(String... args) {
        return assertThrows(UsageException.class, () -> ParsedArgs.parse(ROOT, args)).getMessage();
    }

    @Test
    void aValueFollowsItsOptionOrItsEqualsSign() throws UsageException {
        assertEquals(5, ParsedArgs.parse(ROOT, "--interval", "5").integer("--interval"));
        assertEquals(5, ParsedArgs.parse(ROOT, "--interval=5").integer("--interval"));
        assertEquals(Path.of("a=b.toml"), ParsedArgs.parse(ROOT, "--config=a=b.toml").path("--config"));
    }

    @Test
    void theValueIsTheNextArgumentUnlessItNamesAnOption() throws UsageException {
        // --interval -1 is a value out of range, not an unknown option -1
        assertEquals(-1, ParsedArgs.parse(ROOT, "--interval", "-1").integer("--interval"));
        assertEquals("--stric", ParsedArgs.parse(ROOT, "--config", "--stric").text("--config"));
    }

    @Test
    void optionsNotGivenAreAbsent() throws UsageException {
        ParsedArgs none = ParsedArgs.parse(ROOT);
        assertEquals(ROOT, none.command());
        assertEquals("tool", none.path());
        assertFalse(none.has("--interval"));
        assertNull(none.integer("--interval"));
        assertEquals(7, none.integer("--interval", 7));
        assertNull(none.path("--config"));
        assertNull(none.choice("--format", OutputFormat.class));
        assertFalse(none.flag("--strict"));
        assertTrue(ParsedArgs.parse(ROOT, "--strict").flag("--strict"));
    }

    @Test
    void aSubcommandComesFirstAndHasItsOwnOptions() throws UsageException {
        ParsedArgs sub = ParsedArgs.parse(ROOT, "sub", "--json", "--mode", "x");
        assertEquals(SUB, sub.command());
        assertEquals("tool sub", sub.path());
        assertTrue(sub.flag("--json"));
        assertEquals("x", sub.text("--mode"));
        assertEquals("unexpected argument 'sub' (a command comes first)", usageError("--strict", "sub"));
        assertEquals("unknown option --interval of sub", usageError("sub", "--interval", "1"));
        assertEquals("unknown command 'subb'; the commands are sub", usageError("subb"));
    }

    @Test
    void malformedLinesAreUsageErrors() {
        assertEquals("unknown option --intervl", usageError("--intervl", "1"));
        assertEquals("unknown option -x", usageError("-x"));
        assertEquals("unexpected argument '1'", usageError("--strict", "1"));
        assertEquals("--interval needs a value (SECONDS)", usageError("--interval"));
        assertEquals("--strict takes no value", usageError("--strict=yes"));
        assertEquals("--interval is given more than once", usageError("--interval", "1", "--interval=2"));
        assertEquals("--strict is given more than once", usageError("--strict", "--strict"));
        // an option's name is not taken for another's value
        assertEquals("--config needs a value (FILE)", usageError("--config", "--strict"));
        assertEquals("--config needs a value (FILE)", usageError("--config", "--interval=5"));
        assertEquals("--config needs a value (FILE)", usageError("--config", "-h"));
        assertEquals("--config needs a value (FILE), not an empty one", usageError("--config="));
        assertEquals("--config needs a value (FILE), not an empty one", usageError("--config", ""));
    }

    @Test
    void conversionsFailAsUsageErrorsNamingTheOption() throws UsageException {
        ParsedArgs word = ParsedArgs.parse(ROOT, "--interval", "five");
        assertEquals("--interval: 'five' is not a whole number",
                assertThrows(UsageException.class, () -> word.integer("--interval")).getMessage());
        ParsedArgs huge = ParsedArgs.parse(ROOT, "--interval", "2147483648");
        assertEquals("--interval: '2147483648' is out of range",
                assertThrows(UsageException.class, () -> huge.integer("--interval")).getMessage());
        ParsedArgs low = ParsedArgs.parse(ROOT, "--interval", "-2147483649");
        assertEquals("--interval: '-2147483649' is out of range",
                assertThrows(UsageException.class, () -> low.integer("--interval")).getMessage());
        ParsedArgs format = ParsedArgs.parse(ROOT, "--format", "yaml");
        assertEquals("--format: expected one of table, json, netdata, not 'yaml'",
                assertThrows(UsageException.class, () -> format.choice("--format", OutputFormat.class)).getMessage());
        ParsedArgs nul = ParsedArgs.parse(ROOT, "--config", "a\0b");
        assertTrue(assertThrows(UsageException.class, () -> nul.path("--config")).getMessage().startsWith("--config: "));
    }

    @Test
    void choicesIgnoreCase() throws UsageException {
        assertEquals(OutputFormat.JSON, ParsedArgs.parse(ROOT, "--format", "JSON").choice("--format", OutputFormat.class));
        assertEquals(OutputFormat.NETDATA, ParsedArgs.parse(ROOT, "--format=Netdata").choice("--format", OutputFormat.class));
    }

    @Test
    void everyCommandHasHelpAndVersionWithTheirShortNames() throws UsageException {
        assertTrue(ParsedArgs.parse(ROOT, "-h").flag("--help"));
        assertTrue(ParsedArgs.parse(ROOT, "sub", "--help").flag("--help"));
        assertTrue(ParsedArgs.parse(ROOT, "sub", "-V").flag("--version"));
    }

    @Test
    void askingForAnUndeclaredOptionIsAProgrammingError() throws UsageException {
        ParsedArgs none = ParsedArgs.parse(ROOT);
        assertThrows(IllegalArgumentException.class, () -> none.flag("--jsn"));
    }
}
