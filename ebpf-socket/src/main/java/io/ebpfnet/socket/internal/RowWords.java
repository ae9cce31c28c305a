package io.ebpfnet.socket.internal;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The steps the table builders share to copy what the kernel wrote into rows: a row is a run of words in a
 * {@link RecordBuffer}'s {@code long[]}, and the kernel's buffers are read in place. Plain array updates
 * keep the JIT's loops tight, which it does not do for a second segment.
 */
public final class RowWords {
    private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG_UNALIGNED;

    private RowWords() {
    }

    /** Copies {@code count} u64 words from {@code from} at byte {@code offset} into {@code to} at index {@code at}. */
    public static void copy(MemorySegment from, long offset, long[] to, int at, int count) {
        for (int w = 0; w < count; w++) {
            to[at + w] = from.get(LONG, offset + (long) w * Long.BYTES);
        }
    }

    /** {@code bytes} (a field offset or a struct size) in words; shared structs are 8-byte aligned. */
    public static int words(long bytes) {
        if (bytes % Long.BYTES != 0) {
            throw new IllegalStateException("not a whole number of 8-byte words: " + bytes);
        }
        return (int) (bytes / Long.BYTES);
    }
}
