package io.ebpfnet.socket.internal;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Finds a process row by its key ({@code struct process_key}: three words, tgid, start time, cgroup)
 * among rows kept as words in a {@link RecordBuffer}: open addressing over row numbers, so a lookup
 * or insert allocates nothing. It grows as rows are added.
 */
public final class RowIndex {
    /** Words of a process key at the start of a row. */
    public static final int KEY_WORDS = 3;
    private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG_UNALIGNED;

    private int[] slots; // row number + 1; 0 is empty
    private int mask;
    private int size;
    private final int rowWords;

    /** @param rowWords words per row in the buffers this index points into */
    public RowIndex(int expected, int rowWords) {
        this.rowWords = rowWords;
        // at most half full: room for `expected` rows without growing
        int capacity = Integer.highestOneBit(Math.max(8, expected) * 2 + 1) << 1;
        slots = new int[capacity];
        mask = capacity - 1;
    }

    private RowIndex(RowIndex from) {
        this.rowWords = from.rowWords;
        this.slots = from.slots.clone();
        this.mask = from.mask;
        this.size = from.size;
    }

    /** An independent copy (the next read's builder extends it; the table it indexes keeps this one). */
    public RowIndex copy() {
        return new RowIndex(this);
    }

    /**
     * The row number whose key equals the key at byte {@code offset} of {@code record}, or -1.
     * {@code words} holds the rows, each starting with its key.
     */
    public int find(MemorySegment record, long offset, long[] words) {
        long k0 = record.get(LONG, offset);
        long k1 = record.get(LONG, offset + 8);
        long k2 = record.get(LONG, offset + 16);
        for (int slot = hash(k0, k1, k2) & mask; ; slot = (slot + 1) & mask) {
            int entry = slots[slot];
            if (entry == 0) {
                return -1;
            }
            int at = (entry - 1) * rowWords;
            if (words[at] == k0 && words[at + 1] == k1 && words[at + 2] == k2) {
                return entry - 1;
            }
        }
    }

    /** Indexes row number {@code rowNumber}, whose words start at {@code at} in {@code words}. */
    public void put(long[] words, int at, int rowNumber) {
        if ((size + 1) * 2 > slots.length) {
            grow(words);
        }
        insert(words[at], words[at + 1], words[at + 2], rowNumber);
    }

    private void insert(long k0, long k1, long k2, int rowNumber) {
        int slot = hash(k0, k1, k2) & mask;
        while (slots[slot] != 0) {
            slot = (slot + 1) & mask;
        }
        slots[slot] = rowNumber + 1;
        size++;
    }

    private void grow(long[] words) {
        int[] old = slots;
        slots = new int[old.length * 2];
        mask = slots.length - 1;
        size = 0;
        for (int entry : old) {
            if (entry != 0) {
                int at = (entry - 1) * rowWords;
                insert(words[at], words[at + 1], words[at + 2], entry - 1);
            }
        }
    }

    private static int hash(long k0, long k1, long k2) {
        long h = k0 * 0x9E3779B97F4A7C15L ^ k1 * 0xC2B2AE3D27D4EB4FL ^ k2 * 0x165667B19E3779F9L;
        return (int) (h ^ (h >>> 29) ^ (h >>> 47));
    }
}
