package io.ebpfnet.cli;

import io.ebpfnet.core.BpfException;
import io.ebpfnet.core.BpfPermissionException;
import io.ebpfnet.core.BpfUnsupportedException;
import io.ebpfnet.core.detect.AttachModeException;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

/**
 * Turns the library's typed exceptions into one line on stderr and the documented exit code. Run by the
 * Netdata agent ({@code --netdata-plugin} or {@code --format netdata}), a failure that a restart cannot cure (missing privileges, an
 * unsupported kernel) also prints {@code DISABLE} on stdout: the plugin protocol's way to tell the agent
 * not to start the plugin again.
 */
final class FailureHandler {
    static final String NETDATA_DISABLE = "DISABLE";

    private FailureHandler() {
    }

    /** Reports {@code e}, which ended {@code command}, and returns the exit code. */
    static int handle(Exception e, Callable<Integer> command, PrintWriter out, PrintWriter err) {
        if (e instanceof OutputFailure o && o.readerGone()) {
            err.println("ebpf-cli: the reader of standard output went away; detached and stopped");
        } else {
            err.println("error: " + e.getMessage());
        }
        ExitCode code = exitCodeFor(e);
        if (command instanceof RootCommand root && root.format == OutputFormat.NETDATA && permanent(code)) {
            out.println(NETDATA_DISABLE);
            out.flush();
        }
        return code.code();
    }

    /** Failures that the agent's restarting the plugin would only repeat. */
    static boolean permanent(ExitCode code) {
        return code == ExitCode.MISSING_PRIVILEGES || code == ExitCode.KERNEL_UNSUPPORTED;
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
