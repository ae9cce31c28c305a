package io.ebpfnet.cli;

import io.ebpfnet.core.BpfException;
import io.ebpfnet.core.BpfPermissionException;
import io.ebpfnet.core.BpfUnsupportedException;
import io.ebpfnet.core.detect.AttachModeException;
import picocli.CommandLine;

/** Turns the library's typed exceptions into one line on stderr and the documented exit code. */
final class FailureHandler implements CommandLine.IExecutionExceptionHandler {
    @Override
    public int handleExecutionException(Exception e, CommandLine cli, CommandLine.ParseResult parseResult) {
        if (e instanceof OutputFailure o && o.readerGone()) {
            cli.getErr().println("ebpf-cli: the reader of standard output went away; detached and stopped");
        } else {
            cli.getErr().println("error: " + e.getMessage());
        }
        return exitCodeFor(e).code();
    }

    static ExitCode exitCodeFor(Exception e) {
        if (e instanceof OutputFailure o) {
            return o.readerGone() ? ExitCode.OK : ExitCode.RUNTIME_ERROR;
        }
        if (e instanceof BpfPermissionException) {
            return ExitCode.MISSING_PRIVILEGES;
        }
        if (e instanceof AttachModeException || e instanceof BpfUnsupportedException) {
            return ExitCode.KERNEL_UNSUPPORTED;
        }
        if (e instanceof BpfException) {
            return ExitCode.RUNTIME_ERROR;
        }
        return ExitCode.RUNTIME_ERROR;
    }
}
