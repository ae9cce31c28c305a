package io.ebpfnet.core.testing;

import io.ebpfnet.core.internal.libbpf.LibbpfBindings;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/** How many BPF programs the kernel holds, to prove that closing leaves none behind. */
public final class KernelPrograms {
    private KernelPrograms() {
    }

    /** The number of loaded BPF programs, by walking program ids. */
    public static long count() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment next = arena.allocate(ValueLayout.JAVA_INT);
            int id = 0;
            long count = 0;
            while (LibbpfBindings.bpf_prog_get_next_id(id, next) == 0) {
                id = next.get(ValueLayout.JAVA_INT, 0);
                count++;
            }
            return count;
        }
    }

    /**
     * BPF programs and links this process holds open (its file descriptors): what it leaked, whatever other
     * processes load meanwhile.
     */
    public static long heldByThisProcess() {
        try (java.util.stream.Stream<java.nio.file.Path> fds = java.nio.file.Files.list(java.nio.file.Path.of("/proc/self/fd"))) {
            return fds.filter(fd -> {
                try {
                    String target = java.nio.file.Files.readSymbolicLink(fd).toString();
                    return target.equals("anon_inode:bpf-prog") || target.equals("anon_inode:bpf_link");
                } catch (java.io.IOException e) {
                    return false; // closed meanwhile (the listing's own descriptor, for one)
                }
            }).count();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /**
     * The count once it has stopped moving: closed programs are freed after an RCU grace period.
     * Waits until it stays the same for half a second, or for {@code target} if given (≥ 0).
     */
    public static long settled(long target) throws InterruptedException {
        long last = count();
        int stable = 0;
        for (int i = 0; i < 100 && stable < 5 && last != target; i++) {
            Thread.sleep(100);
            long now = count();
            stable = now == last ? stable + 1 : 0;
            last = now;
        }
        return last;
    }
}
