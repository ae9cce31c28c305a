package io.ebpfnet.cli.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/** What a file that is not a regular file is, in words, for the message refusing it. */
final class FileKind {
    private static final int S_IFMT = 0170000;

    private FileKind() {
    }

    static String of(Path path, BasicFileAttributes attributes) {
        if (attributes.isDirectory()) {
            return "a directory";
        }
        try {
            // The "unix" view gives st_mode on Linux without opening the file.
            int mode = (Integer) Files.getAttribute(path, "unix:mode");
            return switch (mode & S_IFMT) {
                case 0010000 -> "a FIFO (named pipe)";
                case 0020000 -> "a character device";
                case 0060000 -> "a block device";
                case 0140000 -> "a socket";
                default -> "a special file";
            };
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException | ClassCastException e) {
            return "a special file";
        }
    }
}
