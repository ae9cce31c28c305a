package io.ebpfnet.core.internal;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * Holds the sampling profilers' signals (SIGPROF, SIGVTALRM) back from the calling thread while the
 * kernel verifies programs. The verifier gives up with EAGAIN when a signal is pending, and libbpf
 * retries a load only five times: a JVM profiled by async-profiler (SIGPROF every 10 ms of CPU, the
 * verifier's time included) could never load a program that takes longer than that to verify. The
 * held signals arrive when the mask is restored; the profiler loses the samples of the load only.
 */
public final class ProfilerSignals implements AutoCloseable {
    private static final int SIG_BLOCK = 0;
    private static final int SIG_SETMASK = 2;
    private static final int SIGVTALRM = 26;
    private static final int SIGPROF = 27;
    private static final long SIGSET_T_SIZE = 128; // glibc's sigset_t: 1024 bits, as 16 longs

    // One downcall, and a shape libbpf's bindings use too (each new shape costs the JVM a stub at start-up):
    // the set is written as sigaddset would, bit (signal - 1) of glibc's array of longs.
    private static final MethodHandle PTHREAD_SIGMASK = Linker.nativeLinker().downcallHandle(
            Linker.nativeLinker().defaultLookup().find("pthread_sigmask").orElseThrow(),
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS));

    private final Arena arena = Arena.ofConfined();
    private final MemorySegment previous = arena.allocate(SIGSET_T_SIZE, 8);
    private final boolean blocked;

    private ProfilerSignals() {
        MemorySegment held = arena.allocate(SIGSET_T_SIZE, 8);
        held.set(JAVA_LONG, 0, 1L << (SIGPROF - 1) | 1L << (SIGVTALRM - 1));
        try {
            // Failing to block costs only the protection: the load goes ahead as before.
            blocked = (int) PTHREAD_SIGMASK.invokeExact(SIG_BLOCK, held, previous) == 0;
        } catch (Throwable t) {
            arena.close();
            throw new AssertionError("pthread_sigmask failed", t);
        }
    }

    /** Blocks the signals on this thread until {@link #close()}, which must run on the same thread. */
    public static ProfilerSignals hold() {
        return new ProfilerSignals();
    }

    @Override
    public void close() {
        try {
            if (blocked) {
                int ignored = (int) PTHREAD_SIGMASK.invokeExact(SIG_SETMASK, previous, MemorySegment.NULL);
            }
        } catch (Throwable t) {
            throw new AssertionError("pthread_sigmask failed", t);
        } finally {
            arena.close();
        }
    }
}
