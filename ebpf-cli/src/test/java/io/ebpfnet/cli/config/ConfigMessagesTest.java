package io.ebpfnet.cli.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What errors and warnings say: the file, the line, the key, the reason; one line each, of bounded length. */
class ConfigMessagesTest {
    @TempDir
    Path dir;

    private Path write(String name, String text) throws IOException {
        return Files.writeString(dir.resolve(name), text);
    }

    private String error(String name, String text) throws IOException {
        Path p = write(name, text);
        return assertThrows(ConfigException.class, () -> ConfigLoader.load(p)).getMessage();
    }

    private List<String> warnings(String name, String text) throws Exception {
        return ConfigLoader.load(write(name, text)).warnings();
    }

    @Test
    void anArrayOrATableWhereAValueIsExpectedIsNamedByItsType() throws IOException {
        assertEquals(dir.resolve("a.toml") + ":2: global.ebpf_load_mode is an array; expected one of entry, return",
                error("a.toml", "[global]\nebpf_load_mode = [\"entry\"]\n"));
        assertEquals(dir.resolve("a.toml") + ":3: network_connections.hostnames is an array; expected text",
                error("a.toml", "[network_connections]\n\nhostnames = [\"a\", \"b\"]\n"));
        assertEquals(dir.resolve("a.toml") + ":2: global.update_every is a table; expected a whole number from 1 to 3600",
                error("a.toml", "[global]\nupdate_every = { a = 1 }\n"));
        assertEquals(dir.resolve("a.toml") + ":1: global is an array; expected a table [global]",
                error("a.toml", "[[global]]\nupdate_every = 1\n"));
    }

    @Test
    void aBadUnicodeEscapeIsATomlError() throws IOException {
        assertEquals(dir.resolve("u.toml") + ":2: not valid TOML: Invalid unicode escape sequence",
                error("u.toml", "[global]\nhostnames = \"\\u12\"\n"));
    }

    @Test
    void anArrayOfValuesOutsideAnyTableIsAnUnknownKey() throws Exception {
        assertEquals(List.of(dir.resolve("t.toml") + ":1: unknown key 'x' outside any table is ignored"),
                warnings("t.toml", "x = [1, [2, {a = 3}]]\n"));
    }

    @Test
    void aHugeValueIsCutInTheMessage() throws IOException {
        String toml = error("h.toml", "[global]\nupdate_every = \"" + "9".repeat(50_000) + "\"\n");
        assertTrue(toml.startsWith(dir.resolve("h.toml") + ":2: global.update_every = '99999"), toml);
        assertTrue(toml.contains("...' is a TOML string; expected a whole number"), toml);
        assertTrue(toml.length() < 300, toml.length() + " characters");
        String netdata = error("h.conf", "[global]\nupdate every = " + "9".repeat(900_000) + "\n");
        assertTrue(netdata.startsWith(dir.resolve("h.conf") + ":2: [global] update every = '99999"), netdata);
        assertTrue(netdata.endsWith("...' is not a whole number; expected a whole number from 1 to 3600"), netdata);
    }

    @Test
    void controlCharactersDoNotBreakTheLine() throws Exception {
        List<String> w = warnings("c.toml", "[global]\n\"bad\\nkey\\u2028\" = 1\n");
        assertEquals(List.of(dir.resolve("c.toml") + ":2: unknown key 'bad\\nkey\\u2028' in [global] is ignored"), w);
        assertTrue(error("c.toml", "[global]\nebpf_load_mode = \"a\\rb\"\n").contains("'a\\u000db' is not allowed"));
    }

    @Test
    void aCloseUnknownKeyGetsASuggestion() throws Exception {
        assertEquals(List.of(dir.resolve("n.conf") + ":2: unknown key 'update evry' in [global] is ignored; did you mean [global] update every?"),
                warnings("n.conf", "[global]\nupdate evry = 3\n"));
        assertTrue(warnings("n.conf", "[global]\nupdate_every = 3\n").getFirst().endsWith("did you mean [global] update every?"));
        assertTrue(warnings("n.conf", "[global]\nbandwidth size = 3\n").getFirst().endsWith("did you mean [global] bandwidth table size?"));
        assertTrue(warnings("t.toml", "[global]\nPorts = \"80\"\n").getFirst().endsWith("did you mean network_connections.ports?"));
    }

    @Test
    void aFarUnknownKeyGetsNone() throws Exception {
        assertEquals(List.of(dir.resolve("n.conf") + ":2: unknown key 'colour' in [global] is ignored"),
                warnings("n.conf", "[global]\ncolour = blue\n"));
        assertEquals(List.of(dir.resolve("t.toml") + ":1: unknown key 'x' outside any table is ignored"),
                warnings("t.toml", "x = 1\n[global]\n"));
    }

    @Test
    void anUnknownSectionIsReportedOnceWithTheKnownOnes() throws Exception {
        assertEquals(List.of(dir.resolve("n.conf") + ":1: unknown section [globl] is ignored; known sections: [global],"
                        + " [network connections]; did you mean [global]?"),
                warnings("n.conf", "[globl]\nupdate every = 1\napps = yes\n[service name]\n19999 = netdata\n"));
        assertEquals(List.of(dir.resolve("t.toml") + ":1: unknown section [plugins] is ignored; known sections: [global], [network_connections]"),
                warnings("t.toml", "[plugins]\nupdate_every = 1\n"));
    }

    @Test
    void repeatedWarningsAreCountedNotPrinted() throws Exception {
        StringBuilder text = new StringBuilder("[global]\n");
        for (int i = 0; i < 5000; i++) {
            text.append("unknown").append(i).append(" = 1\n");
        }
        List<String> w = warnings("many.conf", text.toString());
        assertEquals(RawConfig.MAX_WARNINGS + 1, w.size());
        assertTrue(w.get(19).startsWith(dir.resolve("many.conf") + ":21: unknown key 'unknown19'"), w.get(19));
        assertEquals("4980 more warnings not shown", w.getLast());
        w.forEach(line -> assertFalse(line.contains("\n")));
    }
}
