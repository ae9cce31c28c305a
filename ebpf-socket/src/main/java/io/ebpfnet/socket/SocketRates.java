package io.ebpfnet.socket;

/**
 * Per-second rates of the global counters between two snapshots, divided by the measured time
 * between them (not the nominal interval). A counter that went backwards (the programs were
 * reloaded) counts from zero.
 */
public final class SocketRates {
    private final double seconds;
    private final double[] perSecond = new double[GlobalCounter.COUNT];

    private SocketRates(SocketSnapshot older, SocketSnapshot newer) {
        long nanos = newer.monotonicNanos() - older.monotonicNanos();
        if (nanos <= 0) {
            throw new IllegalArgumentException("snapshots are not in time order");
        }
        this.seconds = nanos / 1e9;
        for (GlobalCounter c : GlobalCounter.values()) {
            perSecond[c.ordinal()] = delta(older.global(c), newer.global(c)) / seconds;
        }
    }

    /** Rates from {@code older} to {@code newer}. */
    public static SocketRates between(SocketSnapshot older, SocketSnapshot newer) {
        return new SocketRates(older, newer);
    }

    /** The measured interval in seconds. */
    public double seconds() {
        return seconds;
    }

    /** Events (or bytes) per second. */
    public double perSecond(GlobalCounter counter) {
        return perSecond[counter.ordinal()];
    }

    /** The increase of a cumulative counter; a decrease means a restart from zero. */
    public static long delta(long older, long newer) {
        return newer >= older ? newer - older : newer;
    }
}
