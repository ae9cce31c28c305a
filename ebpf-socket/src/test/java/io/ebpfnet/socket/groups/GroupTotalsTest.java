package io.ebpfnet.socket.groups;

import io.ebpfnet.socket.ProcessCounter;
import io.ebpfnet.socket.ProcessTable;
import io.ebpfnet.socket.ProcessTableBuilder;
import io.ebpfnet.socket.internal.SocketLayouts;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Group totals are sums of their processes and never go backwards when a process exits. */
class GroupTotalsTest {
    /** A process table with rows of (tgid, tcp bytes sent). */
    private static ProcessTable table(long[][] rows) {
        long row = SocketLayouts.PROCESS_ROW.byteSize();
        long stats = SocketLayouts.offset(SocketLayouts.PROCESS_ROW, "stats");
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment records = arena.allocate(row * Math.max(1, rows.length), 8);
            for (int i = 0; i < rows.length; i++) {
                records.set(ValueLayout.JAVA_INT, i * row, (int) rows[i][0]);
                records.set(ValueLayout.JAVA_LONG, i * row + stats + ProcessCounter.TCP_BYTES_SENT.offset(), rows[i][1]);
            }
            ProcessTableBuilder b = new ProcessTableBuilder(null, rows.length);
            b.accept(records, rows.length);
            return b.build();
        }
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
    void rowsWithoutAGroupAreLeftOut() {
        GroupTotals totals = new GroupTotals((t, row) -> t.tgid(row) == 1 ? "only" : null, tgid -> { });
        Map<String, long[]> m = totals.update(table(new long[][] {{1, 5}, {2, 6}}));
        assertEquals(1, m.size());
        assertEquals(5, GroupTotals.get(m.get("only"), ProcessCounter.TCP_BYTES_SENT));
    }
}
