package io.ebpfnet.socket.internal;

import io.ebpfnet.core.BpfIterator;
import io.ebpfnet.core.BpfMap;
import io.ebpfnet.core.MapReader;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;

/**
 * The read of the {@code processes} map from user space, where no iterator reads it: in legacy mode (an
 * iterator program is typed by the kernel's BTF, which legacy mode does without) and on kernels that
 * refuse map iterators. Does what {@code read_processes} in socket.bpf.c does in
 * the kernel: sums each row's per-CPU copies and hands on, as {@code struct process_row} records, the rows
 * seen since a time and the exited ones (reported exited once a whole read passed since the mark).
 * Nothing is allocated per row. Not thread-safe; close it to free its buffers.
 */
public final class ProcessMapReader implements AutoCloseable {
    private static final long KEY = SocketLayouts.offset(SocketLayouts.PROCESS_ROW, "key");
    private static final long STATS = SocketLayouts.offset(SocketLayouts.PROCESS_ROW, "stats");
    private static final long ROW = SocketLayouts.PROCESS_ROW.byteSize();
    private static final long KEY_SIZE = SocketLayouts.PROCESS_KEY.byteSize();
    /* The cumulative counters: every u64 before first_seen_ns. */
    private static final long FIRST_SEEN = SocketLayouts.offset(SocketLayouts.PROCESS_STATS, "first_seen_ns");
    private static final long LAST_SEEN = SocketLayouts.offset(SocketLayouts.PROCESS_STATS, "last_seen_ns");
    private static final long EXITED = SocketLayouts.offset(SocketLayouts.PROCESS_STATS, "exited");
    private static final long COMM_NS = SocketLayouts.offset(SocketLayouts.PROCESS_STATS, "comm_ns");
    private static final long COMM = SocketLayouts.offset(SocketLayouts.PROCESS_STATS, "comm");
    private static final long COMM_SIZE = 16;
    /* The same places as word indexes, for sum()'s long[] copies. */
    private static final int FIRST_SEEN_WORD = (int) (FIRST_SEEN / Long.BYTES);
    private static final int COUNTER_WORDS = FIRST_SEEN_WORD; // every word before first_seen_ns
    private static final int COMM_NS_WORD = (int) (COMM_NS / Long.BYTES);
    private static final int COMM_WORD = (int) (COMM / Long.BYTES);
    private static final int COMM_WORDS = (int) (COMM_SIZE / Long.BYTES);
    private static final int CHUNK_ROWS = 64;

    private final MapReader reader;
    private final int copies;
    private final long stride;
    private final int strideWords;
    private final Arena arena;
    private final MemorySegment rows;
    /* One value's per-CPU copies as words. Summed from a plain array: summed in place through the segment, the
     * loop's accessors made its compilation take 5.4 MB of the JIT's memory, a collector's largest (in its RSS
     * at the first read of a full table). */
    private final long[] copyWords;
    private final long[] rowWords = new long[(int) ((ROW - STATS) / Long.BYTES)];
    private final MapReader.ChunkConsumer consumer = this::chunk;
    private int pending;
    private long changedSince;
    private BpfIterator.RecordSink sink;

    /**
     * @param processes the {@code processes} map
     * @param copies    its values per key: the possible CPUs for a per-CPU map, else 1
     */
    public ProcessMapReader(BpfMap processes, int copies) {
        if (processes.keySize() != KEY_SIZE) {
            throw new IllegalStateException("the processes map's key is " + processes.keySize() + " bytes, not a process_key");
        }
        this.stride = processes.valueStride();
        if (stride % Long.BYTES != 0 || stride < ROW - STATS) {
            throw new IllegalStateException("the processes map's value is " + stride + " bytes a copy, not a process_stats");
        }
        this.strideWords = (int) (stride / Long.BYTES);
        this.copies = copies;
        this.reader = processes.reader(CHUNK_ROWS); // after the checks: nothing to free when they throw
        this.arena = Arena.ofShared();
        this.rows = arena.allocate(CHUNK_ROWS * ROW, 8);
        this.copyWords = new long[(int) (copies * stride / Long.BYTES)];
    }

    /**
     * Hands {@code sink} every row last seen at or after {@code changedSinceNanos}, and the exited ones;
     * returns the bytes copied from the kernel.
     */
    public long read(long changedSinceNanos, BpfIterator.RecordSink to) {
        this.changedSince = changedSinceNanos;
        this.sink = to;
        this.pending = 0;
        int entries = reader.read(consumer);
        if (pending > 0) {
            sink.accept(rows, pending);
        }
        return entries * (reader.keySize() + reader.valueBufferSize());
    }

    @Override
    public void close() {
        reader.close();
        arena.close();
    }

    private void chunk(MemorySegment keys, MemorySegment values, int count) {
        for (int i = 0; i < count; i++) {
            long value = i * reader.valueBufferSize();
            long lastSeen = 0;
            long exitedAt = 0;
            for (int c = 0; c < copies; c++) {
                lastSeen = Math.max(lastSeen, values.get(ValueLayout.JAVA_LONG, value + c * stride + LAST_SEEN));
                exitedAt = Math.max(exitedAt, values.get(ValueLayout.JAVA_LONG, value + c * stride + EXITED));
            }
            if (Long.compareUnsigned(lastSeen, changedSince) < 0 && exitedAt == 0) {
                continue;
            }
            long row = pending * ROW;
            MemorySegment.copy(keys, (long) i * reader.keySize(), rows, row + KEY, KEY_SIZE);
            sum(values, value, row + STATS);
            rows.set(ValueLayout.JAVA_LONG, row + STATS + LAST_SEEN, lastSeen);
            // exited once a whole read passed since the mark: the process's last sockets close after it
            boolean exited = exitedAt != 0 && Long.compareUnsigned(exitedAt - 1, changedSince) <= 0;
            rows.set(ValueLayout.JAVA_LONG, row + STATS + EXITED, exited ? 1 : 0);
            if (++pending == CHUNK_ROWS) {
                sink.accept(rows, pending);
                pending = 0;
            }
        }
    }

    /* The copies of the value at `value` summed into the row at `to`: counters added, the earliest first
     * sight, the latest name. */
    private void sum(MemorySegment values, long value, long to) {
        MemorySegment.copy(values, ValueLayout.JAVA_LONG_UNALIGNED, value, copyWords, 0, copyWords.length);
        Arrays.fill(rowWords, 0, COUNTER_WORDS, 0);
        long firstSeen = 0;
        long commNs = 0;
        int named = -1;
        for (int c = 0, base = 0; c < copies; c++, base += strideWords) {
            for (int w = 0; w < COUNTER_WORDS; w++) {
                rowWords[w] += copyWords[base + w];
            }
            long seen = copyWords[base + FIRST_SEEN_WORD];
            if (seen != 0 && (firstSeen == 0 || seen < firstSeen)) {
                firstSeen = seen;
            }
            long ns = copyWords[base + COMM_NS_WORD];
            if (ns > commNs) {
                commNs = ns;
                named = c;
            }
        }
        rowWords[FIRST_SEEN_WORD] = firstSeen;
        rowWords[COMM_NS_WORD] = commNs;
        for (int w = COMM_WORD; w < COMM_WORD + COMM_WORDS; w++) {
            rowWords[w] = named >= 0 ? copyWords[named * strideWords + w] : 0;
        }
        // last_seen_ns and exited are written by the caller; the row's words up to its end go in one copy
        MemorySegment.copy(rowWords, 0, rows, ValueLayout.JAVA_LONG_UNALIGNED, to, rowWords.length);
    }
}
