package io.ebpfnet.socket;

import io.ebpfnet.core.MapReader;
import io.ebpfnet.socket.internal.RecordBuffer;
import io.ebpfnet.socket.internal.RowMerge;
import io.ebpfnet.socket.internal.SocketLayouts;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Builds a {@link ProcessTable} from chunks of the {@code processes} map as the kernel returns them
 * (keys, and per entry {@code cpus} copies of {@code struct process_stats} {@code stride} bytes
 * apart), merging the per-CPU copies in place: counters are summed, first-seen is the earliest
 * non-zero time, last-seen and exited the largest, and the command name is the first copy that has one.
 * No allocation per entry.
 */
public final class ProcessTableBuilder implements MapReader.ChunkConsumer {
    private static final int KEY_WORDS = RowMerge.words(SocketLayouts.PROCESS_KEY.byteSize());
    private static final int STATS_WORDS = RowMerge.words(SocketLayouts.PROCESS_STATS.byteSize());
    private static final int ROW_STATS = RowMerge.words(ProcessTable.STATS);
    private static final int FIRST = RowMerge.words(SocketLayouts.offset(SocketLayouts.PROCESS_STATS, "first_seen_ns"));
    private static final int LAST = RowMerge.words(SocketLayouts.offset(SocketLayouts.PROCESS_STATS, "last_seen_ns"));
    private static final int EXITED = RowMerge.words(SocketLayouts.offset(SocketLayouts.PROCESS_STATS, "exited"));
    private static final int COMM = RowMerge.words(SocketLayouts.offset(SocketLayouts.PROCESS_STATS, "comm"));
    private static final int COMM_WORDS = 2;
    private static final int COUNTERS = ProcessCounter.values().length;
    private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG_UNALIGNED;

    static {
        // The merge below sums the counters as one run of u64s at the start of process_stats.
        for (ProcessCounter c : ProcessCounter.values()) {
            if (c.offset() != (long) c.ordinal() * Long.BYTES) {
                throw new ExceptionInInitializerError("process_stats counters are not the leading u64 fields: " + c);
            }
        }
    }

    private final RecordBuffer rows;
    private final int cpus;
    private final long stride;
    private final long keyStride;
    private final long valueStride;

    /**
     * @param cpus          value copies per entry: possible CPUs for a per-CPU map, else 1
     * @param stride        bytes between two CPUs' copies (value size rounded up to 8)
     * @param keyStride     bytes between keys in a chunk
     * @param valueStride   bytes between entries' values in a chunk
     * @param expectedRows  initial capacity
     */
    public ProcessTableBuilder(int cpus, long stride, long keyStride, long valueStride, int expectedRows) {
        this.cpus = cpus;
        this.stride = stride;
        this.keyStride = keyStride;
        this.valueStride = valueStride;
        this.rows = new RecordBuffer(ProcessTable.ROW_SIZE, Math.max(16, expectedRows));
    }

    /* Every word of a row is written: rows are reused from read to read. */
    @Override
    public void accept(MemorySegment keys, MemorySegment values, int count) {
        for (int i = 0; i < count; i++) {
            int row = rows.append();
            long[] out = rows.words();
            RowMerge.copy(keys, i * keyStride, out, row, KEY_WORDS);
            int stats = row + ROW_STATS;
            long entry = i * valueStride;
            // The first CPU's copy as it is, then each other CPU's merged into it, read front to back once.
            RowMerge.copy(values, entry, out, stats, STATS_WORDS);
            boolean named = values.get(ValueLayout.JAVA_BYTE, entry + (long) COMM * Long.BYTES) != 0;
            for (int c = 1; c < cpus; c++) {
                long copy = entry + c * stride;
                RowMerge.add(values, copy, out, stats, COUNTERS);
                out[stats + FIRST] = RowMerge.earliest(out[stats + FIRST], values.get(LONG, copy + (long) FIRST * Long.BYTES));
                out[stats + LAST] = Math.max(out[stats + LAST], values.get(LONG, copy + (long) LAST * Long.BYTES));
                out[stats + EXITED] = Math.max(out[stats + EXITED], values.get(LONG, copy + (long) EXITED * Long.BYTES));
                if (!named && values.get(ValueLayout.JAVA_BYTE, copy + (long) COMM * Long.BYTES) != 0) {
                    named = true;
                    RowMerge.copy(values, copy + (long) COMM * Long.BYTES, out, stats + COMM, COMM_WORDS);
                }
            }
        }
    }

    /**
     * Forgets the rows accepted so far but keeps their memory, so a reader that merges into the same
     * builder again allocates nothing. A table built before is overwritten by later rows.
     */
    public ProcessTableBuilder reset() {
        rows.reset();
        return this;
    }

    /** The number of rows accepted so far. */
    public int size() {
        return rows.count();
    }

    /** The table of everything accepted so far. */
    public ProcessTable build() {
        return new ProcessTable(rows.finish(), rows.count());
    }
}
