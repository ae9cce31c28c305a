package io.ebpfnet.cli;

import io.ebpfnet.core.KernelDetection;
import io.ebpfnet.core.detect.AttachDecision;
import io.ebpfnet.core.detect.AttachModeChooser;
import io.ebpfnet.core.detect.AttachModeException;
import io.ebpfnet.cli.config.CoreTracing;
import io.ebpfnet.core.detect.DetectionReport;

import io.ebpfnet.cli.config.AppsGroupsFile;
import io.ebpfnet.cli.config.NetdataDirs;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code detect}: what the kernel allows and which attach mode would be chosen, and why. */
final class DetectCommand implements Callable<Integer> {
    static final CliCommand COMMAND = new CliCommand("detect",
            "Print what this kernel allows (config, BTF, capabilities, real probe programs) and the attach mode"
                    + " that would be chosen, with the reason for each step.",
            List.of(
                    CliOption.flag("--json", "Print one JSON object instead of text."),
                    CliOption.value("--mode", "MODE", "auto, legacy, trampoline, probe or tracepoint (default: auto)."),
                    CliOption.flag("--allow-fallback", "When the requested mode is refused, fall back to the best allowed one."),
                    CliOption.flag("--ignore-kernel-btf",
                            "Report and choose as on a kernel without BTF (auto then chooses legacy).")));

    private final PrintWriter out;
    /** The process's environment (Netdata's directory variables); tests give their own. */
    private final Map<String, String> environment;
    private final boolean json;
    private final AttachModeOption mode;
    private final boolean allowFallback;
    private final boolean ignoreKernelBtf;

    DetectCommand(ParsedArgs args, PrintWriter out, Map<String, String> environment) throws UsageException {
        this.out = out;
        this.environment = environment;
        json = args.flag("--json");
        AttachModeOption given = args.choice("--mode", AttachModeOption.class);
        mode = given != null ? given : AttachModeOption.AUTO;
        allowFallback = args.flag("--allow-fallback");
        ignoreKernelBtf = args.flag("--ignore-kernel-btf");
    }

    @Override
    public Integer call() {
        DetectionReport report = KernelChoice.detect(ignoreKernelBtf);
        AttachDecision decision = null;
        AttachModeException refused = null;
        try {
            decision = AttachModeChooser.choose(mode.typeFormat().request(mode.tracing(CoreTracing.TRAMPOLINE), allowFallback), report);
        } catch (AttachModeException e) {
            refused = e;
        }
        NetdataDirs dirs = NetdataDirs.from(environment);
        if (json) {
            out.println(toJson(report, decision, refused, dirs));
        } else {
            out.print(DetectionReportText.text(report));
            out.print(netdataText(dirs));
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

    /** The files --netdata-plugin would read: the first place each is found, or what is used instead. */
    private static String netdataText(NetdataDirs dirs) {
        String row = "  %-23s  %s\n";
        Path global = dirs.find("ebpf.d.conf");
        Path module = dirs.find("ebpf.d/network.conf");
        Path groups = dirs.find("apps_groups.conf");
        return "Netdata configuration (--netdata-plugin; apps_groups.conf also without it)\n"
                + String.format(row, "user directory", dirs.user())
                + String.format(row, "stock directory", dirs.stock())
                + String.format(row, "ebpf.d.conf", global != null ? global : "none (defaults)")
                + String.format(row, "ebpf.d/network.conf", module != null ? module : "none (defaults)")
                + String.format(row, "apps_groups.conf", groups != null ? groups : "none (the built-in one)");
    }

    private static String netdataJson(NetdataDirs dirs) {
        Path global = dirs.find("ebpf.d.conf");
        Path module = dirs.find("ebpf.d/network.conf");
        Path groups = dirs.find("apps_groups.conf");
        return "{\"user_dir\":" + JsonText.quote(dirs.user().toString()) + ",\"stock_dir\":" + JsonText.quote(dirs.stock().toString())
                + ",\"ebpf_d_conf\":" + JsonText.quote(global == null ? null : global.toString())
                + ",\"network_conf\":" + JsonText.quote(module == null ? null : module.toString())
                + ",\"apps_groups_conf\":" + JsonText.quote(groups == null ? AppsGroupsFile.BUILT_IN : groups.toString()) + "}";
    }

    private static String toJson(DetectionReport report, AttachDecision decision, AttachModeException refused, NetdataDirs dirs) {
        StringBuilder sb = new StringBuilder("{\"report\":").append(DetectionReportText.json(report)).append(",\"attach_mode\":{");
        if (decision != null) {
            sb.append("\"chosen\":").append(JsonText.quote(decision.mode().cliName()))
                    .append(",\"fell_back\":").append(decision.fellBack())
                    .append(",\"reasons\":").append(JsonText.array(decision.reasons()));
        } else {
            sb.append("\"chosen\":null,\"error\":").append(JsonText.quote(refused.getMessage()))
                    .append(",\"reasons\":").append(JsonText.array(refused.reasons()));
        }
        return sb.append("},\"netdata_config\":").append(netdataJson(dirs)).append('}').toString();
    }
}
