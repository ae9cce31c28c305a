package io.ebpfnet.socket.groups;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** What grouping needs from {@code /proc/<pid>}: command name, command line, parent, cgroups. Root injectable for tests. */
public final class ProcFs {
    /** One process as /proc shows it. */
    public record Process(int pid, String comm, String cmdline, int ppid) {
    }

    private final Path proc;

    public ProcFs(Path proc) {
        this.proc = proc;
    }

    public static ProcFs live() {
        return new ProcFs(Path.of("/proc"));
    }

    /** The process, or empty when it is gone. */
    public Optional<Process> read(int pid) {
        Path dir = proc.resolve(Integer.toString(pid));
        try {
            String stat = Files.readString(dir.resolve("stat"));
            // "pid (comm) state ppid …": comm may contain spaces and parentheses, so split at the last ')'.
            int open = stat.indexOf('(');
            int close = stat.lastIndexOf(')');
            String comm = stat.substring(open + 1, close);
            String[] rest = stat.substring(close + 2).split(" ");
            int ppid = Integer.parseInt(rest[1]);
            String cmdline = "";
            try {
                cmdline = new String(Files.readAllBytes(dir.resolve("cmdline")), StandardCharsets.UTF_8).replace('\0', ' ').strip();
            } catch (IOException ignored) {
                // kernel threads and zombies have none
            }
            return Optional.of(new Process(pid, comm, cmdline, ppid));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** The lines of {@code /proc/<pid>/cgroup}, or empty when the process is gone. */
    public Optional<List<String>> cgroupLines(int pid) {
        try {
            return Optional.of(Files.readAllLines(proc.resolve(Integer.toString(pid)).resolve("cgroup")));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }
}
