package io.ebpfnet.socket;

import io.ebpfnet.socket.internal.SocketLayouts;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/** Process tables built from hand-written rows, for tests outside this package. */
public final class TestTables {
    private TestTables() {
    }

    /** A process table with rows of (tgid, tcp bytes sent[, process start time in ns]). */
    public static ProcessTable tcpBytesSent(long[][] rows) {
        long row = SocketLayouts.PROCESS_ROW.byteSize();
        long stats = SocketLayouts.offset(SocketLayouts.PROCESS_ROW, "stats");
        long start = SocketLayouts.offset(SocketLayouts.PROCESS_ROW, "key") + SocketLayouts.offset(SocketLayouts.PROCESS_KEY, "start_ns");
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment records = arena.allocate(row * Math.max(1, rows.length), 8);
            for (int i = 0; i < rows.length; i++) {
                records.set(ValueLayout.JAVA_INT, i * row, (int) rows[i][0]);
                records.set(ValueLayout.JAVA_LONG, i * row + stats + ProcessCounter.TCP_BYTES_SENT.offset(), rows[i][1]);
                if (rows[i].length > 2) {
                    records.set(ValueLayout.JAVA_LONG, i * row + start, rows[i][2]);
                }
            }
            ProcessTableBuilder b = new ProcessTableBuilder(null, rows.length);
            b.accept(records, rows.length);
            return b.build();
        }
    }
}
