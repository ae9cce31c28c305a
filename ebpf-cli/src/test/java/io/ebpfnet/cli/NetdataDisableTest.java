package io.ebpfnet.cli;

import io.ebpfnet.core.BpfException;
import io.ebpfnet.core.BpfPermissionException;
import io.ebpfnet.core.detect.AttachModeException;
import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Under --netdata-plugin or --format netdata, a failure a restart cannot cure ends with DISABLE on stdout
 * (the agent then stops restarting the plugin); other failures and other formats print nothing there.
 */
class NetdataDisableTest {
    private record Handled(int exitCode, String out) {
    }

    private static Handled handle(Exception failure, String... args) {
        StringWriter out = new StringWriter();
        PrintWriter outWriter = new PrintWriter(out, true);
        PrintWriter errWriter = new PrintWriter(new StringWriter(), true);
        try {
            // The command as Main makes it, which the handler is given when the command fails.
            var command = Main.command(ParsedArgs.parse(RootCommand.COMMAND, args), outWriter, errWriter, Map.of(), false);
            int code = FailureHandler.handle(failure, command, outWriter, errWriter);
            return new Handled(code, out.toString());
        } catch (UsageException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void missingPrivilegesDisableThePlugin() {
        Handled h = handle(new BpfPermissionException("load", 1, "lacks CAP_BPF"), "--format", "netdata", "--interval", "1");
        assertEquals(ExitCode.MISSING_PRIVILEGES.code(), h.exitCode());
        assertEquals(List.of("DISABLE"), h.out().lines().toList());
    }

    @Test
    void asTheAgentsPluginMissingPrivilegesDisableIt() {
        Handled h = handle(new BpfPermissionException("load", 1, "lacks CAP_BPF"), "--netdata-plugin", "--interval", "1");
        assertEquals(ExitCode.MISSING_PRIVILEGES.code(), h.exitCode());
        assertEquals(List.of("DISABLE"), h.out().lines().toList());
    }

    @Test
    void anUnsupportedKernelDisablesThePlugin() {
        Handled h = handle(new AttachModeException("no mode", List.of("no kprobes")), "--format", "netdata");
        assertEquals(ExitCode.KERNEL_UNSUPPORTED.code(), h.exitCode());
        assertEquals(List.of("DISABLE"), h.out().lines().toList());
    }

    @Test
    void aRuntimeErrorLetsTheAgentRestartThePlugin() {
        Handled h = handle(new BpfException("read map", 5, "I/O error"), "--format", "netdata");
        assertEquals(ExitCode.RUNTIME_ERROR.code(), h.exitCode());
        assertEquals("", h.out());
    }

    @Test
    void otherFormatsNeverPrintDisable() {
        Handled h = handle(new BpfPermissionException("load", 1, "lacks CAP_BPF"), "--format", "json");
        assertEquals(ExitCode.MISSING_PRIVILEGES.code(), h.exitCode());
        assertEquals("", h.out());
    }
}
