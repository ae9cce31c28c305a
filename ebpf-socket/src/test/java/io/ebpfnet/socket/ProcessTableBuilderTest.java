package io.ebpfnet.socket;

import io.ebpfnet.socket.internal.SocketLayouts;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The per-CPU merge of {@code processes} entries, on buffers laid out as the kernel's batch lookup writes them. */
class ProcessTableBuilderTest {
    private static final int CPUS = 3;
    private static final long KEY = SocketLayouts.PROCESS_KEY.byteSize();
    private static final long STRIDE = SocketLayouts.PROCESS_STATS.byteSize(); // 184: already a multiple of 8
    private static final long FIRST = SocketLayouts.offset(SocketLayouts.PROCESS_STATS, "first_seen_ns");
    private static final long LAST = SocketLayouts.offset(SocketLayouts.PROCESS_STATS, "last_seen_ns");
    private static final long EXITED = SocketLayouts.offset(SocketLayouts.PROCESS_STATS, "exited");
    private static final long COMM = SocketLayouts.offset(SocketLayouts.PROCESS_STATS, "comm");

    private final Arena arena = Arena.ofAuto();
    private final MemorySegment keys = arena.allocate(2 * KEY, 8);
    private final MemorySegment values = arena.allocate(2 * CPUS * STRIDE, 8);

    private void key(int entry, int tgid, long start, long cgroup) {
        keys.set(ValueLayout.JAVA_INT, entry * KEY, tgid);
        keys.set(ValueLayout.JAVA_LONG, entry * KEY + 8, start);
        keys.set(ValueLayout.JAVA_LONG, entry * KEY + 16, cgroup);
    }

    private long copy(int entry, int cpu) {
        return (entry * CPUS + cpu) * STRIDE;
    }

    private void comm(int entry, int cpu, String name) {
        byte[] bytes = name.getBytes(StandardCharsets.US_ASCII);
        MemorySegment.copy(bytes, 0, values, ValueLayout.JAVA_BYTE, copy(entry, cpu) + COMM, bytes.length);
    }

    @Test
    void copiesAreSummedAndTimesNamesAndExitsMerged() {
        key(0, 4321, 77, 9);
        key(1, 99, 5, 1);
        for (int cpu = 0; cpu < CPUS; cpu++) {
            for (ProcessCounter c : ProcessCounter.values()) {
                values.set(ValueLayout.JAVA_LONG, copy(0, cpu) + c.offset(), (cpu + 1) * 1000L + c.ordinal());
            }
        }
        // CPU 0 never ran the process (times 0, no name); CPU 2 saw it first, CPU 1 last.
        values.set(ValueLayout.JAVA_LONG, copy(0, 1) + FIRST, 200);
        values.set(ValueLayout.JAVA_LONG, copy(0, 1) + LAST, 900);
        values.set(ValueLayout.JAVA_LONG, copy(0, 2) + FIRST, 100);
        values.set(ValueLayout.JAVA_LONG, copy(0, 2) + LAST, 800);
        values.set(ValueLayout.JAVA_LONG, copy(0, 2) + EXITED, 1);
        comm(0, 1, "nginx");
        comm(0, 2, "other");
        values.set(ValueLayout.JAVA_LONG, copy(1, 0) + ProcessCounter.TCP_ACCEPTS.offset(), 3);
        values.set(ValueLayout.JAVA_LONG, copy(1, 0) + FIRST, 50);
        comm(1, 0, "sshd");

        ProcessTableBuilder builder = new ProcessTableBuilder(CPUS, STRIDE, KEY, CPUS * STRIDE, 1);
        builder.accept(keys, values, 2);
        ProcessTable table = builder.build();

        assertEquals(2, table.size());
        assertEquals(4321, table.tgid(0));
        assertEquals(77, table.startNanos(0));
        assertEquals(9, table.cgroupId(0));
        for (ProcessCounter c : ProcessCounter.values()) {
            assertEquals(6000L + 3 * c.ordinal(), table.get(0, c), c.name());
        }
        assertEquals(100, table.firstSeenNanos(0));
        assertEquals(900, table.lastSeenNanos(0));
        assertTrue(table.exited(0));
        assertEquals("nginx", table.comm(0));
        assertEquals(99, table.tgid(1));
        assertEquals(3, table.get(1, ProcessCounter.TCP_ACCEPTS));
        assertEquals(50, table.firstSeenNanos(1));
        assertFalse(table.exited(1));
        assertEquals("sshd", table.comm(1));
    }

    @Test
    void aReusedBuilderLeavesNothingOfEarlierRows() {
        ProcessTableBuilder builder = new ProcessTableBuilder(CPUS, STRIDE, KEY, CPUS * STRIDE, 1);
        key(0, 1, 1, 1);
        values.set(ValueLayout.JAVA_LONG, copy(0, 1) + ProcessCounter.UDP_BYTES_SENT.offset(), 12);
        values.set(ValueLayout.JAVA_LONG, copy(0, 1) + EXITED, 1);
        comm(0, 2, "first");
        builder.accept(keys, values, 1);
        assertEquals("first", builder.build().comm(0));

        values.fill((byte) 0);
        key(0, 2, 2, 2);
        builder.reset().accept(keys, values, 1);
        ProcessTable again = builder.build();
        assertEquals(1, again.size());
        assertEquals(2, again.tgid(0));
        assertEquals(0, again.get(0, ProcessCounter.UDP_BYTES_SENT));
        assertFalse(again.exited(0));
        assertEquals("", again.comm(0));
    }
}
