package io.ebpfnet.socket;

import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Rates divide by the measured time. */
class RatesTest {
    private static SocketSnapshot snapshot(long nanos, long... pairs) {
        long[] global = new long[GlobalCounter.COUNT];
        for (int i = 0; i < pairs.length; i += 2) {
            global[(int) pairs[i]] = pairs[i + 1];
        }
        ProcessTable empty = new ProcessTableBuilder(null, 1).build();
        return new SocketSnapshot(nanos, Instant.EPOCH, global, empty);
    }

    @Test
    void ratesUseTheMeasuredInterval() {
        SocketSnapshot a = snapshot(1_000_000_000L, GlobalCounter.TCP_SEND_BYTES.ordinal(), 1000);
        // 2.5 s later, 5000 more bytes: 2000 B/s, whatever the nominal interval was
        SocketSnapshot b = snapshot(3_500_000_000L, GlobalCounter.TCP_SEND_BYTES.ordinal(), 6000);
        SocketRates r = SocketRates.between(a, b);
        assertEquals(2.5, r.seconds(), 1e-9);
        assertEquals(2000.0, r.perSecond(GlobalCounter.TCP_SEND_BYTES), 1e-9);
        assertEquals(0.0, r.perSecond(GlobalCounter.UDP_SEND_BYTES), 1e-9);
    }

    @Test
    void aCounterThatWentBackwardsCountsFromZero() {
        assertEquals(7, SocketRates.delta(100, 7));
        assertEquals(5, SocketRates.delta(100, 105));
    }
}
