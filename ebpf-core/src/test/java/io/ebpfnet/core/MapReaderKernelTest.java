package io.ebpfnet.core;

import io.ebpfnet.core.testing.KernelTests;
import io.ebpfnet.core.testing.TestObjects;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Batch and per-key reads of real maps give the same entries. */
class MapReaderKernelTest {
    private static final int ENTRIES = 10_000;

    @BeforeEach
    void needsKernel() {
        KernelTests.requireBpf();
    }

    @Test
    void batchLookupEqualsPerKeyLookupOnTenThousandEntries() {
        try (BpfObject obj = TestObjects.testPrograms()) {
            obj.load();
            BpfMap map = obj.map("big_hash");
            fillTestValues(map);

            Map<Integer, Long> batch = readAll(map, MapReader.Method.BATCH, 1024);
            Map<Integer, Long> perKey = readAll(map, MapReader.Method.PER_KEY, 1024);
            assertEquals(ENTRIES, batch.size());
            assertEquals(perKey, batch);
            for (int k = 0; k < ENTRIES; k++) {
                assertEquals(k * 3L + 1, batch.get(k));
            }
        }
    }

    @Test
    void autoUsesBatchesWhereTheKernelHasThem() {
        try (BpfObject obj = TestObjects.testPrograms()) {
            obj.load();
            BpfMap map = obj.map("big_hash");
            fillTestValues(map);
            try (MapReader reader = map.reader(256)) {
                assertEquals(MapReader.Method.AUTO, reader.method());
                assertEquals(ENTRIES, reader.read((k, v, n) -> { }));
                assertEquals(MapReader.Method.BATCH, reader.method());
            }
        }
    }

    @Test
    void batchSmallerThanABucketGrowsAndStillReadsEverything() {
        try (BpfObject obj = TestObjects.testPrograms()) {
            obj.load();
            BpfMap map = obj.map("big_hash");
            fillTestValues(map);
            // One entry per batch: any bucket holding two keys answers ENOSPC, and the reader must grow.
            try (MapReader reader = map.reader(1, MapReader.Method.BATCH)) {
                Map<Integer, Long> seen = new HashMap<>();
                reader.read((keys, values, n) -> collect(keys, values, n, reader, seen));
                assertEquals(ENTRIES, seen.size());
                assertTrue(reader.capacity() >= 1);
            }
        }
    }

    @Test
    void emptyMapReadsNothing() {
        try (BpfObject obj = TestObjects.testPrograms()) {
            obj.load();
            for (MapReader.Method method : MapReader.Method.values()) {
                try (MapReader reader = obj.map("big_hash").reader(64, method)) {
                    assertEquals(0, reader.read((k, v, n) -> { throw new AssertionError("no chunk expected"); }));
                }
            }
        }
    }

    @Test
    void perCpuValuesArePaddedToEightBytesAndSummed() {
        int cpus = PossibleCpus.count();
        try (BpfObject obj = TestObjects.testPrograms(); Arena arena = Arena.ofConfined()) {
            obj.load();
            BpfMap map = obj.map("percpu_hash");
            assertEquals(12, map.valueSize());
            assertEquals(16, map.valueStride());
            assertEquals(16L * cpus, map.valueBufferSize());

            MemorySegment key = arena.allocate(ValueLayout.JAVA_INT);
            MemorySegment value = arena.allocate(map.valueBufferSize());
            for (int k = 0; k < 1000; k++) {
                key.set(ValueLayout.JAVA_INT, 0, k);
                for (int c = 0; c < cpus; c++) {
                    // a = k + c, b = 7, c = 100·c on CPU c
                    value.set(ValueLayout.JAVA_INT, c * 16L, k + c);
                    value.set(ValueLayout.JAVA_INT, c * 16L + 4, 7);
                    value.set(ValueLayout.JAVA_INT, c * 16L + 8, 100 * c);
                }
                map.update(key, value, BpfMap.UpdateFlag.ANY);
            }
            long[] seen = new long[1];
            try (MapReader reader = map.reader(128)) {
                reader.read((keys, values, n) -> {
                    for (int i = 0; i < n; i++) {
                        int k = keys.get(ValueLayout.JAVA_INT, (long) i * reader.keySize());
                        long base = i * reader.valueBufferSize();
                        long expectedA = (long) k * cpus + (long) cpus * (cpus - 1) / 2;
                        assertEquals(expectedA, PerCpuValues.sumUnsignedInt(values, base, 0, 16, cpus));
                        assertEquals(7L * cpus, PerCpuValues.sumUnsignedInt(values, base, 4, 16, cpus));
                        assertEquals(100L * cpus * (cpus - 1) / 2, PerCpuValues.sumUnsignedInt(values, base, 8, 16, cpus));
                        seen[0]++;
                    }
                });
            }
            assertEquals(1000, seen[0]);
        }
    }

    @Test
    void singleElementOperations() {
        try (BpfObject obj = TestObjects.testPrograms(); Arena arena = Arena.ofConfined()) {
            obj.load();
            BpfMap map = obj.map("big_hash");
            MemorySegment key = arena.allocate(4);
            MemorySegment next = arena.allocate(4);
            MemorySegment value = arena.allocate(map.valueBufferSize());
            assertFalse(map.nextKey(null, next));
            key.set(ValueLayout.JAVA_INT, 0, 42);
            value.set(ValueLayout.JAVA_LONG, 0, 4242);
            map.update(key, value, BpfMap.UpdateFlag.NO_EXIST);
            assertTrue(map.nextKey(null, next));
            assertEquals(42, next.get(ValueLayout.JAVA_INT, 0));
            value.fill((byte) 0);
            assertTrue(map.lookup(key, value));
            assertEquals(4242, value.get(ValueLayout.JAVA_LONG, 0));
            assertTrue(map.delete(key));
            assertFalse(map.delete(key));
            assertFalse(map.lookup(key, value));
        }
    }

    private static void fillTestValues(BpfMap map) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment key = arena.allocate(4);
            MemorySegment value = arena.allocate(map.valueBufferSize());
            for (int k = 0; k < ENTRIES; k++) {
                key.set(ValueLayout.JAVA_INT, 0, k);
                value.set(ValueLayout.JAVA_LONG, 0, k * 3L + 1);
                value.set(ValueLayout.JAVA_INT, 8, k);
                map.update(key, value, BpfMap.UpdateFlag.ANY);
            }
        }
    }

    private static Map<Integer, Long> readAll(BpfMap map, MapReader.Method method, int batch) {
        Map<Integer, Long> seen = new HashMap<>();
        try (MapReader reader = map.reader(batch, method)) {
            int n = reader.read((keys, values, count) -> collect(keys, values, count, reader, seen));
            assertEquals(seen.size(), n);
        }
        return seen;
    }

    private static void collect(MemorySegment keys, MemorySegment values, int n, MapReader reader, Map<Integer, Long> into) {
        for (int i = 0; i < n; i++) {
            int k = keys.get(ValueLayout.JAVA_INT, (long) i * reader.keySize());
            long v = values.get(ValueLayout.JAVA_LONG, i * reader.valueBufferSize());
            Long previous = into.put(k, v);
            assertEquals(null, previous, "key " + k + " read twice");
        }
    }
}
