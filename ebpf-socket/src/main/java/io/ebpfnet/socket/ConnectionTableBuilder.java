package io.ebpfnet.socket;

import io.ebpfnet.core.MapReader;
import io.ebpfnet.socket.internal.RecordBuffer;
import io.ebpfnet.socket.internal.RowMerge;
import io.ebpfnet.socket.internal.SocketLayouts;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Builds a {@link ConnectionTable} from chunks of {@code connections_v4} or {@code connections_v6},
 * merging per-CPU copies in place: counters summed, first-seen the earliest, last-seen the latest,
 * the TCP state of the latest copy, the known direction.
 */
public final class ConnectionTableBuilder implements MapReader.ChunkConsumer {
    private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG_UNALIGNED;
    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED;
    /* Word indexes in connection_stats: the counters lead, then the two times, then state and direction. */
    private static final int COUNTERS = 5;
    private static final int FIRST = word("first_seen_ns");
    private static final int LAST = word("last_seen_ns");
    private static final int STATS_WORDS = RowMerge.words(SocketLayouts.CONNECTION_STATS.byteSize());
    private static final long STATE = SocketLayouts.offset(SocketLayouts.CONNECTION_STATS, "state");
    private static final long DIRECTION = SocketLayouts.offset(SocketLayouts.CONNECTION_STATS, "direction");

    static {
        String[] counters = {"bytes_sent", "bytes_received", "send_calls", "recv_calls", "retransmits"};
        for (int i = 0; i < counters.length; i++) {
            if (word(counters[i]) != i) {
                throw new ExceptionInInitializerError("connection_stats counters are not the leading u64 fields: " + counters[i]);
            }
        }
    }

    private final boolean ipv6;
    private final RecordBuffer rows;
    private final int keyWords;
    private final boolean keyTail;
    private final int statsWord;
    private final int cpus;
    private final long stride;
    private final long keyStride;
    private final long valueStride;

    public ConnectionTableBuilder(boolean ipv6, int cpus, long stride, long keyStride, long valueStride, int expectedRows) {
        long keySize = ConnectionTable.keyLayout(ipv6).byteSize();
        this.ipv6 = ipv6;
        this.keyWords = (int) (keySize / Long.BYTES);
        this.keyTail = keySize % Long.BYTES != 0; // 20 and 44 bytes: a last int, then padding up to the stats
        this.statsWord = (int) (ConnectionTable.statsOffset(ipv6) / Long.BYTES);
        this.rows = new RecordBuffer(ConnectionTable.rowSize(ipv6), Math.max(16, expectedRows));
        this.cpus = cpus;
        this.stride = stride;
        this.keyStride = keyStride;
        this.valueStride = valueStride;
    }

    /* Every byte of a row is written, the keys' padding included: rows are reused from read to read. */
    @Override
    public void accept(MemorySegment keys, MemorySegment values, int count) {
        for (int i = 0; i < count; i++) {
            int row = rows.append();
            long[] out = rows.words();
            long key = i * keyStride;
            RowMerge.copy(keys, key, out, row, keyWords);
            if (keyTail) {
                out[row + keyWords] = 0;
                rows.segment().set(INT, (long) (row + keyWords) * Long.BYTES, keys.get(INT, key + (long) keyWords * Long.BYTES));
            }
            int stats = row + statsWord;
            long entry = i * valueStride;
            // The first CPU's copy as it is, then each other CPU's merged into it.
            RowMerge.copy(values, entry, out, stats, STATS_WORDS);
            if (cpus == 1) {
                continue;
            }
            int state = values.get(INT, entry + STATE);
            int direction = values.get(INT, entry + DIRECTION);
            for (int c = 1; c < cpus; c++) {
                long copy = entry + c * stride;
                RowMerge.add(values, copy, out, stats, COUNTERS);
                out[stats + FIRST] = RowMerge.earliest(out[stats + FIRST], values.get(LONG, copy + (long) FIRST * Long.BYTES));
                long last = values.get(LONG, copy + (long) LAST * Long.BYTES);
                if (last > out[stats + LAST]) {
                    out[stats + LAST] = last;
                    state = values.get(INT, copy + STATE); // the TCP state of the latest copy
                }
                direction = Math.max(direction, values.get(INT, copy + DIRECTION));
            }
            long statsByte = (long) stats * Long.BYTES;
            rows.segment().set(INT, statsByte + STATE, state);
            rows.segment().set(INT, statsByte + DIRECTION, direction);
        }
    }

    /**
     * Forgets the rows accepted so far but keeps their memory, so a reader that merges into the same
     * builder again allocates nothing. A table built before is overwritten by later rows.
     */
    public ConnectionTableBuilder reset() {
        rows.reset();
        return this;
    }

    public ConnectionTable build() {
        return new ConnectionTable(rows.finish(), rows.count(), ipv6);
    }

    private static int word(String field) {
        return RowMerge.words(SocketLayouts.offset(SocketLayouts.CONNECTION_STATS, field));
    }
}
