package io.ebpfnet.socket;

import io.ebpfnet.socket.internal.RecordBuffer;
import io.ebpfnet.socket.internal.RowWords;
import io.ebpfnet.socket.internal.SocketLayouts;

import java.lang.foreign.MemorySegment;

/**
 * Builds a {@link ConnectionTable} from rows as the kernel writes them ({@code struct connection_row_v4}
 * or {@code _v6}: the connection iterator's live sockets and the closed-connection records), copied
 * word for word. No allocation per row.
 */
final class ConnectionTableBuilder {
    private final boolean ipv6;
    private final long rowSize;
    private final int rowWords;
    private final RecordBuffer rows;

    ConnectionTableBuilder(boolean ipv6, int expectedRows) {
        this.ipv6 = ipv6;
        this.rowSize = recordSize(ipv6);
        if (rowSize != ConnectionTable.rowSize(ipv6)) {
            throw new IllegalStateException("struct connection_row_v" + (ipv6 ? 6 : 4) + " is not a connection table row");
        }
        this.rowWords = RowWords.words(rowSize);
        this.rows = new RecordBuffer(rowSize, Math.max(16, expectedRows));
    }

    /** Bytes per row the kernel writes for this family. */
    public static long recordSize(boolean ipv6) {
        return (ipv6 ? SocketLayouts.CONNECTION_ROW_V6 : SocketLayouts.CONNECTION_ROW_V4).byteSize();
    }

    /** Appends {@code count} rows found one after another from byte {@code offset} of {@code records}. */
    public void accept(MemorySegment records, long offset, int count) {
        for (int i = 0; i < count; i++) {
            int row = rows.append();
            RowWords.copy(records, offset + i * rowSize, rows.words(), row, rowWords);
        }
    }

    public int size() {
        return rows.count();
    }

    public ConnectionTable build() {
        return new ConnectionTable(rows.finish(), rows.count(), ipv6);
    }
}
