package io.ebpfnet.core.detect;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The process's effective capabilities ({@code CapEff} in {@code /proc/self/status}). */
public final class Capabilities {
    private final long mask;

    private Capabilities(long mask) {
        this.mask = mask;
    }

    /** Reads {@code proc/self/status}; no file means no capabilities. */
    public static Capabilities read(SystemPaths paths) {
        Path status = paths.proc().resolve("self/status");
        try {
            return Files.isReadable(status) ? parse(Files.readString(status)) : new Capabilities(0);
        } catch (IOException e) {
            return new Capabilities(0);
        }
    }

    /** Parses the text of a {@code status} file. */
    public static Capabilities parse(String status) {
        for (String line : status.split("\n")) {
            if (line.startsWith("CapEff:")) {
                return new Capabilities(Long.parseUnsignedLong(line.substring("CapEff:".length()).strip(), 16));
            }
        }
        return new Capabilities(0);
    }

    public static Capabilities ofMask(long mask) {
        return new Capabilities(mask);
    }

    public boolean has(Capability capability) {
        return (mask & (1L << capability.bit())) != 0;
    }

    public long effectiveMask() {
        return mask;
    }

    /** CAP_SYS_ADMIN, or CAP_BPF together with CAP_PERFMON (tracing programs need both, Linux 5.8+). */
    public boolean canLoadBpf() {
        return has(Capability.CAP_SYS_ADMIN) || (has(Capability.CAP_BPF) && has(Capability.CAP_PERFMON));
    }

    /** Which of CAP_BPF and CAP_PERFMON are missing, when CAP_SYS_ADMIN does not cover them. */
    public List<Capability> missingForBpf() {
        List<Capability> missing = new ArrayList<>();
        if (!has(Capability.CAP_SYS_ADMIN)) {
            if (!has(Capability.CAP_BPF)) {
                missing.add(Capability.CAP_BPF);
            }
            if (!has(Capability.CAP_PERFMON)) {
                missing.add(Capability.CAP_PERFMON);
            }
        }
        return missing;
    }

    /** "CapEff 000001fffeffffff: CAP_BPF yes, …". */
    public String describe() {
        StringBuilder sb = new StringBuilder(String.format("CapEff %016x:", mask));
        for (Capability c : Capability.values()) {
            sb.append(' ').append(c.name()).append(has(c) ? " yes" : " no").append(',');
        }
        sb.setLength(sb.length() - 1);
        return sb.toString();
    }
}
