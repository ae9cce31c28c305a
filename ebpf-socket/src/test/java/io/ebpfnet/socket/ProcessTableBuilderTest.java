package io.ebpfnet.socket;

import io.ebpfnet.socket.internal.SocketLayouts;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The next process table from the previous one and the rows the kernel reports changed
 * (struct process_row, as the iterator writes them).
 */
class ProcessTableBuilderTest {
    private static final long ROW = SocketLayouts.PROCESS_ROW.byteSize();
    private static final long STATS = SocketLayouts.offset(SocketLayouts.PROCESS_ROW, "stats");
    private static final long EXITED = STATS + SocketLayouts.offset(SocketLayouts.PROCESS_STATS, "exited");
    private static final long COMM = STATS + SocketLayouts.offset(SocketLayouts.PROCESS_STATS, "comm");

    private final Arena arena = Arena.ofAuto();

    /** Rows of (tgid, start, cgroup, tcp bytes sent, exited, comm). */
    private MemorySegment rows(Object[]... rows) {
        MemorySegment m = arena.allocate(Math.max(1, rows.length) * ROW, 8);
        for (int i = 0; i < rows.length; i++) {
            long at = i * ROW;
            m.set(ValueLayout.JAVA_INT, at, (Integer) rows[i][0]);
            m.set(ValueLayout.JAVA_LONG, at + 8, (Long) rows[i][1]);
            m.set(ValueLayout.JAVA_LONG, at + 16, (Long) rows[i][2]);
            m.set(ValueLayout.JAVA_LONG, at + STATS + ProcessCounter.TCP_BYTES_SENT.offset(), (Long) rows[i][3]);
            m.set(ValueLayout.JAVA_LONG, at + EXITED, (Boolean) rows[i][4] ? 1 : 0);
            byte[] name = ((String) rows[i][5]).getBytes(StandardCharsets.US_ASCII);
            MemorySegment.copy(name, 0, m, ValueLayout.JAVA_BYTE, at + COMM, name.length);
        }
        return m;
    }

    private static ProcessTable next(ProcessTable previous, MemorySegment changed, int count) {
        ProcessTableBuilder builder = new ProcessTableBuilder(previous, 1);
        builder.accept(changed, count);
        assertEquals(count, builder.changedRows());
        return builder.build();
    }

    @Test
    void changedRowsReplaceTheirProcessAndNewOnesAreAdded() {
        ProcessTable first = next(null, rows(
                new Object[] {10, 100L, 1L, 500L, false, "nginx"},
                new Object[] {11, 200L, 1L, 70L, false, "curl"}), 2);
        assertEquals(2, first.size());

        // 10 sent more; 10 again with another start time is another process (a reused pid); 11 is unchanged
        ProcessTable second = next(first, rows(
                new Object[] {10, 100L, 1L, 900L, false, "nginx"},
                new Object[] {10, 300L, 1L, 5L, false, "bash"}), 2);
        assertEquals(3, second.size());
        assertEquals(900, second.sum(10, ProcessCounter.TCP_BYTES_SENT) - 5);
        assertEquals(70, second.sum(11, ProcessCounter.TCP_BYTES_SENT), "an unchanged row is kept");
        assertEquals("curl", second.comm(second.find(11)));
        // the same process in another cgroup is a row of its own
        ProcessTable third = next(second, rows(new Object[] {11, 200L, 2L, 4L, false, "curl"}), 1);
        assertEquals(4, third.size());
        assertEquals(74, third.sum(11, ProcessCounter.TCP_BYTES_SENT));
        assertEquals(500, first.get(first.find(10), ProcessCounter.TCP_BYTES_SENT), "an earlier table is not changed");
    }

    @Test
    void anExitedRowIsReportedOnceThenDropped() {
        ProcessTable first = next(null, rows(
                new Object[] {20, 1L, 1L, 1L, false, "a"},
                new Object[] {21, 1L, 1L, 2L, false, "b"}), 2);
        ProcessTable second = next(first, rows(new Object[] {21, 1L, 1L, 3L, true, "b"}), 1);
        assertEquals(2, second.size());
        assertTrue(second.exited(second.find(21)));
        assertEquals(3, second.sum(21, ProcessCounter.TCP_BYTES_SENT));
        ProcessTable third = next(second, rows(), 0);
        assertEquals(1, third.size());
        assertEquals(-1, third.find(21));
        assertFalse(third.exited(0));
    }

    /**
     * Two readers: an exited row stays (exited, with its final counts) until both have read a table that
     * shows it; ExitedRows then releases it and the next table drops it, however few rows the kernel re-sent.
     */
    @Test
    void anExitedRowStaysUntilEveryReaderHasSeenIt() {
        ExitedRows exited = new ExitedRows();
        java.util.List<ExitedRows.Key> deleted = new java.util.ArrayList<>();
        ProcessTable first = nextFor(null, exited, rows(
                new Object[] {40, 1L, 1L, 1L, false, "a"},
                new Object[] {41, 1L, 1L, 2L, false, "b"}), 2);
        exited.note(first, 1);
        // read 2 (reader A) reports 41 exited; reader B last read at 1
        ProcessTable second = nextFor(first, exited, rows(new Object[] {41, 1L, 1L, 3L, true, "b"}), 1);
        exited.note(second, 2);
        exited.release(1, deleted::add);
        assertTrue(deleted.isEmpty(), "B has not seen it");
        // read 3 (reader B): the kernel re-sends the exited row; it is still there for B
        ProcessTable third = nextFor(second, exited, rows(new Object[] {41, 1L, 1L, 3L, true, "b"}), 1);
        assertTrue(third.exited(third.find(41)));
        assertEquals(3, third.sum(41, ProcessCounter.TCP_BYTES_SENT));
        exited.note(third, 3);
        exited.release(2, deleted::add); // both have read since it was first reported
        assertEquals(java.util.List.of(new ExitedRows.Key(41, 1L, 1L)), deleted);
        assertEquals(0, exited.pending());
        ProcessTable fourth = nextFor(third, exited, rows(), 0);
        assertEquals(-1, fourth.find(41), "released: dropped");
        assertEquals(1, fourth.size());
    }

    private static ProcessTable nextFor(ProcessTable previous, ExitedRows exited, MemorySegment changed, int count) {
        ProcessTableBuilder builder = new ProcessTableBuilder(previous, 1, exited.takeReleased());
        builder.accept(changed, count);
        return builder.build();
    }

    @Test
    void aProcessThatChangedCgroupsExitsInEveryRow() {
        ProcessTable first = next(null, rows(
                new Object[] {30, 100L, 1L, 5L, false, "moved"},
                new Object[] {30, 100L, 2L, 6L, false, "moved"},
                new Object[] {30, 200L, 1L, 7L, false, "reused"},
                new Object[] {31, 100L, 1L, 8L, false, "other"}), 4);
        // the kernel marks the row of the cgroup it exited in
        ProcessTable second = next(first, rows(new Object[] {30, 100L, 2L, 9L, true, "moved"}), 1);
        int exited = 0;
        for (int r = 0; r < second.size(); r++) {
            boolean same = second.tgid(r) == 30 && second.startNanos(r) == 100;
            assertEquals(same, second.exited(r), "row " + r + ": tgid " + second.tgid(r) + " start " + second.startNanos(r));
            exited += second.exited(r) ? 1 : 0;
        }
        assertEquals(2, exited, "both cgroups' rows of the dead process");
        ProcessTable third = next(second, rows(), 0);
        assertEquals(2, third.size(), "released: the reused pid and the other process remain");
    }

    @Test
    void thousandsOfRowsAreFoundAgainByKey() {
        int n = 5000;
        Object[][] all = new Object[n][];
        for (int i = 0; i < n; i++) {
            all[i] = new Object[] {1000 + i, (long) i * 7, (long) (i % 3), (long) i, false, "p"};
        }
        ProcessTable first = next(null, rows(all), n);
        Object[][] some = new Object[n / 2][];
        for (int i = 0; i < n / 2; i++) {
            int p = i * 2;
            some[i] = new Object[] {1000 + p, (long) p * 7, (long) (p % 3), p + 1_000_000L, false, "p"};
        }
        ProcessTable second = next(first, rows(some), n / 2);
        assertEquals(n, second.size(), "no duplicate rows");
        for (int i = 0; i < n; i++) {
            long expected = i % 2 == 0 ? i + 1_000_000L : i;
            assertEquals(expected, second.sum(1000 + i, ProcessCounter.TCP_BYTES_SENT), "process " + (1000 + i));
        }
    }
}
