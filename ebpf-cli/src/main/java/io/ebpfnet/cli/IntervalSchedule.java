package io.ebpfnet.cli;

/**
 * When each interval ends: on a fixed grid from the first snapshot, the k-th at {@code first + k × every}, so that
 * the time spent reading and printing does not push every later output back (waiting a whole interval after each
 * output would drift by that time at every interval). A tick that passed while an interval was read or printed is
 * skipped, not made up by a burst of outputs; the rates divide by the time really elapsed, so nothing is lost.
 * The lifetime ends the schedule: when it ends before the next tick, the last interval ends with it if at least a
 * second of it is left.
 *
 * <p>All times are {@link System#nanoTime()} differences from when the collector began starting, which the
 * lifetime counts from: no instant is added to a long lifetime, which could overflow.
 */
final class IntervalSchedule {
    private static final long SECOND = 1_000_000_000L;

    private final long begun;
    private final long first;
    private final long every;
    private final long lifetime;
    private long ticks; // the grid point last scheduled: the next is later, whatever time a caller passes

    /**
     * @param begun         nanoTime when the collector began starting (the lifetime counts from it)
     * @param firstSnapshot nanoTime just before the first snapshot was read: the grid's origin
     * @param everyNanos    the interval, more than 0
     * @param lifetimeNanos how long after {@code begun} the collector stops; {@code Long.MAX_VALUE}: never
     */
    IntervalSchedule(long begun, long firstSnapshot, long everyNanos, long lifetimeNanos) {
        if (everyNanos <= 0) {
            throw new IllegalArgumentException("interval must be positive: " + everyNanos);
        }
        this.begun = begun;
        this.first = firstSnapshot - begun;
        this.every = everyNanos;
        this.lifetime = lifetimeNanos;
    }

    /** Nanoseconds from {@code now} to the end of the next interval; -1 when the lifetime ends first (stop). */
    long nanosUntilNext(long now) {
        long elapsed = now - begun;
        long next = Math.max(ticks + 1, (elapsed - first) / every + 1); // the first grid point after now
        long tick = first + next * every;
        if (tick <= lifetime) {
            ticks = next;
            return tick - elapsed;
        }
        // The lifetime ends before the next tick: its end is the last interval's, after which less than a second is left.
        long left = lifetime - elapsed;
        return left < SECOND ? -1 : left;
    }
}
