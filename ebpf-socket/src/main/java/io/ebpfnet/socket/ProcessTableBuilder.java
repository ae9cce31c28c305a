package io.ebpfnet.socket;

import io.ebpfnet.core.BpfIterator;
import io.ebpfnet.socket.internal.RecordBuffer;
import io.ebpfnet.socket.internal.RowIndex;
import io.ebpfnet.socket.internal.RowWords;
import io.ebpfnet.socket.internal.SocketLayouts;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Set;

/**
 * Builds the next {@link ProcessTable} from the previous one and the rows the kernel reports as
 * changed ({@code struct process_row}, per-CPU copies already summed by the iterator): a changed row
 * replaces the previous row of the same process key, a new one is appended, and the rows released since
 * the previous read (exited processes every reader has seen) are dropped. No allocation per live row.
 */
final class ProcessTableBuilder implements BpfIterator.RecordSink {
    /** Bytes per row the kernel writes: a process key and its merged stats, as a {@link ProcessTable} row. */
    public static final long RECORD_SIZE = SocketLayouts.PROCESS_ROW.byteSize();
    private static final int ROW_WORDS = RowWords.words(ProcessTable.ROW_SIZE);

    static {
        if (RECORD_SIZE != ProcessTable.ROW_SIZE) {
            throw new ExceptionInInitializerError("struct process_row is not a process table row");
        }
    }

    private static final long EXITED = SocketLayouts.offset(SocketLayouts.PROCESS_ROW, "stats")
            + SocketLayouts.offset(SocketLayouts.PROCESS_STATS, "exited");
    private static final int EXITED_WORD = RowWords.words(EXITED);

    private final RecordBuffer rows;
    private final RowIndex index;
    private int changed;
    private boolean anyExited;

    /** A builder that drops every row {@code previous} marks exited (each read releases them). */
    ProcessTableBuilder(ProcessTable previous, int expectedRows) {
        this(previous, expectedRows, null);
    }

    /**
     * @param previous      the table of the last read (null for the first read)
     * @param expectedRows  initial capacity
     * @param released      the exited rows of {@code previous} to drop (deleted from the kernel's table);
     *                      null: all of them
     */
    ProcessTableBuilder(ProcessTable previous, int expectedRows, Set<ExitedRows.Key> released) {
        int carried = previous == null ? 0 : previous.size();
        int capacity = Math.max(16, Math.max(carried + carried / 8, expectedRows));
        boolean dropsNone = released != null ? released.isEmpty() : previous == null || !previous.anyExited();
        if (previous != null && dropsNone && previous.index() != null) {
            // Nothing to drop: the previous rows in one copy, and a copy of their index.
            this.rows = RecordBuffer.copyOf(previous.segment(), ProcessTable.ROW_SIZE, carried, capacity);
            this.index = previous.index().copy();
            this.anyExited = previous.anyExited(); // exited rows not released yet are carried
            return;
        }
        this.rows = new RecordBuffer(ProcessTable.ROW_SIZE, capacity);
        this.index = new RowIndex(capacity, ROW_WORDS, RowIndex.KEY_WORDS);
        if (previous != null) {
            MemorySegment from = previous.segment();
            for (int r = 0; r < carried; r++) {
                if (previous.exited(r) && (released == null || released.contains(ExitedRows.Key.of(previous, r)))) {
                    continue; // released: every reader had its final row
                }
                int row = rows.append();
                RowWords.copy(from, r * ProcessTable.ROW_SIZE, rows.words(), row, ROW_WORDS);
                index.put(rows.words(), row, rows.count() - 1);
                anyExited |= previous.exited(r);
            }
        }
    }

    /** Takes changed rows as the iterator writes them. */
    @Override
    public void accept(MemorySegment records, int count) {
        for (int i = 0; i < count; i++) {
            long from = i * RECORD_SIZE;
            int known = index.find(records, from, rows.words());
            int row;
            if (known >= 0) {
                row = known * ROW_WORDS;
            } else {
                row = rows.append();
                RowWords.copy(records, from, rows.words(), row, RowIndex.KEY_WORDS);
                index.put(rows.words(), row, rows.count() - 1);
            }
            RowWords.copy(records, from, rows.words(), row, ROW_WORDS);
            anyExited |= records.get(ValueLayout.JAVA_LONG_UNALIGNED, from + EXITED) != 0;
            changed++;
        }
    }

    /** Rows the kernel reported changed so far. */
    public int changedRows() {
        return changed;
    }

    /** The number of rows so far. */
    public int size() {
        return rows.count();
    }

    /** The table; the builder must not be used afterwards. */
    public ProcessTable build() {
        if (anyExited) {
            markSiblingsExited();
        }
        return new ProcessTable(rows.finish(), rows.count(), index, anyExited);
    }

    /*
     * A process that moved between cgroups has a row per cgroup, but the kernel marks only the row of the
     * cgroup it exited in: its other rows (same tgid and start time) are the same dead process, reported
     * exited now and released with it. The index of exited processes is as large as this read's exits.
     */
    private void markSiblingsExited() {
        long[] words = rows.words();
        int n = rows.count();
        RowIndex dead = new RowIndex(16, ROW_WORDS, RowIndex.PROCESS_WORDS);
        for (int r = 0; r < n; r++) {
            int at = r * ROW_WORDS;
            if (words[at + EXITED_WORD] != 0 && dead.find(words, at) < 0) {
                dead.put(words, at, r);
            }
        }
        for (int r = 0; r < n; r++) {
            int at = r * ROW_WORDS;
            if (words[at + EXITED_WORD] == 0 && dead.find(words, at) >= 0) {
                words[at + EXITED_WORD] = 1;
            }
        }
    }
}
