package io.ebpfnet.core;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * BpfObject.keepFreedNativeMemory: a large block freed and allocated again (as libbpf does with the kernel's
 * BTF at each load) reuses its pages, where glibc's defaults map fresh ones, a page fault each. This
 * thread's minor-fault count tells (other threads' faults are not in it); the fewest of three rounds is
 * taken, as a stray fault of the JVM's on this thread only adds.
 */
class FreedNativeMemoryTest {
    private static final long BLOCK = 6L << 20; // about the kernel BTF libbpf reads at each load

    @Test
    void keptBlocksAreReusedWithoutFaultsAndReturnedAfterwards() throws IOException {
        Assumptions.assumeTrue(isGlibc(), "not glibc: its C heap has no such settings");
        assertTrue(BpfObject.keepFreedNativeMemory(), "glibc's mallopt");
        try {
            touchAndFree(); // the first block maps its pages
            long kept = Math.min(touchAndFree(), Math.min(touchAndFree(), touchAndFree()));
            assertTrue(BpfObject.returnFreedNativeMemory(), "glibc's mallopt and malloc_trim");
            // the blocks kept so far serve a round or two more, until a free past the restored threshold trims them
            long returned = Math.max(touchAndFree(), Math.max(touchAndFree(), touchAndFree()));
            assertTrue(kept * 4 < returned, "page faults of a block allocated again: " + kept + " while kept, "
                    + returned + " at most once given back");
        } finally {
            BpfObject.returnFreedNativeMemory();
        }
    }

    /* Minor page faults of this thread while a block is allocated, written through and freed. */
    private static long touchAndFree() throws IOException {
        long before = minorFaults();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment block = arena.allocate(BLOCK, 8);
            block.fill((byte) 1);
        }
        return minorFaults() - before;
    }

    private static boolean isGlibc() {
        return java.lang.foreign.Linker.nativeLinker().defaultLookup().find("gnu_get_libc_version").isPresent();
    }

    /* Field 10 of this thread's stat; the command name (field 2) is in parentheses and may hold spaces. */
    private static long minorFaults() throws IOException {
        String stat = Files.readString(Path.of("/proc/thread-self/stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(fields[7]);
    }
}
