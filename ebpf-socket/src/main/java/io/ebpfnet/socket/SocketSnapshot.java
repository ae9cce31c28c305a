package io.ebpfnet.socket;

import java.time.Instant;

/**
 * Cumulative counters at one moment: the global counters and the per-process table. Two snapshots
 * give rates ({@link SocketRates#between}). Immutable; holds no native memory.
 */
public final class SocketSnapshot {
    private final long monotonicNanos;
    private final Instant time;
    private final long[] global;
    private final ProcessTable processes;

    SocketSnapshot(long monotonicNanos, Instant time, long[] global, ProcessTable processes) {
        this.monotonicNanos = monotonicNanos;
        this.time = time;
        this.global = global;
        this.processes = processes;
    }

    /** {@link System#nanoTime()} when the read started: rates divide by differences of this. */
    public long monotonicNanos() {
        return monotonicNanos;
    }

    /** Wall-clock time of the read. */
    public Instant time() {
        return time;
    }

    /** A global counter, cumulative since the programs were loaded. */
    public long global(GlobalCounter counter) {
        return global[counter.ordinal()];
    }

    /** Per-process counters; exited processes appear, marked exited, until every open reader has seen them (see {@link SocketCollector}). */
    public ProcessTable processes() {
        return processes;
    }
}
