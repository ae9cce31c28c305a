package io.ebpfnet.socket.internal;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/**
 * A growable on-heap array of fixed-size records, filled while a map is read and then handed to a
 * snapshot. It grows by doubling, so a read allocates a few arrays at most, never one per entry.
 */
public final class RecordBuffer {
    private final long recordSize;
    private long[] words;
    private MemorySegment segment;
    private int count;

    public RecordBuffer(long recordSize, int expectedRecords) {
        if (recordSize % Long.BYTES != 0) {
            throw new IllegalArgumentException("record size must be a multiple of 8: " + recordSize);
        }
        this.recordSize = recordSize;
        this.words = new long[(int) Math.max(1, expectedRecords * recordSize / Long.BYTES)];
        this.segment = MemorySegment.ofArray(words);
    }

    /** A buffer that starts with a copy of {@code count} records of {@code from}, with room for {@code expectedRecords}. */
    public static RecordBuffer copyOf(MemorySegment from, long recordSize, int count, int expectedRecords) {
        RecordBuffer b = new RecordBuffer(recordSize, Math.max(count, expectedRecords));
        MemorySegment.copy(from, 0, b.segment, 0, count * recordSize);
        b.count = count;
        return b;
    }

    /**
     * Appends a record and returns the index of its first word in {@link #words()} (its byte offset in
     * {@link #segment()} is eight times that). Its words are zero the first time, and what an earlier
     * record left there after {@link #reset()}: the caller writes them all.
     */
    public int append() {
        long offset = count * recordSize;
        if (offset + recordSize > segment.byteSize()) {
            words = Arrays.copyOf(words, Math.max(words.length * 2, (int) ((offset + recordSize) / Long.BYTES)));
            segment = MemorySegment.ofArray(words);
        }
        count++;
        return (int) (offset / Long.BYTES);
    }

    /** The array behind {@link #segment()} (replaced when the buffer grows: re-read after append). */
    public long[] words() {
        return words;
    }

    /** The segment records are written into (replaced when the buffer grows: re-read after append). */
    public MemorySegment segment() {
        return segment;
    }

    public int count() {
        return count;
    }

    /** Empties the buffer for reuse, keeping its memory (records handed out before become invalid). */
    public void reset() {
        count = 0;
    }

    /** The filled records, trimmed; the buffer must not be used afterwards. */
    public MemorySegment finish() {
        return segment.asSlice(0, count * recordSize);
    }
}
