package io.ebpfnet.core;

import io.ebpfnet.core.internal.LibbpfLog;
import io.ebpfnet.core.internal.ProfilerSignals;
import io.ebpfnet.core.internal.libbpf.LibbpfBindings;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.IntFunction;

/**
 * Loads an object's programs on several CPUs (three or more, see {@link #MINIMUM_CPUS}). libbpf loads the
 * programs of one object one after the other, and the kernel's verifier is a large part of a collector's
 * start (socket.bpf.o's tracepoint programs: 80-98 ms of the kernel's time, 283 ms before their code was
 * shaped for the verifier, see bpf-src/README.md). So the object itself creates only the maps; its programs
 * are split into groups of about equal size, and each group is loaded by a helper object opened from the
 * same ELF, whose maps are the object's (libbpf's map reuse), on a thread of its own. The helpers stay
 * open, owned by the object, because closing one would unload its programs.
 */
final class ParallelLoad {
    /** Fewer instructions than this verify faster than a helper object is opened and prepared. */
    static final long MINIMUM_INSTRUCTIONS = 4096;
    /** More threads than this gain little: a few large programs dominate. */
    static final int MAXIMUM_THREADS = 4;
    /**
     * With fewer CPUs the object loads alone: on two, the helpers' own work (each parses the kernel's BTF
     * again) and the JVM's start-up threads compete for what splitting the verifier's ~90 ms would save.
     * Measured on a 2-CPU VM, socket.bpf.o's tracepoint programs, first output of {@code --interval 1},
     * alternating starts: 1,628 against 1,663 ms and 1,638 against 1,648 ms (medians of 8 and 10, within
     * that VM's spread: no measurable gain from splitting), and ~3 MB less C heap kept without the helpers.
     * Three is not measured: the smallest count where a helper can have a CPU of its own beside the JVM.
     */
    static final int MINIMUM_CPUS = 3;

    private ParallelLoad() {
    }

    /**
     * The programs to load, split into at most {@code cpus} groups of about equal instruction counts
     * (largest first, each to the lightest group); one group when they have fewer than
     * {@code minimumInstructions} in all ({@link #MINIMUM_INSTRUCTIONS}: splitting would not pay) or there
     * are fewer than {@link #MINIMUM_CPUS} CPUs.
     */
    static <P> List<List<P>> groups(List<P> programs, Function<P, Long> instructions, int cpus, long minimumInstructions) {
        int n = Math.min(Math.min(cpus, MAXIMUM_THREADS), programs.size());
        long total = programs.stream().mapToLong(instructions::apply).sum();
        if (cpus < MINIMUM_CPUS || n < 2 || total < minimumInstructions) {
            return List.of(programs);
        }
        List<P> largestFirst = new ArrayList<>(programs);
        largestFirst.sort(Comparator.comparing(instructions).reversed());
        List<List<P>> groups = new ArrayList<>();
        long[] sizes = new long[n];
        for (int i = 0; i < n; i++) {
            groups.add(new ArrayList<>());
        }
        for (P p : largestFirst) {
            int lightest = 0;
            for (int i = 1; i < n; i++) {
                if (sizes[i] < sizes[lightest]) {
                    lightest = i;
                }
            }
            groups.get(lightest).add(p);
            sizes[lightest] += instructions.apply(p);
        }
        groups.removeIf(List::isEmpty);
        return groups;
    }

    /**
     * Creates the object's maps ({@code createMaps}, on this thread) while a thread per group opens its
     * helper ({@code open.apply(i)}, the group's programs set to load); then each thread gives its helper
     * the maps ({@code shareMaps}) and loads it. Throws the first failure (the maps' first), with what libbpf
     * and the verifier printed for it.
     */
    static void loadAll(String objectName, Runnable createMaps, int groups, IntFunction<MemorySegment> open,
                        Consumer<MemorySegment> shareMaps) {
        Throwable[] failures = new Throwable[groups];
        CountDownLatch mapsDone = new CountDownLatch(1);
        CountDownLatch helpersDone = new CountDownLatch(groups);
        AtomicBoolean mapsCreated = new AtomicBoolean();
        for (int i = 0; i < groups; i++) {
            int group = i;
            // Daemons: a thread may stay after its load, until the freed memory it kept is returned (see below).
            Thread.ofPlatform().daemon().name("ebpfnet-load-" + objectName + "-" + i).start(() -> {
                // The kernel's BTF this thread parses is freed into its own C heap (unless glibc has one heap
                // for all threads: MALLOC_ARENA_MAX=1, as the CLI's launchers set it): kept there until returned.
                CountDownLatch returned = KeptNativeMemory.enlist();
                try {
                    MemorySegment helper = open.apply(group);
                    uninterruptibly(mapsDone::await);
                    if (mapsCreated.get()) {
                        shareMaps.accept(helper);
                        failures[group] = load(objectName, helper);
                    }
                } catch (RuntimeException | Error e) {
                    failures[group] = e; // a thread's exception would otherwise be lost
                } finally {
                    helpersDone.countDown();
                }
                KeptNativeMemory.giveBackOwnHeap(returned);
            });
        }
        try {
            createMaps.run();
            mapsCreated.set(true);
        } finally {
            mapsDone.countDown();
            // The helpers are written to until each thread is done with them: wait for them all, even when interrupted.
            uninterruptibly(helpersDone::await);
        }
        for (Throwable failure : failures) {
            if (failure instanceof RuntimeException e) {
                throw e;
            }
            if (failure instanceof Error e) {
                throw e;
            }
        }
    }

    /** A wait that can be interrupted. */
    private interface Wait {
        void run() throws InterruptedException;
    }

    /* Waits to the end even when interrupted (the helpers are written to until each thread is done), then
     * keeps the interrupt for the caller. */
    private static void uninterruptibly(Wait wait) {
        boolean interrupted = false;
        while (true) {
            try {
                wait.run();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /* What the load's failure is, or null. */
    private static BpfException load(String objectName, MemorySegment helper) {
        try (LibbpfLog.Capture log = LibbpfLog.capture(); ProfilerSignals held = ProfilerSignals.hold()) {
            int rc = LibbpfBindings.bpf_object__load(helper);
            return rc < 0 ? BpfErrors.load(objectName, -rc, log.log()) : null;
        }
    }
}
