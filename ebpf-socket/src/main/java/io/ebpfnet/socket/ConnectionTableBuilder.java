package io.ebpfnet.socket;

import io.ebpfnet.core.MapReader;
import io.ebpfnet.socket.internal.RecordBuffer;
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
    private static final int STATS_WORDS = (int) (SocketLayouts.CONNECTION_STATS.byteSize() / Long.BYTES);
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

    /*
     * As ProcessTableBuilder: rows written as words straight into the record buffer, the kernel's
     * buffers read in place, every byte of a row written (rows are reused from read to read).
     */
    @Override
    public void accept(MemorySegment keys, MemorySegment values, int count) {
        for (int i = 0; i < count; i++) {
            int row = rows.appendWords();
            long[] out = rows.words();
            long key = i * keyStride;
            for (int w = 0; w < keyWords; w++) {
                out[row + w] = keys.get(LONG, key + (long) w * Long.BYTES);
            }
            if (keyTail) {
                long tail = (long) (row + keyWords) * Long.BYTES;
                out[row + keyWords] = 0;
                rows.segment().set(INT, tail, keys.get(INT, key + (long) keyWords * Long.BYTES));
            }
            int stats = row + statsWord;
            long entry = i * valueStride;
            // The first CPU's copy as it is, then each other CPU's merged into it.
            for (int w = 0; w < STATS_WORDS; w++) {
                out[stats + w] = values.get(LONG, entry + (long) w * Long.BYTES);
            }
            if (cpus == 1) {
                continue;
            }
            int state = values.get(INT, entry + STATE);
            int direction = values.get(INT, entry + DIRECTION);
            for (int c = 1; c < cpus; c++) {
                long copy = entry + c * stride;
                for (int f = 0; f < COUNTERS; f++) {
                    out[stats + f] += values.get(LONG, copy + (long) f * Long.BYTES);
                }
                long first = values.get(LONG, copy + (long) FIRST * Long.BYTES);
                if (first != 0 && (out[stats + FIRST] == 0 || first < out[stats + FIRST])) {
                    out[stats + FIRST] = first;
                }
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
        return (int) (SocketLayouts.offset(SocketLayouts.CONNECTION_STATS, field) / Long.BYTES);
    }
}
