package io.ebpfnet.cli;

import io.ebpfnet.core.JsonText;
import io.ebpfnet.core.detect.AttachDecision;
import io.ebpfnet.core.detect.AttachModeChooser;
import io.ebpfnet.core.detect.AttachModeException;
import io.ebpfnet.core.detect.CoreTracing;
import io.ebpfnet.core.detect.DetectionReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

/** {@code detect}: what the kernel allows and which attach mode would be chosen, and why. */
@Command(name = "detect", mixinStandardHelpOptions = true,
        description = "Print what this kernel allows (config, BTF, capabilities, real probe programs) and the attach mode"
                + " that would be chosen, with the reason for each step.")
final class DetectCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--json", description = "Print one JSON object instead of text.")
    boolean json;

    @Option(names = "--mode", defaultValue = "auto", paramLabel = "MODE",
            description = "auto, legacy, trampoline, probe or tracepoint (default: ${DEFAULT-VALUE}).")
    AttachModeOption mode;

    @Option(names = "--allow-fallback", description = "When the requested mode is refused, fall back to the best allowed one.")
    boolean allowFallback;

    @Option(names = "--ignore-kernel-btf", description = "Report and choose as on a kernel without BTF (auto then chooses legacy).")
    boolean ignoreKernelBtf;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        DetectionReport report = KernelChoice.detect(ignoreKernelBtf);
        AttachDecision decision = null;
        AttachModeException refused = null;
        try {
            decision = AttachModeChooser.choose(mode.typeFormat(), mode.tracing(CoreTracing.TRAMPOLINE), allowFallback, report);
        } catch (AttachModeException e) {
            refused = e;
        }
        if (json) {
            out.println(toJson(report, decision, refused));
        } else {
            out.print(report.toText());
            out.println("Attach mode");
            if (decision != null) {
                out.println("  chosen: " + decision.mode().cliName());
                decision.reasons().forEach(r -> out.println("  - " + r));
            } else {
                out.println("  none: " + refused.getMessage());
            }
        }
        out.flush();
        if (refused != null) {
            return report.capabilities().canLoadBpf() ? ExitCode.KERNEL_UNSUPPORTED.code() : ExitCode.MISSING_PRIVILEGES.code();
        }
        return ExitCode.OK.code();
    }

    private static String toJson(DetectionReport report, AttachDecision decision, AttachModeException refused) {
        StringBuilder sb = new StringBuilder("{\"report\":").append(report.toJson()).append(",\"attach_mode\":{");
        if (decision != null) {
            sb.append("\"chosen\":").append(JsonText.quote(decision.mode().cliName()))
                    .append(",\"fell_back\":").append(decision.fellBack())
                    .append(",\"reasons\":").append(JsonText.array(decision.reasons()));
        } else {
            sb.append("\"chosen\":null,\"error\":").append(JsonText.quote(refused.getMessage()))
                    .append(",\"reasons\":").append(JsonText.array(refused.reasons()));
        }
        return sb.append("}}").toString();
    }
}
