package io.ebpfnet.socket.internal;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Finds a row by the first two or three words of its key among rows kept as words in a
 * {@link RecordBuffer}: open addressing over row numbers, so a lookup or insert allocates nothing. It
 * grows as rows are added. A process row's key ({@code struct process_key}) is three words: tgid,
 * start time, cgroup; its first two are the process whatever its cgroup.
 */
public final class RowIndex {
    /** Words of a process key at the start of a row. */
    public static final int KEY_WORDS = 3;
    /** Words of a process key that name the process (tgid, start time), without its cgroup. */
    public static final int PROCESS_WORDS = 2;
    private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG_UNALIGNED;

    private int[] slots; // row number + 1; 0 is empty
    private int mask;
    private int size;
    private final int rowWords;
    private final int keyWords;

    /**
     * @param rowWords words per row in the buffers this index points into
     * @param keyWords how many of a row's first words are its key: {@link #KEY_WORDS} or {@link #PROCESS_WORDS}
     */
    public RowIndex(int expected, int rowWords, int keyWords) {
        if (keyWords != KEY_WORDS && keyWords != PROCESS_WORDS) {
            throw new IllegalArgumentException("a key of 2 or 3 words, not " + keyWords);
        }
        this.rowWords = rowWords;
        this.keyWords = keyWords;
        // at most half full: room for `expected` rows without growing
        int capacity = Integer.highestOneBit(Math.max(8, expected) * 2 + 1) << 1;
        slots = new int[capacity];
        mask = capacity - 1;
    }

    private RowIndex(RowIndex from) {
        this.rowWords = from.rowWords;
        this.keyWords = from.keyWords;
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
        return find(record.get(LONG, offset), record.get(LONG, offset + 8),
                keyWords == KEY_WORDS ? record.get(LONG, offset + 16) : 0, words);
    }

    /** The row number whose key equals the key starting at {@code at} in {@code words} (the rows), or -1. */
    public int find(long[] words, int at) {
        return find(words[at], words[at + 1], third(words, at), words);
    }

    private int find(long k0, long k1, long k2, long[] words) {
        for (int slot = hash(k0, k1, k2) & mask; ; slot = (slot + 1) & mask) {
            int entry = slots[slot];
            if (entry == 0) {
                return -1;
            }
            int at = (entry - 1) * rowWords;
            if (words[at] == k0 && words[at + 1] == k1 && third(words, at) == k2) {
                return entry - 1;
            }
        }
    }

    /** Indexes row number {@code rowNumber}, whose words start at {@code at} in {@code words}. */
    public void put(long[] words, int at, int rowNumber) {
        if ((size + 1) * 2 > slots.length) {
            grow(words);
        }
        insert(words[at], words[at + 1], third(words, at), rowNumber);
    }

    private long third(long[] words, int at) {
        return keyWords == KEY_WORDS ? words[at + 2] : 0;
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
                insert(words[at], words[at + 1], third(words, at), entry - 1);
            }
        }
    }

    private static int hash(long k0, long k1, long k2) {
        long h = k0 * 0x9E3779B97F4A7C15L ^ k1 * 0xC2B2AE3D27D4EB4FL ^ k2 * 0x165667B19E3779F9L;
        return (int) (h ^ (h >>> 29) ^ (h >>> 47));
    }
}
