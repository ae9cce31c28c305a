package io.ebpfnet.core;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Sums one field over the per-CPU copies of a value, in place in a read buffer: CPU {@code c}'s copy
 * starts at {@code entryOffset + c * stride}. Nothing is allocated.
 */
public final class PerCpuValues {
    private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG_UNALIGNED;
    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED;

    private PerCpuValues() {
    }

    /** The sum of a u64 field over {@code cpus} copies. */
    public static long sumLong(MemorySegment values, long entryOffset, long fieldOffset, long stride, int cpus) {
        long sum = 0;
        long offset = entryOffset + fieldOffset;
        for (int c = 0; c < cpus; c++, offset += stride) {
            sum += values.get(LONG, offset);
        }
        return sum;
    }

    /** The sum of a u32 field over {@code cpus} copies, as an unsigned value. */
    public static long sumUnsignedInt(MemorySegment values, long entryOffset, long fieldOffset, long stride, int cpus) {
        long sum = 0;
        long offset = entryOffset + fieldOffset;
        for (int c = 0; c < cpus; c++, offset += stride) {
            sum += Integer.toUnsignedLong(values.get(INT, offset));
        }
        return sum;
    }
}
