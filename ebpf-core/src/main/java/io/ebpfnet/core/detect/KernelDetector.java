package io.ebpfnet.core.detect;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Builds a {@link DetectionReport}: reads the release, config, BTF, capabilities and mounts, then
 * runs the probes, because config flags lie (fentry can be refused although ftrace is configured).
 */
public final class KernelDetector {
    /** The config flags reported; the attach-mode choice relies on the probes, not on these. */
    public static final List<String> FLAGS = List.of("CONFIG_BPF", "CONFIG_BPF_SYSCALL", "CONFIG_BPF_JIT",
            "CONFIG_BPF_EVENTS", "CONFIG_DEBUG_INFO_BTF", "CONFIG_KPROBES", "CONFIG_KPROBE_EVENTS", "CONFIG_HAVE_KPROBES",
            "CONFIG_FTRACE", "CONFIG_FUNCTION_TRACER", "CONFIG_DYNAMIC_FTRACE_WITH_DIRECT_CALLS", "CONFIG_CGROUP_BPF");

    private final SystemPaths paths;
    private final FeatureProber prober;
    private final BtfInspector btf;

    public KernelDetector(SystemPaths paths, FeatureProber prober, BtfInspector btf) {
        this.paths = paths;
        this.prober = prober;
        this.btf = btf;
    }

    public DetectionReport detect() {
        String release = read(paths.proc().resolve("sys/kernel/osrelease")).map(String::strip).orElse("unknown");
        Optional<KernelConfig> config = KernelConfig.load(paths, release);
        Map<String, Tristate> flags = new LinkedHashMap<>();
        for (String flag : FLAGS) {
            flags.put(flag, config.map(c -> c.flag(flag)).orElse(Tristate.UNKNOWN));
        }
        Path vmlinux = paths.sys().resolve("kernel/btf/vmlinux");
        boolean btfPresent = Files.exists(vmlinux);
        boolean btfParsable = btfPresent && btf.vmlinuxParses(vmlinux);
        Capabilities caps = Capabilities.read(paths);
        String tracefs = tracefsMount();

        Map<FeatureProbe, ProbeResult> probes = new EnumMap<>(FeatureProbe.class);
        for (FeatureProbe f : FeatureProbe.values()) {
            if (!caps.canLoadBpf()) {
                probes.put(f, ProbeResult.notRun(f, "missing " + caps.missingForBpf() + " (or CAP_SYS_ADMIN)"));
            } else if ((f == FeatureProbe.FENTRY || f == FeatureProbe.TP_BTF) && !btfParsable) {
                probes.put(f, ProbeResult.notRun(f, "no kernel BTF"));
            } else {
                probes.put(f, prober.probe(f));
            }
        }
        return new DetectionReport(release, config.map(KernelConfig::source).orElse(""), flags, btfPresent, btfParsable,
                caps, !tracefs.isEmpty(), tracefs, probes);
    }

    /** The mount point of tracefs from {@code proc/self/mounts}, or "". */
    private String tracefsMount() {
        for (String line : read(paths.proc().resolve("self/mounts")).orElse("").split("\n")) {
            String[] f = line.split(" ");
            if (f.length > 2 && f[2].equals("tracefs")) {
                return f[1];
            }
        }
        return "";
    }

    private static Optional<String> read(Path p) {
        try {
            return Files.isReadable(p) ? Optional.of(Files.readString(p)) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
