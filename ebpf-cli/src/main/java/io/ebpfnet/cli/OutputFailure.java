package io.ebpfnet.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Standard output can no longer be written: the command stops (its resources close, which detaches
 * every program). When the reader of a pipe or socket went away ({@code ebpf-cli --format json | head -1},
 * or the Netdata agent stopped reading) that is a normal end, exit code 0, as for {@code yes | head};
 * any other write error (a full disk, a closed descriptor) is a runtime error, exit code 1.
 */
final class OutputFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final boolean readerGone;

    private OutputFailure(String message, boolean readerGone) {
        super(message);
        this.readerGone = readerGone;
    }

    /** Throws when a write to {@code out} has failed; call after each flushed report. */
    static void check(PrintWriter out) {
        if (!out.checkError()) {
            return;
        }
        IOException cause = out instanceof Stdout s ? s.failure() : null;
        boolean gone = out instanceof Stdout && stdoutIsPipeOrSocket();
        throw new OutputFailure("cannot write to standard output" + (cause != null ? ": " + cause.getMessage() : ""), gone);
    }

    /** Whether the reader closed its end (EPIPE), rather than the write failing for another reason. */
    boolean readerGone() {
        return readerGone;
    }

    /*
     * A write to a pipe or a socket fails when its reader has closed it (EPIPE, ECONNRESET). Telling
     * by the descriptor, not by the message: strerror's text follows the locale.
     */
    private static boolean stdoutIsPipeOrSocket() {
        try {
            String target = Files.readSymbolicLink(Path.of("/proc/self/fd/1")).toString();
            return target.startsWith("pipe:") || target.startsWith("socket:");
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }
}
