package io.ebpfnet.core;

import io.ebpfnet.core.internal.Libc;

import java.lang.foreign.Arena;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The state behind {@link BpfObject#keepFreedNativeMemory()} and {@link BpfObject#returnFreedNativeMemory()},
 * and the one part {@code malloc_trim} does not do: glibc gives the free top of a thread's own heap (an arena
 * other than the main one) back only at a free in that heap. A thread that frees kept blocks and would end
 * (a parallel load's helper, after parsing the kernel's BTF) {@link #enlist()}s before it is done, then
 * calls {@link #giveBackOwnHeap(CountDownLatch)}: it waits for the return, then frees once more, so that its
 * heap's top goes too (measured with two helpers: ~5.5 MB of a collector's RSS, resident for as long as it
 * ran). The thread that returns the memory does the same for its own heap. Where glibc has one heap for all
 * threads ({@code MALLOC_ARENA_MAX=1}, as the CLI's launchers set it) that last free changes nothing.
 */
final class KeptNativeMemory {
    /* Below the 128 KiB mapping threshold (it comes from the thread's heap) and at least glibc's 64 KiB
     * FASTBIN_CONSOLIDATION_THRESHOLD, past which a free trims the heap it was in. */
    private static final long TRIMMING_FREE = 96 << 10;
    /* How long a thread waits for the return before it ends with its heap's top still kept. */
    private static final long WAIT_SECONDS = 60;
    /* How long the return waits for each enlisted thread to have freed. */
    private static final long JOIN_MILLIS = 5000;

    private static final Object LOCK = new Object();
    private static boolean keeping;
    private static CountDownLatch returned = new CountDownLatch(0);
    private static final List<Thread> waiting = new ArrayList<>();

    private KeptNativeMemory() {
    }

    static boolean keep() {
        boolean set = Libc.heapThresholds(32 << 20, Integer.MAX_VALUE);
        if (set) { // elsewhere (not glibc) nothing is kept, and no thread should wait for a return
            synchronized (LOCK) {
                if (!keeping) {
                    keeping = true;
                    returned = new CountDownLatch(1);
                }
            }
        }
        return set;
    }

    static boolean giveBack() {
        boolean set = Libc.heapThresholds(128 << 10, 128 << 10);
        boolean trimmed = Libc.trimHeap();
        freeInOwnHeap();
        List<Thread> threads;
        synchronized (LOCK) {
            keeping = false;
            returned.countDown();
            threads = List.copyOf(waiting);
        }
        boolean interrupted = false;
        for (Thread t : threads) {
            try {
                t.join(JOIN_MILLIS);
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        return trimmed && set;
    }

    /**
     * Registers the calling thread, which freed (or may free) kept blocks, to give its own heap's top back at
     * the return; null when nothing is kept. Call it before the thread signals that it is done, so that a
     * return that follows always finds it.
     */
    static CountDownLatch enlist() {
        synchronized (LOCK) {
            if (!keeping) {
                return null;
            }
            waiting.add(Thread.currentThread());
            return returned;
        }
    }

    /**
     * For an {@link #enlist()}ed thread about to end: waits for {@link #giveBack()} (at most a minute), then
     * gives its own heap's free top back. Returns at once for a null latch (nothing was kept).
     */
    static void giveBackOwnHeap(CountDownLatch returnedLatch) {
        if (returnedLatch == null) {
            return;
        }
        try {
            if (returnedLatch.await(WAIT_SECONDS, TimeUnit.SECONDS)) {
                freeInOwnHeap();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            synchronized (LOCK) {
                waiting.remove(Thread.currentThread());
            }
        }
    }

    private static void freeInOwnHeap() {
        try (Arena arena = Arena.ofConfined()) {
            arena.allocate(TRIMMING_FREE); // freed at the close: the free that trims the calling thread's heap
        }
    }
}
