package io.ebpfnet.core.detect;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The process's effective capabilities ({@code CapEff} in {@code /proc/self/status}). Read from the
 * file rather than asked of the kernel so detection stays pure Java and testable on fixture trees.
 */
public final class Capabilities {
    private static final String CAP_EFF = "CapEff:";

    private final long mask;

    private Capabilities(long mask) {
        this.mask = mask;
    }

    /** Reads {@code proc/self/status}; a missing or unreadable file means no capabilities. */
    public static Capabilities read(SystemPaths paths) {
        Path status = paths.proc().resolve("self/status");
        try {
            return Files.isReadable(status) ? parse(Files.readString(status)) : new Capabilities(0);
        } catch (IOException e) {
            return new Capabilities(0);
        }
    }

    /**
     * Parses the text of a {@code status} file; without a {@code CapEff} line, no capabilities.
     *
     * @throws IllegalArgumentException when the {@code CapEff} value is not a hex mask
     */
    public static Capabilities parse(String statusText) {
        for (String line : statusText.split("\n")) {
            if (line.startsWith(CAP_EFF)) {
                String hex = line.substring(CAP_EFF.length()).strip();
                try {
                    return new Capabilities(Long.parseUnsignedLong(hex, 16));
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("CapEff is not a hex mask: '" + hex + "'", e);
                }
            }
        }
        return new Capabilities(0);
    }

    /** Capabilities with the given effective mask (bit n = capability n). */
    public static Capabilities ofMask(long mask) {
        return new Capabilities(mask);
    }

    public boolean has(Capability capability) {
        return (mask & (1L << capability.bit())) != 0;
    }

    /** The raw {@code CapEff} bitmask. */
    public long effectiveMask() {
        return mask;
    }

    /** CAP_SYS_ADMIN, or CAP_BPF together with CAP_PERFMON (tracing programs need both, Linux 5.8+). */
    public boolean canLoadBpf() {
        return has(Capability.CAP_SYS_ADMIN) || (has(Capability.CAP_BPF) && has(Capability.CAP_PERFMON));
    }

    /** Which of CAP_BPF and CAP_PERFMON are missing; empty when CAP_SYS_ADMIN covers them. */
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
        return List.copyOf(missing);
    }

    /**
     * How to give a process CAP_BPF and CAP_PERFMON without giving them to anything else: as ambient
     * capabilities of that one process, never as file capabilities on a shared interpreter (setcap on the
     * java binary would grant them to every Java program on the host).
     */
    public static final String GRANT_ADVICE = "Run it as root, or give these capabilities (and CAP_NET_ADMIN, which"
            + " cgroup socket programs need) to this process alone: from a systemd unit (AmbientCapabilities=CAP_BPF"
            + " CAP_PERFMON CAP_NET_ADMIN, CapabilityBoundingSet= the same), or start it with setpriv"
            + " --inh-caps +bpf,+perfmon,+net_admin --ambient-caps +bpf,+perfmon,+net_admin; do not setcap the java"
            + " binary (every Java program on the host would get them)";

    /** "CapEff 000001fffeffffff: CAP_NET_ADMIN yes, …, CAP_BPF yes". */
    public String describe() {
        StringBuilder sb = new StringBuilder(String.format("CapEff %016x:", mask));
        String sep = " ";
        for (Capability c : Capability.values()) {
            sb.append(sep).append(c.name()).append(has(c) ? " yes" : " no");
            sep = ", ";
        }
        return sb.toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Capabilities c && c.mask == mask;
    }

    @Override
    public int hashCode() {
        return Long.hashCode(mask);
    }

    @Override
    public String toString() {
        return describe();
    }
}
