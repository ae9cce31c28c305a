package io.ebpfnet.cli;

import io.ebpfnet.core.internal.libbpf.LibbpfBindings;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;

/**
 * The BPF programs one process holds, by id, and whether they still exist. By the ids of that
 * process, not by a count of every program: other collectors and tests may load programs meanwhile.
 */
final class HeldPrograms {
    private HeldPrograms() {
    }

    /** The prog ids in {@code pid}'s descriptors (program and link fds carry a {@code prog_id:} line). */
    static Set<Integer> of(long pid) {
        Set<Integer> ids = new HashSet<>();
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(Path.of("/proc/" + pid + "/fdinfo"))) {
            for (Path fd : fds) {
                try {
                    for (String line : Files.readAllLines(fd)) {
                        if (line.startsWith("prog_id:")) {
                            ids.add(Integer.parseInt(line.substring("prog_id:".length()).strip()));
                        }
                    }
                } catch (IOException e) {
                    // closed meanwhile
                }
            }
        } catch (IOException e) {
            // the process is gone: it holds nothing
        }
        return ids;
    }

    /**
     * Waits until none of {@code ids} is loaded any more (a released program is freed after an RCU
     * grace period); fails after 10 s naming those left.
     */
    static void awaitGone(Set<Integer> ids) throws InterruptedException {
        Set<Integer> left = new HashSet<>(ids);
        for (int i = 0; i < 100 && !left.isEmpty(); i++) {
            left.retainAll(loaded());
            if (!left.isEmpty()) {
                Thread.sleep(100);
            }
        }
        if (!left.isEmpty()) {
            throw new AssertionError("programs still loaded 10 s after the collector stopped: " + left);
        }
    }

    /** Every loaded program's id, by walking the kernel's ids. */
    private static Set<Integer> loaded() {
        Set<Integer> ids = new HashSet<>();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment next = arena.allocate(ValueLayout.JAVA_INT);
            int id = 0;
            while (LibbpfBindings.bpf_prog_get_next_id(id, next) == 0) {
                id = next.get(ValueLayout.JAVA_INT, 0);
                ids.add(id);
            }
        }
        return ids;
    }
}
