package io.ebpfnet.cli;

/** A command line the CLI cannot run: an unknown option, a missing or malformed value (exit code 2). */
final class UsageException extends Exception {
    UsageException(String message) {
        super(message);
    }
}
