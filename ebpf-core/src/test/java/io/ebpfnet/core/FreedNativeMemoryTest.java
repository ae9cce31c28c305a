package io.ebpfnet.core;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * BpfObject.keepFreedNativeMemory: a large block freed and allocated again (as libbpf does with the kernel's
 * BTF at each load) reuses its pages, where glibc's defaults map fresh ones, a page fault each. This
 * thread's minor-fault count tells (other threads' faults are not in it); the fewest of three rounds is
 * taken, as a stray fault of the JVM's on this thread only adds. And what a thread kept in its own C heap
 * (a parallel load's helper) is given back with the rest: its pages are no longer resident (mincore).
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

    @Test
    void whatAThreadKeptInItsOwnHeapIsReturnedWithTheRest() throws Throwable {
        Assumptions.assumeTrue(isGlibc(), "not glibc: its C heap has no such settings");
        assertTrue(BpfObject.keepFreedNativeMemory(), "glibc's mallopt");
        try {
            long[] address = new long[1];
            CountDownLatch freed = new CountDownLatch(1);
            // As a parallel load's helper thread: it frees a large block (the kernel's BTF) and is done.
            Thread helper = Thread.ofPlatform().daemon().start(() -> {
                CountDownLatch returned = KeptNativeMemory.enlist();
                try (Arena arena = Arena.ofConfined()) {
                    MemorySegment block = arena.allocate(BLOCK, 8);
                    block.fill((byte) 1);
                    address[0] = block.address();
                }
                freed.countDown();
                KeptNativeMemory.giveBackOwnHeap(returned);
            });
            freed.await();
            double kept = residentShare(address[0], BLOCK);
            assertTrue(BpfObject.returnFreedNativeMemory(), "glibc's mallopt and malloc_trim");
            double returned = residentShare(address[0], BLOCK);
            helper.join(5000);
            assertFalse(helper.isAlive(), "the thread still waits after the return");
            assertTrue(kept > 0.9, "the freed block was not kept: " + kept + " of its pages resident");
            assertTrue(returned < 0.1, returned + " of the block's pages still resident after the return");
        } finally {
            BpfObject.returnFreedNativeMemory();
        }
    }

    @Test
    void withNothingKeptAThreadDoesNotWait() throws InterruptedException {
        BpfObject.returnFreedNativeMemory();
        Thread helper = Thread.ofPlatform().daemon().start(() -> KeptNativeMemory.giveBackOwnHeap(KeptNativeMemory.enlist()));
        helper.join(5000);
        assertFalse(helper.isAlive(), "a thread waits for a return although nothing is kept");
    }

    /* The share of the pages of [address, address + length) that are resident; an unmapped range has none. */
    private static double residentShare(long address, long length) throws Throwable {
        long page = 4096;
        long start = address & -page;
        long pages = (address + length - start + page - 1) / page;
        MethodHandle mincore = Linker.nativeLinker().downcallHandle(
                Linker.nativeLinker().defaultLookup().find("mincore").orElseThrow(),
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG, ValueLayout.ADDRESS));
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment vector = arena.allocate(pages);
            if ((int) mincore.invokeExact(MemorySegment.ofAddress(start), pages * page, vector) != 0) {
                return 0; // ENOMEM: no longer mapped (the main heap's top shrank)
            }
            long resident = 0;
            for (long i = 0; i < pages; i++) {
                resident += vector.get(ValueLayout.JAVA_BYTE, i) & 1;
            }
            return (double) resident / pages;
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
