package io.ebpfnet.benchmarks;

import io.ebpfnet.core.PossibleCpus;
import io.ebpfnet.socket.internal.SocketLayouts;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.SplittableRandom;

/** Batch buffers laid out as the kernel writes a per-CPU {@code processes} map, with made-up values. */
final class SyntheticMaps {
    static final long KEY_SIZE = SocketLayouts.PROCESS_KEY.byteSize();
    static final long STRIDE = PossibleCpus.roundUp8(SocketLayouts.PROCESS_STATS.byteSize());

    final MemorySegment keys;
    final MemorySegment values;
    final int entries;
    final int cpus;

    SyntheticMaps(Arena arena, int entries, int cpus) {
        this.entries = entries;
        this.cpus = cpus;
        this.keys = arena.allocate(entries * KEY_SIZE, 8);
        this.values = arena.allocate(entries * STRIDE * cpus, 8);
        SplittableRandom random = new SplittableRandom(42);
        for (int i = 0; i < entries; i++) {
            keys.set(ValueLayout.JAVA_INT, i * KEY_SIZE, 1000 + i);
            keys.set(ValueLayout.JAVA_LONG, i * KEY_SIZE + 8, 123_456_789L + i);
            keys.set(ValueLayout.JAVA_LONG, i * KEY_SIZE + 16, 1 + i % 50);
        }
        for (long off = 0; off < values.byteSize(); off += 8) {
            values.set(ValueLayout.JAVA_LONG, off, random.nextLong(1 << 20));
        }
    }

    long valueStride() {
        return STRIDE * cpus;
    }
}
