package io.ebpfnet.cli;

import picocli.CommandLine.Command;

/** {@code ebpf-cli}: per-host, per-application, per-cgroup TCP/UDP accounting with eBPF. */
@Command(name = "ebpf-cli",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "Measures TCP and UDP traffic, connections, errors and retransmits per host, application, cgroup"
                + " and systemd service, with eBPF.",
        exitCodeListHeading = "%nExit codes:%n",
        // Keep in step with ExitCode (a test checks).
        exitCodeList = {"0:ok", "1:runtime error", "2:usage or configuration error",
                "3:missing privileges (CAP_BPF, CAP_PERFMON)", "4:kernel not supported"},
        subcommands = {DetectCommand.class})
final class RootCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        // The collector becomes the default job with the socket collector; until then, detection.
        spec.commandLine().getSubcommands().get("detect").execute();
    }
}
