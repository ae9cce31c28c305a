package io.ebpfnet.socket.internal;

import io.ebpfnet.core.BpfObject;
import io.ebpfnet.core.BpfProgram;
import io.ebpfnet.core.BpfUnsupportedException;
import io.ebpfnet.core.Tracefs;
import io.ebpfnet.core.detect.AttachMode;
import io.ebpfnet.socket.SocketCollectorOptions;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Legacy mode's program selection without the kernel's BTF: a hooked function exists if
 * {@code /proc/kallsyms} names it, a classic tracepoint if tracefs has it, and the flags argument of the
 * receive functions is found from the kernel release.
 */
public final class LegacyHooks {
    private static final Path KALLSYMS = Path.of("/proc/kallsyms");
    private static final Path RELEASE = Path.of("/proc/sys/kernel/osrelease");

    private LegacyHooks() {
    }

    /**
     * Turns on the programs of the options' load mode whose hooks this kernel has; adds the optional ones
     * it lacks, with what that costs, to {@code skipped}.
     *
     * @throws BpfUnsupportedException when a required function is missing
     */
    public static void select(BpfObject object, SocketCollectorOptions options, List<String> skipped) {
        List<ProgramSet.Hook> hooks = ProgramSet.hooks(AttachMode.LEGACY, options.loadMode(), false, false, false);
        LayoutCheck.require(object.name(), ProgramSet.sectionDifferences(object, hooks));
        Set<String> functions = new HashSet<>();
        for (ProgramSet.Hook hook : hooks) {
            if (hook.kind() == ProgramSet.Target.FUNCTION) {
                functions.add(hook.target());
            }
        }
        Set<String> present = kernelSymbols(functions);
        Set<String> wanted = new HashSet<>();
        List<String> missing = new ArrayList<>();
        for (ProgramSet.Hook hook : hooks) {
            boolean event = hook.kind() == ProgramSet.Target.EVENT;
            String what = (event ? "tracepoint " : "function ") + hook.target();
            if (event ? Tracefs.hasEvent(hook.event()[0], hook.event()[1]) : present.contains(hook.target())) {
                wanted.add(hook.program());
            } else if (event && Tracefs.unusable() != null) {
                skipped.add(hook.program() + ": " + Tracefs.unusable() + ", so " + what + " cannot be attached" + hook.whenAbsent());
            } else if (hook.optional()) {
                skipped.add(hook.program() + ": this kernel has no " + what + hook.whenAbsent());
            } else {
                missing.add(what);
            }
        }
        if (!missing.isEmpty()) {
            throw new BpfUnsupportedException("start the socket collector in legacy mode", 0,
                    "this kernel lacks " + String.join(", ", missing) + " (" + KALLSYMS + " does not list them)");
        }
        for (BpfProgram p : object.programs()) {
            p.setAutoload(wanted.contains(p.name()));
        }
    }

    /**
     * The index of the {@code flags} parameter of tcp_recvmsg, udp_recvmsg and udpv6_recvmsg: 4 before
     * Linux 5.19, whose functions had a {@code noblock} parameter before it, 3 since (CO-RE modes count the
     * parameters in the kernel's BTF instead).
     */
    public static int receiveFlagsArgument() {
        try {
            String[] v = Files.readString(RELEASE).trim().split("[.-]");
            int major = Integer.parseInt(v[0]);
            int minor = Integer.parseInt(v[1]);
            return major > 5 || (major == 5 && minor >= 19) ? 3 : 4;
        } catch (IOException | RuntimeException e) {
            throw new BpfUnsupportedException("start the socket collector in legacy mode", 0,
                    "the kernel release could not be read from " + RELEASE + " (" + e.getMessage()
                            + "), and the receive functions' arguments depend on it");
        }
    }

    /* Which of `names` the kernel's symbol table lists (module symbols included); all of them if it cannot be read:
     * the attach then says what is missing. */
    private static Set<String> kernelSymbols(Set<String> names) {
        Set<String> found = new HashSet<>();
        try (BufferedReader in = Files.newBufferedReader(KALLSYMS)) {
            for (String line; (line = in.readLine()) != null; ) {
                // "ffffffff81a2b3c0 T tcp_sendmsg" or "... t udpv6_sendmsg\t[ipv6]"
                int start = line.indexOf(' ', line.indexOf(' ') + 1) + 1;
                int end = line.indexOf('\t', start);
                String name = end < 0 ? line.substring(start) : line.substring(start, end);
                if (names.contains(name)) {
                    found.add(name);
                }
            }
        } catch (IOException e) {
            return names;
        }
        return found;
    }
}
