package io.ebpfnet.socket.groups;

import io.ebpfnet.socket.ProcessCounter;
import io.ebpfnet.socket.ProcessTable;
import io.ebpfnet.socket.TestTables;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Group totals are sums of their processes and never go backwards when a process exits. */
class GroupTotalsTest {
    private static ProcessTable table(long[][] rows) {
        return TestTables.tcpBytesSent(rows);
    }

    @Test
    void totalsSumProcessesAndKeepExitedOnes() {
        List<Integer> gone = new ArrayList<>();
        GroupTotals totals = new GroupTotals((t, row) -> t.tgid(row) < 100 ? "a" : "b", gone::add);
        Map<String, long[]> first = totals.update(table(new long[][] {{10, 100}, {11, 50}, {200, 7}}));
        assertEquals(150, GroupTotals.get(first.get("a"), ProcessCounter.TCP_BYTES_SENT));
        assertEquals(7, GroupTotals.get(first.get("b"), ProcessCounter.TCP_BYTES_SENT));

        // process 11 exits after sending 20 more; it is in the table once more, then gone
        Map<String, long[]> second = totals.update(table(new long[][] {{10, 110}, {11, 70}, {200, 7}}));
        assertEquals(180, GroupTotals.get(second.get("a"), ProcessCounter.TCP_BYTES_SENT));
        Map<String, long[]> third = totals.update(table(new long[][] {{10, 120}, {200, 9}}));
        assertEquals(190, GroupTotals.get(third.get("a"), ProcessCounter.TCP_BYTES_SENT), "11's 70 bytes stay in a");
        assertEquals(9, GroupTotals.get(third.get("b"), ProcessCounter.TCP_BYTES_SENT));
        assertEquals(List.of(11), gone);
    }

    @Test
    void aProcessIsGoneOnlyWhenItsLastRowIs() {
        List<Integer> gone = new ArrayList<>();
        GroupTotals totals = new GroupTotals((t, row) -> "g", gone::add);
        // process 7 has two rows (two start times: its pid was reused), process 8 one
        totals.update(table(new long[][] {{7, 1, 100}, {7, 2, 200}, {8, 3}}));
        totals.update(table(new long[][] {{7, 2, 200}}));
        assertEquals(List.of(8), gone, "7 still has a row");
        totals.update(table(new long[][] {}));
        assertEquals(List.of(8, 7), gone, "7 once, when its last row went");
    }

    @Test
    void rowsWithoutAGroupAreLeftOut() {
        GroupTotals totals = new GroupTotals((t, row) -> t.tgid(row) == 1 ? "only" : null, tgid -> { });
        Map<String, long[]> m = totals.update(table(new long[][] {{1, 5}, {2, 6}}));
        assertEquals(1, m.size());
        assertEquals(5, GroupTotals.get(m.get("only"), ProcessCounter.TCP_BYTES_SENT));
    }
}
