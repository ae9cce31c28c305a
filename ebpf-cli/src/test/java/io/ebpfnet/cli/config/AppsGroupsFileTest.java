package io.ebpfnet.cli.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The apps groups file has the configuration's limits, and its errors name the file and the line. */
class AppsGroupsFileTest {
    @TempDir
    Path dir;

    private String error(Path p) {
        return assertThrows(ConfigException.class, () -> AppsGroupsFile.load(p.toString(), "/etc/network.conf")).getMessage();
    }

    @Test
    void aValidFileGroups() throws Exception {
        Path p = Files.writeString(dir.resolve("apps_groups.conf"), "\uFEFF# web\nweb: nginx* *httpd*\n");
        assertEquals("web", AppsGroupsFile.load(p.toString(), "x").match("nginx-worker", ""));
    }

    @Test
    void unreadableFilesNameTheFileTheReasonAndTheConfiguration() {
        assertEquals(dir.resolve("none") + ": cannot be read: No such file or directory (the apps groups file set in /etc/network.conf)",
                error(dir.resolve("none")));
        assertEquals("/dev/zero: is a character device, not a regular file; give a configuration file"
                + " (the apps groups file set in /etc/network.conf)", error(Path.of("/dev/zero")));
    }

    @Test
    void aPathWithANulIsRefused() {
        // A TOML string can hold one ("\u0000"); Path.of would throw InvalidPathException.
        assertEquals("a\\u0000b: not a usable path: Nul character not allowed (the apps groups file set in e.toml)",
                assertThrows(ConfigException.class, () -> AppsGroupsFile.load("a\0b", "e.toml")).getMessage());
    }

    @Test
    void badTextNamesTheLine() throws IOException {
        Path utf = Files.write(dir.resolve("g.conf"), new byte[] {'a', ':', ' ', 'b', '\n', (byte) 0xf0, (byte) 0x28, '\n'});
        assertEquals(utf + ":2: is not UTF-8 text (byte 6): not a configuration file (the apps groups file set in /etc/network.conf)",
                error(utf));
        Path line = Files.writeString(dir.resolve("l.conf"), "a: b\n\nno colon here " + "x".repeat(10_000) + "\n");
        assertEquals(line + ":3: 'no colon here xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx...' is not 'group: pattern …'", error(line));
    }
}
