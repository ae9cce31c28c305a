package io.ebpfnet.socket;

import io.ebpfnet.socket.metrics.Dimension;
import io.ebpfnet.socket.metrics.GlobalChart;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Rates divide by the measured time; charts use the seed's units and the right directions. */
class RatesAndChartsTest {
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

    @Test
    void bandwidthIsKilobitsAndDirectionsAreRight() {
        SocketSnapshot a = snapshot(0);
        SocketSnapshot b = snapshot(1_000_000_000L,
                GlobalCounter.TCP_SEND_BYTES.ordinal(), 125_000,   // 1000 kbit
                GlobalCounter.TCP_RECV_BYTES.ordinal(), 12_500,    // 100 kbit
                GlobalCounter.UDP_SEND_BYTES.ordinal(), 1_250,     // 10 kbit
                GlobalCounter.UDP_RECV_BYTES.ordinal(), 125,       // 1 kbit
                GlobalCounter.TCP_SEND_CALLS.ordinal(), 3,
                GlobalCounter.TCP_RECV_CALLS.ordinal(), 4);
        SocketRates r = SocketRates.between(a, b);
        assertEquals(1000.0, value(GlobalChart.TOTAL_TCP_BANDWIDTH, "sent", r), 1e-9);
        assertEquals(100.0, value(GlobalChart.TOTAL_TCP_BANDWIDTH, "received", r), 1e-9);
        assertEquals(10.0, value(GlobalChart.TOTAL_UDP_BANDWIDTH, "sent", r), 1e-9);
        assertEquals(1.0, value(GlobalChart.TOTAL_UDP_BANDWIDTH, "received", r), 1e-9);
        assertEquals(3.0, value(GlobalChart.TCP_FUNCTIONS, "sent", r), 1e-9);
        assertEquals(4.0, value(GlobalChart.TCP_FUNCTIONS, "received", r), 1e-9);
        assertEquals("kilobits/s", GlobalChart.TOTAL_TCP_BANDWIDTH.unit().text());
        assertEquals("calls/s", GlobalChart.TCP_FUNCTIONS.unit().text());
        assertEquals("connections/s", GlobalChart.INBOUND_CONN.unit().text());
    }

    @Test
    void errorChartsOnlyInReturnModeAndPrioritiesCountPublishedCharts() {
        List<GlobalChart> entry = GlobalChart.published(LoadMode.ENTRY);
        assertEquals(7, entry.size());
        assertFalse(entry.contains(GlobalChart.TCP_ERROR));
        assertEquals(9, GlobalChart.published(LoadMode.RETURN).size());
        assertEquals(21074, GlobalChart.TCP_RETRANSMIT.priority(LoadMode.ENTRY));
        assertEquals(21075, GlobalChart.TCP_RETRANSMIT.priority(LoadMode.RETURN));
        assertEquals(21078, GlobalChart.UDP_ERROR.priority(LoadMode.RETURN));
        assertTrue(GlobalChart.TOTAL_TCP_BANDWIDTH.dimensions().stream().anyMatch(Dimension::sent));
    }

    private static double value(GlobalChart chart, String dimension, SocketRates rates) {
        Dimension d = chart.dimensions().stream().filter(x -> x.name().equals(dimension)).findFirst().orElseThrow();
        return chart.value(d, rates);
    }
}
