package io.ebpfnet.socket;

import io.ebpfnet.socket.internal.SocketLayouts;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/** Process tables built from hand-written rows, for tests outside this package. */
public final class TestTables {
    private TestTables() {
    }

    /** A process table with rows of (tgid, tcp bytes sent). */
    public static ProcessTable tcpBytesSent(long[][] rows) {
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
}
