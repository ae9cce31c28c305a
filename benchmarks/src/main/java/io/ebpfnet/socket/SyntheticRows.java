package io.ebpfnet.socket;

import io.ebpfnet.socket.internal.SocketLayouts;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.SplittableRandom;

/**
 * Records laid out as the process iterator writes them ({@code struct process_row}: a process key and
 * its per-CPU-summed stats), with made-up counters. No privileges needed.
 */
final class SyntheticRows {
    static final long ROW = SocketLayouts.PROCESS_ROW.byteSize();
    private static final long KEY = SocketLayouts.offset(SocketLayouts.PROCESS_ROW, "key");
    private static final long STATS = SocketLayouts.offset(SocketLayouts.PROCESS_ROW, "stats");
    private static final long TGID = KEY + SocketLayouts.offset(SocketLayouts.PROCESS_KEY, "tgid");
    private static final long START = KEY + SocketLayouts.offset(SocketLayouts.PROCESS_KEY, "start_ns");
    private static final long CGROUP = KEY + SocketLayouts.offset(SocketLayouts.PROCESS_KEY, "cgroup_id");
    private static final long COUNTERS_END = STATS + SocketLayouts.offset(SocketLayouts.PROCESS_STATS, "first_seen_ns");
    private static final long FIRST = STATS + SocketLayouts.offset(SocketLayouts.PROCESS_STATS, "first_seen_ns");
    private static final long LAST = STATS + SocketLayouts.offset(SocketLayouts.PROCESS_STATS, "last_seen_ns");
    private static final long COMM_NS = STATS + SocketLayouts.offset(SocketLayouts.PROCESS_STATS, "comm_ns");
    private static final long COMM = STATS + SocketLayouts.offset(SocketLayouts.PROCESS_STATS, "comm");

    static {
        if (ROW != ProcessTableBuilder.RECORD_SIZE) {
            throw new ExceptionInInitializerError("struct process_row is " + ProcessTableBuilder.RECORD_SIZE + " bytes, not " + ROW);
        }
    }

    private SyntheticRows() {
    }

    /**
     * {@code count} rows: the keys of processes {@code first}, {@code first + step}, … (process n: tgid
     * 1000 + n, start 123,456,789 + n, one of 50 cgroups), random counters seeded with {@code seed},
     * last seen at {@code lastSeen}, not exited.
     */
    static MemorySegment rows(Arena arena, int count, int first, int step, long lastSeen, long seed) {
        MemorySegment rows = arena.allocate(count * ROW, 8);
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = 0; i < count; i++) {
            long at = i * ROW;
            int n = first + i * step;
            rows.set(ValueLayout.JAVA_INT, at + TGID, 1000 + n);
            rows.set(ValueLayout.JAVA_LONG, at + START, 123_456_789L + n);
            rows.set(ValueLayout.JAVA_LONG, at + CGROUP, 1 + n % 50);
            for (long off = STATS; off < COUNTERS_END; off += 8) {
                rows.set(ValueLayout.JAVA_LONG, at + off, random.nextLong(1 << 20));
            }
            rows.set(ValueLayout.JAVA_LONG, at + FIRST, 1_000 + n);
            rows.set(ValueLayout.JAVA_LONG, at + LAST, lastSeen);
            rows.set(ValueLayout.JAVA_LONG, at + COMM_NS, 1_000 + n);
            MemorySegment.copy(MemorySegment.ofArray("bench".getBytes()), 0, rows, at + COMM, 5);
        }
        return rows;
    }

    /** A process table of {@code rows} processes, built by the collector's builder from a first read. */
    static ProcessTable table(Arena arena, int rows) {
        ProcessTableBuilder builder = new ProcessTableBuilder(null, rows);
        builder.accept(rows(arena, rows, 0, 1, 1_000_000, 42), rows);
        ProcessTable table = builder.build();
        if (table.size() != rows) {
            throw new IllegalStateException("built " + table.size() + " rows, not " + rows);
        }
        return table;
    }
}
