package io.ebpfnet.socket;

import io.ebpfnet.core.MapReader;
import io.ebpfnet.socket.internal.RecordBuffer;
import io.ebpfnet.socket.internal.SocketLayouts;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Builds a {@link ProcessTable} from chunks of the {@code processes} map as the kernel returns them
 * (keys, and per entry {@code cpus} copies of {@code struct process_stats} {@code stride} bytes
 * apart), merging the per-CPU copies in place: counters are summed, first-seen is the earliest
 * non-zero time, last-seen and exited the largest, and the command name is the copy that has one.
 * No allocation per entry.
 */
public final class ProcessTableBuilder implements MapReader.ChunkConsumer {
    private static final long KEY_SIZE = SocketLayouts.PROCESS_KEY.byteSize();
    private static final long FIRST = SocketLayouts.offset(SocketLayouts.PROCESS_STATS, "first_seen_ns");
    private static final long LAST = SocketLayouts.offset(SocketLayouts.PROCESS_STATS, "last_seen_ns");
    private static final long EXITED = SocketLayouts.offset(SocketLayouts.PROCESS_STATS, "exited");
    private static final long COMM = SocketLayouts.offset(SocketLayouts.PROCESS_STATS, "comm");
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
    private final long[] sums = new long[COUNTERS];

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

    @Override
    public void accept(MemorySegment keys, MemorySegment values, int count) {
        for (int i = 0; i < count; i++) {
            long row = rows.append();
            MemorySegment out = rows.segment();
            MemorySegment.copy(keys, i * keyStride, out, row, KEY_SIZE);
            long entry = i * valueStride;
            long stats = row + ProcessTable.STATS;
            long first = 0;
            long last = 0;
            long exited = 0;
            int commCpu = -1;
            java.util.Arrays.fill(sums, 0);
            // CPU by CPU, so each copy is read front to back once.
            for (int c = 0; c < cpus; c++) {
                long copy = entry + c * stride;
                for (int f = 0; f < COUNTERS; f++) {
                    sums[f] += values.get(LONG, copy + (long) f * Long.BYTES);
                }
                long f = values.get(LONG, copy + FIRST);
                if (f != 0 && (first == 0 || f < first)) {
                    first = f;
                }
                last = Math.max(last, values.get(LONG, copy + LAST));
                exited = Math.max(exited, values.get(LONG, copy + EXITED));
                if (commCpu < 0 && values.get(ValueLayout.JAVA_BYTE, copy + COMM) != 0) {
                    commCpu = c;
                }
            }
            for (int f = 0; f < COUNTERS; f++) {
                out.set(LONG, stats + (long) f * Long.BYTES, sums[f]);
            }
            out.set(LONG, stats + FIRST, first);
            out.set(LONG, stats + LAST, last);
            out.set(LONG, stats + EXITED, exited);
            if (commCpu >= 0) {
                MemorySegment.copy(values, entry + commCpu * stride + COMM, out, stats + COMM, 16);
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
