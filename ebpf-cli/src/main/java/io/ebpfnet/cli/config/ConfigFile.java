package io.ebpfnet.cli.config;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * Reads the text of a configuration file — a {@code --config} file or an {@code apps groups file} —
 * within limits, so that no input can hang the collector or exhaust its memory: regular files only,
 * at most {@link #MAX_BYTES}, UTF-8 without NUL bytes (a leading byte-order mark is dropped).
 */
final class ConfigFile {
    /** Far above any real file (Netdata's network.conf is about 2 KB, its apps_groups.conf about 30 KB). */
    static final int MAX_BYTES = 1 << 20;

    private ConfigFile() {
    }

    /** The text of {@code path}; every refusal names the file and the reason. */
    static String read(Path path) throws ConfigException {
        String file = path.toString();
        BasicFileAttributes attributes;
        try {
            attributes = Files.readAttributes(path, BasicFileAttributes.class);
        } catch (IOException e) {
            throw ConfigException.at(file, 0, "cannot be read: " + reason(e));
        }
        // Checked before opening: opening a FIFO blocks until a writer comes, and a device may never end.
        // (A file swapped for a FIFO between this check and the open below could still block; a race we accept.)
        if (!attributes.isRegularFile()) {
            throw ConfigException.at(file, 0, "is " + FileKind.of(path, attributes) + ", not a regular file; give a configuration file");
        }
        if (attributes.size() > MAX_BYTES) {
            throw tooLarge(file, attributes.size() + " bytes");
        }
        byte[] bytes;
        try (InputStream in = Files.newInputStream(path)) {
            bytes = in.readNBytes(MAX_BYTES + 1); // the file may have grown since, or be a /proc file of size 0
        } catch (IOException e) {
            throw ConfigException.at(file, 0, "cannot be read: " + reason(e));
        }
        if (bytes.length > MAX_BYTES) {
            throw tooLarge(file, "more than " + MAX_BYTES + " bytes");
        }
        return decode(bytes, file);
    }

    private static ConfigException tooLarge(String file, String size) {
        return ConfigException.at(file, 0, "is too large: " + size + "; configuration files are limited to " + MAX_BYTES + " bytes (1 MiB)");
    }

    /** UTF-8 text, refusing NUL bytes and invalid sequences with the line they are on. */
    static String decode(byte[] bytes, String file) throws ConfigException {
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == 0) {
                throw ConfigException.at(file, lineOf(bytes, i), "contains a NUL byte: not a text configuration file");
            }
        }
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        CharBuffer out = CharBuffer.allocate(bytes.length); // UTF-8 never decodes to more chars than bytes
        CoderResult result = decoder.decode(in, out, true);
        if (!result.isError()) {
            result = decoder.flush(out);
        }
        if (result.isError()) {
            throw ConfigException.at(file, lineOf(bytes, in.position()),
                    "is not UTF-8 text (byte " + (in.position() + 1) + "): not a configuration file");
        }
        String text = out.flip().toString();
        return text.startsWith("\uFEFF") ? text.substring(1) : text;
    }

    private static int lineOf(byte[] bytes, int offset) {
        int line = 1;
        for (int i = 0; i < offset; i++) {
            if (bytes[i] == '\n') {
                line++;
            }
        }
        return line;
    }

    /** The system's words for why a file cannot be read, as strerror(3) gives them. */
    static String reason(IOException e) {
        return switch (e) {
            case NoSuchFileException ignored -> "No such file or directory";
            case AccessDeniedException ignored -> "Permission denied";
            case NotDirectoryException ignored -> "Not a directory";
            case FileSystemException f when f.getReason() != null -> f.getReason();
            default -> e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
        };
    }
}
