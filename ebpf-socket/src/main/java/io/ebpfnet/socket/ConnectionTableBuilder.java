package io.ebpfnet.socket;

import io.ebpfnet.core.MapReader;
import io.ebpfnet.core.PerCpuValues;
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
    private static final long[] COUNTERS = {
            SocketLayouts.offset(SocketLayouts.CONNECTION_STATS, "bytes_sent"),
            SocketLayouts.offset(SocketLayouts.CONNECTION_STATS, "bytes_received"),
            SocketLayouts.offset(SocketLayouts.CONNECTION_STATS, "send_calls"),
            SocketLayouts.offset(SocketLayouts.CONNECTION_STATS, "recv_calls"),
            SocketLayouts.offset(SocketLayouts.CONNECTION_STATS, "retransmits")};
    private static final long FIRST = SocketLayouts.offset(SocketLayouts.CONNECTION_STATS, "first_seen_ns");
    private static final long LAST = SocketLayouts.offset(SocketLayouts.CONNECTION_STATS, "last_seen_ns");
    private static final long STATE = SocketLayouts.offset(SocketLayouts.CONNECTION_STATS, "state");
    private static final long DIRECTION = SocketLayouts.offset(SocketLayouts.CONNECTION_STATS, "direction");

    private final boolean ipv6;
    private final RecordBuffer rows;
    private final long keySize;
    private final long statsOffset;
    private final int cpus;
    private final long stride;
    private final long keyStride;
    private final long valueStride;

    public ConnectionTableBuilder(boolean ipv6, int cpus, long stride, long keyStride, long valueStride, int expectedRows) {
        this.ipv6 = ipv6;
        this.keySize = ConnectionTable.keyLayout(ipv6).byteSize();
        this.statsOffset = ConnectionTable.statsOffset(ipv6);
        this.rows = new RecordBuffer(ConnectionTable.rowSize(ipv6), Math.max(16, expectedRows));
        this.cpus = cpus;
        this.stride = stride;
        this.keyStride = keyStride;
        this.valueStride = valueStride;
    }

    @Override
    public void accept(MemorySegment keys, MemorySegment values, int count) {
        for (int i = 0; i < count; i++) {
            long row = rows.append();
            MemorySegment out = rows.segment();
            MemorySegment.copy(keys, i * keyStride, out, row, keySize);
            long entry = i * valueStride;
            long stats = row + statsOffset;
            for (long field : COUNTERS) {
                out.set(LONG, stats + field, PerCpuValues.sumLong(values, entry, field, stride, cpus));
            }
            long first = 0;
            long last = 0;
            int state = 0;
            int direction = 0;
            for (int c = 0; c < cpus; c++) {
                long copy = entry + c * stride;
                long f = values.get(LONG, copy + FIRST);
                if (f != 0 && (first == 0 || f < first)) {
                    first = f;
                }
                long l = values.get(LONG, copy + LAST);
                if (l > last) {
                    last = l;
                    state = values.get(INT, copy + STATE);
                }
                direction = Math.max(direction, values.get(INT, copy + DIRECTION));
            }
            out.set(LONG, stats + FIRST, first);
            out.set(LONG, stats + LAST, last);
            out.set(INT, stats + STATE, state);
            out.set(INT, stats + DIRECTION, direction);
        }
    }

    public ConnectionTable build() {
        return new ConnectionTable(rows.finish(), rows.count(), ipv6);
    }
}
