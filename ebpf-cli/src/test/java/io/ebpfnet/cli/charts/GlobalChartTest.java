package io.ebpfnet.cli.charts;

import io.ebpfnet.socket.GlobalCounter;
import io.ebpfnet.socket.LoadMode;
import org.junit.jupiter.api.Test;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The global charts use the seed's units, priorities and the right directions. */
class GlobalChartTest {
    @Test
    void bandwidthIsKilobitsAndDirectionsAreRight() {
        Map<GlobalCounter, Double> r = new EnumMap<>(Map.of(
                GlobalCounter.TCP_SEND_BYTES, 125_000.0,   // 1000 kbit/s
                GlobalCounter.TCP_RECV_BYTES, 12_500.0,    // 100 kbit/s
                GlobalCounter.UDP_SEND_BYTES, 1_250.0,     // 10 kbit/s
                GlobalCounter.UDP_RECV_BYTES, 125.0,       // 1 kbit/s
                GlobalCounter.TCP_SEND_CALLS, 3.0,
                GlobalCounter.TCP_RECV_CALLS, 4.0));
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

    private static double value(GlobalChart chart, String dimension, Map<GlobalCounter, Double> perSecond) {
        Dimension d = chart.dimensions().stream().filter(x -> x.name().equals(dimension)).findFirst().orElseThrow();
        return chart.value(d, c -> perSecond.getOrDefault(c, 0.0));
    }
}
