package io.ebpfnet.cli;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class IntervalScheduleTest {
    private static final long MS = 1_000_000L;
    private static final long S = 1_000 * MS;
    private static final long NEVER = Long.MAX_VALUE;

    @Test
    void intervalsEndOnAGridFromTheFirstSnapshotWhateverTheWorkTook() {
        // Began at 5 s (any nanoTime origin), first snapshot 400 ms later, every 1 s: ticks at 1.4, 2.4, 3.4 s after begun.
        IntervalSchedule s = new IntervalSchedule(5 * S, 5 * S + 400 * MS, S, NEVER);
        assertEquals(S - 30 * MS, s.nanosUntilNext(5 * S + 430 * MS)); // the first snapshot took 30 ms
        assertEquals(S - 120 * MS, s.nanosUntilNext(5 * S + 1_520 * MS)); // reading and printing took 120 ms
        assertEquals(S - 1 * MS, s.nanosUntilNext(5 * S + 2_401 * MS));
    }

    @Test
    void ticksThatPassedDuringOneIntervalAreSkippedNotMadeUp() {
        IntervalSchedule s = new IntervalSchedule(0, 0, 2 * S, NEVER);
        assertEquals(2 * S, s.nanosUntilNext(0));
        // That interval's output took until 7.5 s: the ticks at 4 and 6 s are gone; the next is at 8 s.
        assertEquals(500 * MS, s.nanosUntilNext(7_500 * MS));
        assertEquals(2 * S, s.nanosUntilNext(8 * S));
    }

    @Test
    void theSameTickIsNeverScheduledTwice() {
        IntervalSchedule s = new IntervalSchedule(0, 0, S, NEVER);
        assertEquals(S, s.nanosUntilNext(0));
        assertEquals(1_001 * MS, s.nanosUntilNext(999 * MS)); // asked 1 ms before the tick at 1 s (a clock read early): the next is at 2 s
    }

    @Test
    void theLifetimeEndsTheLastIntervalWhenAtLeastASecondOfItIsLeft() {
        // every 10 s, lifetime 25 s from begun, first snapshot at 0.5 s: ticks at 10.5 and 20.5 s, then the end at 25 s.
        IntervalSchedule s = new IntervalSchedule(0, 500 * MS, 10 * S, 25 * S);
        assertEquals(9_900 * MS, s.nanosUntilNext(600 * MS));
        assertEquals(9_950 * MS, s.nanosUntilNext(10_550 * MS));
        assertEquals(4_460 * MS, s.nanosUntilNext(20_540 * MS));
        assertEquals(-1, s.nanosUntilNext(25_010 * MS));
    }

    @Test
    void lessThanASecondOfLifetimeLeftStops() {
        IntervalSchedule s = new IntervalSchedule(0, 500 * MS, 10 * S, 11 * S);
        assertEquals(10 * S, s.nanosUntilNext(500 * MS));
        assertEquals(-1, s.nanosUntilNext(10_600 * MS)); // 0.4 s of the lifetime left
    }

    @Test
    void aLifetimeOnATickEndsThere() {
        IntervalSchedule s = new IntervalSchedule(0, 0, S, 2 * S);
        assertEquals(S, s.nanosUntilNext(0));
        assertEquals(S, s.nanosUntilNext(S));
        assertEquals(-1, s.nanosUntilNext(2 * S));
    }

    @Test
    void nanoTimeNearItsWrapAndLongRunsDoNotOverflow() {
        long begun = Long.MAX_VALUE - 2 * S; // nanoTime may be anywhere, and wraps
        IntervalSchedule s = new IntervalSchedule(begun, begun + S, 3_600 * S, NEVER);
        assertEquals(3_600 * S, s.nanosUntilNext(begun + S));
        long aCenturyLater = begun + 100L * 365 * 24 * 3_600 * S + S + 1_000 * S; // wrapped past Long.MAX_VALUE
        assertEquals(2_600 * S, s.nanosUntilNext(aCenturyLater));
    }

    @Test
    void anIntervalMustBePositive() {
        assertThrows(IllegalArgumentException.class, () -> new IntervalSchedule(0, 0, 0, NEVER));
    }
}
