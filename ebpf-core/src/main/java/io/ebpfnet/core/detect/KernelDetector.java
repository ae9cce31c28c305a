package io.ebpfnet.core.detect;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Builds a {@link DetectionReport}: reads the release, config, BTF, capabilities and mounts through
 * {@link SystemPaths}, then runs the probes, because config flags do not tell what the running kernel
 * allows (fentry can be refused although ftrace is configured). Missing files never make it throw;
 * they show up in the report as unknown or absent.
 */
public final class KernelDetector {
    /** The config flags reported, in report order; the attach-mode choice relies on the probes, not on these. */
    public static final List<String> FLAGS = List.of("CONFIG_KPROBES", "CONFIG_KPROBE_EVENTS", "CONFIG_BPF",
            "CONFIG_BPF_SYSCALL", "CONFIG_BPF_JIT", "CONFIG_BPF_EVENTS", "CONFIG_DEBUG_INFO_BTF", "CONFIG_FTRACE",
            "CONFIG_DYNAMIC_FTRACE_WITH_DIRECT_CALLS", "CONFIG_FUNCTION_TRACER", "CONFIG_CGROUP_BPF", "CONFIG_HAVE_KPROBES");

    static final String NO_CAPABILITIES = "missing CAP_BPF/CAP_PERFMON";
    static final String NO_BTF = "no kernel BTF";

    private final SystemPaths paths;
    private final FeatureProber prober;
    private final BtfInspector btf;

    /**
     * @param paths  where to read proc, sys and boot
     * @param prober runs the real probe programs
     * @param btf    decides whether the kernel BTF parses
     */
    public KernelDetector(SystemPaths paths, FeatureProber prober, BtfInspector btf) {
        this.paths = paths;
        this.prober = prober;
        this.btf = btf;
    }

    /** Reads everything and runs every probe the process and kernel make worth running. */
    public DetectionReport detect() {
        return probe(inspect(), EnumSet.allOf(FeatureProbe.class));
    }

    /**
     * Reads the release, config, BTF, capabilities and mounts, and runs no probe: the report has no probe
     * results. Touches nothing in the kernel but files, so it may run before a command line is checked.
     */
    public DetectionReport inspect() {
        return inspect(true);
    }

    /**
     * As {@link #inspect()}; without {@code readBtf}, {@code sys/kernel/btf/vmlinux} is not even looked at and
     * the report says the kernel has no BTF (to act as on a kernel without it).
     */
    public DetectionReport inspect(boolean readBtf) {
        String release = read(paths.proc().resolve("sys/kernel/osrelease")).map(String::strip)
                .filter(s -> !s.isEmpty()).orElse("unknown");
        // BTF first: its parse is the first use of libbpf, which starts linking the native bindings (see BindingWarmUp).
        Path vmlinux = paths.sys().resolve("kernel/btf/vmlinux");
        boolean btfPresent = readBtf && Files.exists(vmlinux);
        boolean btfParsable = btfPresent && btf.vmlinuxParses(vmlinux);
        Optional<KernelConfig> config = KernelConfig.load(paths, release);
        Map<String, Tristate> flags = new LinkedHashMap<>();
        for (String flag : FLAGS) {
            flags.put(flag, config.map(c -> c.flag(flag)).orElse(Tristate.UNKNOWN));
        }
        String tracefs = tracefsMount();
        return new DetectionReport(release, config.map(KernelConfig::source).orElse(""), flags, btfPresent, btfParsable,
                Capabilities.read(paths), !tracefs.isEmpty(), tracefs, Map.of());
    }

    /** {@code inspected} with the probes of {@code features} run (those it has already are kept). */
    public DetectionReport probe(DetectionReport inspected, Set<FeatureProbe> features) {
        Map<FeatureProbe, ProbeResult> probes = new EnumMap<>(FeatureProbe.class);
        probes.putAll(inspected.probes());
        for (FeatureProbe f : features) {
            probes.computeIfAbsent(f, p -> probe(p, inspected.capabilities(), inspected.btfParsable()));
        }
        return new DetectionReport(inspected.release(), inspected.configSource(), inspected.configFlags(),
                inspected.btfPresent(), inspected.btfParsable(), inspected.capabilities(), inspected.tracefsMounted(),
                inspected.tracefsPath(), probes);
    }

    private ProbeResult probe(FeatureProbe f, Capabilities caps, boolean btfParsable) {
        // Without the capabilities every load fails with EPERM, which would read as "kernel refuses".
        if (!caps.canLoadBpf()) {
            return ProbeResult.notRun(f, NO_CAPABILITIES);
        }
        // These program types are typed by kernel BTF; without it the load cannot even be attempted.
        if (f.needsBtf() && !btfParsable) {
            return ProbeResult.notRun(f, NO_BTF);
        }
        return prober.probe(f);
    }

    /** The mount point of the first tracefs in {@code proc/self/mounts}, or "". */
    private String tracefsMount() {
        for (String line : read(paths.proc().resolve("self/mounts")).orElse("").split("\n")) {
            String[] field = line.split(" ");
            if (field.length > 2 && field[2].equals("tracefs")) {
                return unescape(field[1]);
            }
        }
        return "";
    }

    /** The mounts file writes space, tab, newline and backslash in paths as octal escapes (\040). */
    private static String unescape(String path) {
        StringBuilder sb = new StringBuilder(path.length());
        for (int i = 0; i < path.length(); i++) {
            char c = path.charAt(i);
            if (c == '\\' && i + 3 < path.length() && path.substring(i + 1, i + 4).matches("[0-7]{3}")) {
                sb.append((char) Integer.parseInt(path.substring(i + 1, i + 4), 8));
                i += 3;
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }

    private static Optional<String> read(Path p) {
        try {
            return Files.isReadable(p) ? Optional.of(Files.readString(p)) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
