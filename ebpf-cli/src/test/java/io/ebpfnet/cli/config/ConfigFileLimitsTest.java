package io.ebpfnet.cli.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

/** Files a configuration can never be read from: refused quickly, with the file and the reason, never a hang or an OOM. */
class ConfigFileLimitsTest {
    private static final Duration QUICK = Duration.ofSeconds(3);

    @TempDir
    Path dir;

    /** ConfigLoader.load, which must end within {@link #QUICK} with a ConfigException whose one-line message starts with the file. */
    private static String refusal(Path p) {
        ConfigException e = assertTimeoutPreemptively(QUICK, () -> assertThrows(ConfigException.class, () -> ConfigLoader.load(p)));
        assertTrue(e.getMessage().startsWith(p.toString() + ":"), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
        return e.getMessage();
    }

    @Test
    void aFifoIsRefusedWithoutOpeningIt() throws Exception {
        Path fifo = dir.resolve("network.conf");
        Process p = new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start();
        assertEquals(0, p.waitFor(), "mkfifo failed");
        // Opening a FIFO for reading blocks until a writer comes: no writer ever comes here.
        assertEquals(fifo + ": is a FIFO (named pipe), not a regular file; give a configuration file", refusal(fifo));
    }

    @Test
    void devicesAreRefused() {
        assertTrue(refusal(Path.of("/dev/zero")).endsWith(": is a character device, not a regular file; give a configuration file"));
        assertTrue(refusal(Path.of("/dev/urandom")).contains("is a character device"));
    }

    @Test
    void aDirectoryIsRefused() {
        assertEquals(dir + ": is a directory, not a regular file; give a configuration file", refusal(dir));
    }

    @Test
    void aFileAboveOneMebibyteIsRefusedWithItsSize() throws IOException {
        Path big = Files.write(dir.resolve("big.conf"), ("#" + "x".repeat(2 * 1024 * 1024 - 2) + "\n").getBytes(StandardCharsets.US_ASCII));
        assertEquals(big + ": is too large: 2097152 bytes; configuration files are limited to 1048576 bytes (1 MiB)", refusal(big));
    }

    @Test
    void aFileOfExactlyTheLimitIsRead() throws Exception {
        String head = "[global]\nupdate every = 7\n#";
        Path p = Files.writeString(dir.resolve("max.conf"), head + "x".repeat(ConfigFile.MAX_BYTES - head.length()));
        assertEquals(ConfigFile.MAX_BYTES, Files.size(p));
        assertEquals(7, ConfigLoader.load(p).updateEvery());
        Files.writeString(p, "x", java.nio.file.StandardOpenOption.APPEND);
        assertTrue(refusal(p).contains("is too large: 1048577 bytes"));
    }

    @Test
    void aMissingFileSaysWhy() {
        assertEquals(dir.resolve("nope.conf") + ": cannot be read: No such file or directory", refusal(dir.resolve("nope.conf")));
    }

    @Test
    void aSymbolicLinkLoopSaysWhy() throws IOException {
        Path loop = Files.createSymbolicLink(dir.resolve("loop.conf"), dir.resolve("loop.conf"));
        assertTrue(refusal(loop).startsWith(loop + ": cannot be read: Too many levels of symbolic links"), refusal(loop));
    }

    @Test
    void anUnreadableFileSaysPermissionDenied() throws IOException {
        boolean root = "root".equals(System.getProperty("user.name"));
        if (root) {
            System.out.println("skipped: root reads a file whatever its permissions, so 'Permission denied' cannot be produced");
        }
        assumeFalse(root, "root reads a file whatever its permissions");
        Path p = Files.writeString(dir.resolve("secret.conf"), "[global]\n");
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("---------"));
        assertEquals(p + ": cannot be read: Permission denied", refusal(p));
    }

    @Test
    void aByteOrderMarkIsDropped() throws Exception {
        byte[] bom = {(byte) 0xef, (byte) 0xbb, (byte) 0xbf};
        Path conf = Files.write(dir.resolve("bom.conf"), concat(bom, "[global]\nupdate every = 3\n".getBytes(StandardCharsets.UTF_8)));
        Path toml = Files.write(dir.resolve("bom.toml"), concat(bom, "[global]\nupdate_every = 4\n".getBytes(StandardCharsets.UTF_8)));
        assertEquals(3, ConfigLoader.load(conf).updateEvery());
        assertEquals(4, ConfigLoader.load(toml).updateEvery());
        assertEquals(java.util.List.of(), ConfigLoader.load(conf).warnings());
    }

    @Test
    void nulBytesAndInvalidUtf8NameTheirLine() throws IOException {
        Path nul = Files.write(dir.resolve("nul.conf"), "[global]\n\n apps = y\0es\n".getBytes(StandardCharsets.UTF_8));
        assertEquals(nul + ":3: contains a NUL byte: not a text configuration file", refusal(nul));
        Path latin = Files.write(dir.resolve("latin.toml"), new byte[] {'#', '\n', 'a', '=', (byte) 0xe9});
        assertEquals(latin + ":2: is not UTF-8 text (byte 5): not a configuration file", refusal(latin));
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] r = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }
}
