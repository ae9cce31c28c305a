package io.ebpfnet.core;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * BpfObject.keepFreedNativeMemory: a large block freed and allocated again (as libbpf does with the kernel's
 * BTF at each load) reuses its pages, where glibc's defaults map fresh ones, a page fault each. The
 * process's minor-fault count tells: other threads fault too meanwhile, but far fewer than the 1,536 pages
 * of a block.
 */
class FreedNativeMemoryTest {
    private static final long BLOCK = 6L << 20; // about the kernel BTF libbpf reads at each load

    @Test
    void keptBlocksAreReusedWithoutFaultsAndReturnedAfterwards() throws IOException {
        assertTrue(BpfObject.keepFreedNativeMemory(), "glibc's mallopt");
        try {
            touchAndFree(); // the first block maps its pages
            long kept = touchAndFree();
            assertTrue(BpfObject.returnFreedNativeMemory(), "glibc's mallopt and malloc_trim");
            touchAndFree();
            long returned = touchAndFree();
            assertTrue(kept * 4 < returned, "page faults of a block allocated again: " + kept + " while kept, "
                    + returned + " with glibc's defaults");
        } finally {
            BpfObject.returnFreedNativeMemory();
        }
    }

    /* Minor page faults of this process while a block is allocated, written through and freed. */
    private static long touchAndFree() throws IOException {
        long before = minorFaults();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment block = arena.allocate(BLOCK, 8);
            block.fill((byte) 1);
        }
        return minorFaults() - before;
    }

    /* Field 10 of /proc/self/stat; the command name (field 2) is in parentheses and may hold spaces. */
    private static long minorFaults() throws IOException {
        String stat = Files.readString(Path.of("/proc/self/stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(fields[7]);
    }
}
