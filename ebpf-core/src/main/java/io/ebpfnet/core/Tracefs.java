package io.ebpfnet.core;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The kernel's trace events as libbpf finds them when it attaches a classic tracepoint program
 * ({@code SEC("tracepoint/SYSTEM/EVENT")}): under tracefs, mounted at {@code /sys/kernel/tracing} or, on
 * older systems, {@code /sys/kernel/debug/tracing}.
 */
public final class Tracefs {
    private static final List<Path> ROOTS = List.of(Path.of("/sys/kernel/tracing"), Path.of("/sys/kernel/debug/tracing"));

    private Tracefs() {
    }

    /**
     * Why classic tracepoints cannot be attached by this process, or null: tracefs not mounted, or mounted
     * where this user cannot read (mode 700: root only), which hides its events.
     */
    public static String unusable() {
        for (Path root : ROOTS) {
            Path events = root.resolve("events");
            if (Files.isDirectory(events)) {
                return null;
            }
            if (Files.exists(root) && !Files.isReadable(root)) {
                return "tracefs (" + root + ") is not readable by this user";
            }
        }
        return "tracefs is not mounted (mount -t tracefs none /sys/kernel/tracing)";
    }

    /**
     * Whether the trace event {@code system/event} exists (for {@code syscalls/sys_exit_*}: the kernel has
     * CONFIG_FTRACE_SYSCALLS and tracefs is mounted).
     */
    public static boolean hasEvent(String system, String event) {
        for (Path root : ROOTS) {
            if (Files.isDirectory(root.resolve("events").resolve(system).resolve(event))) {
                return true;
            }
        }
        return false;
    }
}
