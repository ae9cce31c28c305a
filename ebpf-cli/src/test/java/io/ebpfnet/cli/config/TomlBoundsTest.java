package io.ebpfnet.cli.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Deep or long TOML is refused before tomlj's parser sees it (it would overflow its stack, or take seconds and
 * hundreds of MB); brackets in strings and comments do not count.
 */
class TomlBoundsTest {
    @TempDir
    Path dir;

    private String refusal(String text) throws IOException {
        Path p = Files.writeString(dir.resolve("deep.toml"), text);
        return assertTimeoutPreemptively(Duration.ofSeconds(3),
                () -> assertThrows(ConfigException.class, () -> ConfigLoader.load(p))).getMessage();
    }

    @Test
    void anArrayNested20000DeepIsRefusedWithItsLine() throws IOException {
        String message = refusal("[global]\n\nx = " + "[".repeat(20_000) + "]".repeat(20_000) + "\n");
        assertEquals(dir.resolve("deep.toml") + ":3: arrays and inline tables nest more than 32 deep; no option takes an array or a table",
                message);
    }

    @Test
    void inlineTablesAndMixedNestingAreRefused() throws IOException {
        assertTrue(refusal("x = " + "{a=".repeat(20_000) + "1" + "}".repeat(20_000)).contains("nest more than 32 deep"));
        assertTrue(refusal("x = " + "[{a=".repeat(10_000)).contains("nest more than 32 deep"));
    }

    @Test
    void deepBracketsAfterInvalidTextAreAnErrorNotACrash() throws IOException {
        // tomlj's lexer ends a string at a control character; what follows is read as keys and values again.
        for (String text : new String[] {"x = \"\u0001" + "[".repeat(20_000) + "\"", "x = [ \"\u0001\", " + "[".repeat(20_000),
                "x = [ ] ] ] ] ] @ " + "[".repeat(20_000), "x = [ [ @ ] ] " + "[ ".repeat(20_000)}) {
            assertTrue(refusal(text).startsWith(dir.resolve("deep.toml") + ":1: "), text.substring(0, 20));
        }
    }

    @Test
    void thirtyTwoLevelsAreOnlyAnUnknownKey() throws Exception {
        Path p = Files.writeString(dir.resolve("ok.toml"), "[global]\nx = " + "[".repeat(32) + "]".repeat(32) + "\n");
        CollectorConfig c = ConfigLoader.load(p);
        assertEquals(1, c.warnings().size(), c.warnings().toString());
        assertTrue(c.warnings().getFirst().contains("unknown key 'x' in [global] is ignored"), c.warnings().toString());
    }

    @Test
    void aLongArrayOrStringIsRefusedWithTheLineWhereTheLimitIsCrossed() throws IOException {
        String tooMany = ":3: has more than 65536 TOML tokens (each character of a string counts as one); a configuration needs a few hundred";
        assertEquals(dir.resolve("deep.toml") + tooMany, refusal("[global]\n\nx = [" + "1,".repeat(400_000) + "1]\n"));
        assertEquals(dir.resolve("deep.toml") + tooMany, refusal("[global]\n\nhostnames = \"" + "a".repeat(600_000) + "\"\n"));
    }

    @Test
    void aStringJustUnderTheTokenLimitLoads() throws Exception {
        String name = "a".repeat(TomlBounds.MAX_TOKENS - 100);
        Path p = Files.writeString(dir.resolve("long.toml"), "[network_connections]\nhostnames = \"" + name + "\"\n");
        assertEquals(name, assertTimeoutPreemptively(Duration.ofSeconds(3), () -> ConfigLoader.load(p)).connectionHostnames());
    }

    @Test
    void bracketsInStringsAndCommentsDoNotCount() throws Exception {
        String many = "[".repeat(100);
        Path p = Files.writeString(dir.resolve("strings.toml"), "# " + many + "\n[network_connections]\nhostnames = \"" + many
                + "\"\nips = '" + many + "'\nports = \"\"\"\n" + many + "\n\"\"\"\n");
        CollectorConfig c = ConfigLoader.load(p);
        assertEquals(many, c.connectionHostnames());
        assertEquals(many, c.connectionIps());
    }
}
