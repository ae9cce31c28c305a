package io.ebpfnet.socket;

import io.ebpfnet.socket.internal.RowIndex;
import io.ebpfnet.socket.internal.SocketLayouts;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;

/**
 * The per-process counters of one snapshot: one row per process (and cgroup it sent from), per-CPU
 * values already summed. Rows are read in place from one memory block; no object exists per row.
 *
 * <p>A row is a {@code struct process_key} followed by a {@code struct process_stats}.
 */
public final class ProcessTable {
    /** Bytes per row. */
    public static final long ROW_SIZE = SocketLayouts.PROCESS_KEY.byteSize() + SocketLayouts.PROCESS_STATS.byteSize();
    static final long STATS = SocketLayouts.PROCESS_KEY.byteSize();
    private static final long TGID = SocketLayouts.offset(SocketLayouts.PROCESS_KEY, "tgid");
    private static final long START = SocketLayouts.offset(SocketLayouts.PROCESS_KEY, "start_ns");
    private static final long CGROUP = SocketLayouts.offset(SocketLayouts.PROCESS_KEY, "cgroup_id");
    private static final long FIRST = STATS + SocketLayouts.offset(SocketLayouts.PROCESS_STATS, "first_seen_ns");
    private static final long LAST = STATS + SocketLayouts.offset(SocketLayouts.PROCESS_STATS, "last_seen_ns");
    private static final long EXITED = STATS + SocketLayouts.offset(SocketLayouts.PROCESS_STATS, "exited");
    private static final long COMM = STATS + SocketLayouts.offset(SocketLayouts.PROCESS_STATS, "comm");
    private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG_UNALIGNED;

    private final MemorySegment rows;
    private final int size;
    private final RowIndex index;
    private final boolean anyExited;

    ProcessTable(MemorySegment rows, int size, RowIndex index, boolean anyExited) {
        this.rows = rows;
        this.size = size;
        this.index = index;
        this.anyExited = anyExited;
    }

    /** The index of the rows by process key (never changed once the table is built). */
    RowIndex index() {
        return index;
    }

    /** Whether a row is marked exited (a later read drops it once every reader has seen it). */
    boolean anyExited() {
        return anyExited;
    }

    /** The rows' memory (package-private: the next read's builder starts from it). */
    MemorySegment segment() {
        return rows;
    }

    /** The number of rows. */
    public int size() {
        return size;
    }

    /** The process id (thread group id); 0 is the unknown owner of softirq events on sockets never seen in a process. */
    public int tgid(int row) {
        return rows.get(ValueLayout.JAVA_INT_UNALIGNED, row * ROW_SIZE + TGID);
    }

    /** The process's start time (ns since boot, CLOCK_MONOTONIC): with the tgid, one process incarnation. */
    public long startNanos(int row) {
        return rows.get(LONG, row * ROW_SIZE + START);
    }

    /** The cgroup v2 id the process was in when it sent or received. */
    public long cgroupId(int row) {
        return rows.get(LONG, row * ROW_SIZE + CGROUP);
    }

    /** A cumulative counter. */
    public long get(int row, ProcessCounter counter) {
        return rows.get(LONG, row * ROW_SIZE + STATS + counter.offset());
    }

    /** Kernel time (ns since boot) of the row's first event. */
    public long firstSeenNanos(int row) {
        return rows.get(LONG, row * ROW_SIZE + FIRST);
    }

    /**
     * When the row last changed, to a read interval: events are stamped with the time of the read
     * before them (CLOCK_MONOTONIC ns), which costs them a load instead of a clock reading.
     */
    public long lastSeenNanos(int row) {
        return rows.get(LONG, row * ROW_SIZE + LAST);
    }

    /** Whether the process has exited: these are its final counts; the row is released once every reader has seen it. */
    public boolean exited(int row) {
        return rows.get(LONG, row * ROW_SIZE + EXITED) != 0;
    }

    /** The process's command name ({@code comm}); allocates a String. */
    public String comm(int row) {
        long base = row * ROW_SIZE + COMM;
        int len = 0;
        while (len < 16 && rows.get(ValueLayout.JAVA_BYTE, base + len) != 0) {
            len++;
        }
        byte[] bytes = new byte[len];
        MemorySegment.copy(rows, ValueLayout.JAVA_BYTE, base, bytes, 0, len);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    /** The name to show for a row: its command name, or "[unknown]" for the unknown owner (tgid 0). */
    public String name(int row) {
        return tgid(row) == 0 ? "[unknown]" : comm(row);
    }

    /** The first row of process {@code tgid}, or -1 (a process that changed cgroups has several). */
    public int find(int tgid) {
        for (int i = 0; i < size; i++) {
            if (tgid(i) == tgid) {
                return i;
            }
        }
        return -1;
    }

    /** The sum of {@code counter} over every row of process {@code tgid}. */
    public long sum(int tgid, ProcessCounter counter) {
        long total = 0;
        for (int i = 0; i < size; i++) {
            if (tgid(i) == tgid) {
                total += get(i, counter);
            }
        }
        return total;
    }
}
