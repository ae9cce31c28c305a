package io.ebpfnet.socket;

import io.ebpfnet.core.BpfMap;
import io.ebpfnet.core.BpfObject;
import io.ebpfnet.core.PossibleCpus;
import io.ebpfnet.core.testing.KernelTests;
import io.ebpfnet.socket.internal.ProcessMapReader;
import io.ebpfnet.socket.internal.SocketLayouts;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * Legacy mode's user-space read of the process table, on the legacy object's real per-CPU map (no
 * program loaded: this host refuses kprobes), filled from user space with a different value on each CPU:
 * the copies are summed, the earliest first sight and the latest name win, and only rows seen since the
 * threshold or marked exited come out, exited once a whole read passed since the mark.
 */
class ProcessMapReaderKernelTest {
    private static final long KEY = SocketLayouts.offset(SocketLayouts.PROCESS_ROW, "key");
    private static final long STATS = SocketLayouts.offset(SocketLayouts.PROCESS_ROW, "stats");
    private static final long ROW = SocketLayouts.PROCESS_ROW.byteSize();

    @Test
    void copiesAreSummedAndOnlyChangedOrExitedRowsComeOut() {
        KernelTests.requireBpf();
        int cpus = PossibleCpus.count();
        try (BpfObject obj = BpfObject.open(SocketCollector.class.getResourceAsStream(SocketCollector.LEGACY_OBJECT), "socket_legacy");
             Arena arena = Arena.ofConfined()) {
            obj.load(); // every program is autoload-off: only the maps are created
            BpfMap processes = obj.map("processes");
            long stride = processes.valueStride();
            MemorySegment key = arena.allocate(SocketLayouts.PROCESS_KEY);
            MemorySegment value = arena.allocate(processes.valueBufferSize(), 8);
            // 100: seen at 50 on CPU 0 only, named on every CPU, first seen latest on CPU 0
            for (int c = 0; c < cpus; c++) {
                set(value, c * stride, "tcp_bytes_sent", 10L * (c + 1));
                set(value, c * stride, "udp_recv_calls", c + 1);
                set(value, c * stride, "first_seen_ns", c == 0 ? 900 : 100 + c);
                set(value, c * stride, "last_seen_ns", c == 0 ? 50 : 0);
                set(value, c * stride, "comm_ns", 1000 + c);
                MemorySegment.copy(("cpu" + c + "\0").getBytes(StandardCharsets.US_ASCII), 0, value,
                        ValueLayout.JAVA_BYTE, c * stride + offset("comm"), ("cpu" + c).length() + 1);
            }
            put(processes, key, value, 100);
            // 200: last seen at 5, before the threshold, not exited: left out
            value.fill((byte) 0);
            set(value, 0, "tcp_bytes_sent", 7);
            set(value, 0, "last_seen_ns", 5);
            put(processes, key, value, 200);
            // 300: last seen at 5, marked exited at clock 10 (+1)
            set(value, 0, "exited", 11);
            put(processes, key, value, 300);

            Map<Integer, Row> rows = read(processes, cpus, 10);
            assertEquals(java.util.Set.of(100, 300), rows.keySet(), "the row seen since 10 and the exited one");
            long[] a = rows.get(100).values();
            assertEquals(10L * cpus * (cpus + 1) / 2, a[0], "tcp bytes sent over every CPU");
            assertEquals((long) cpus * (cpus + 1) / 2, a[1], "udp receive calls over every CPU");
            assertEquals(cpus > 1 ? 101 : 900, a[2], "the earliest first sight");
            assertEquals(50, a[3], "the latest last sight");
            assertEquals(0, a[4], "not exited");
            assertEquals("cpu" + (cpus - 1), rows.get(100).comm(), "the name written last (comm_ns) wins");
            assertEquals(1, rows.get(300).values()[4], "exited, a whole read after its mark (10 + 1 - 1 <= 10)");
            assertEquals(0, read(processes, cpus, 9).get(300).values()[4], "not yet exited for a read that started before the mark");
            assertFalse(read(processes, cpus, 51).containsKey(100), "not seen since 51");
        }
    }

    /** {tcp_bytes_sent, udp_recv_calls, first_seen_ns, last_seen_ns, exited} and the name of a row read. */
    private record Row(long[] values, String comm) {
    }

    private static Map<Integer, Row> read(BpfMap processes, int cpus, long since) {
        Map<Integer, Row> rows = new HashMap<>();
        try (ProcessMapReader reader = new ProcessMapReader(processes, cpus)) {
            reader.read(since, (records, count) -> {
                for (int i = 0; i < count; i++) {
                    long r = i * ROW;
                    int tgid = records.get(ValueLayout.JAVA_INT, r + KEY);
                    long s = r + STATS;
                    byte[] comm = records.asSlice(s + offset("comm"), 16).toArray(ValueLayout.JAVA_BYTE);
                    int end = 0;
                    while (end < comm.length && comm[end] != 0) {
                        end++;
                    }
                    rows.put(tgid, new Row(new long[] {get(records, s, "tcp_bytes_sent"), get(records, s, "udp_recv_calls"),
                            get(records, s, "first_seen_ns"), get(records, s, "last_seen_ns"), get(records, s, "exited")},
                            new String(comm, 0, end, StandardCharsets.US_ASCII)));
                }
            });
        }
        return rows;
    }

    private static void put(BpfMap processes, MemorySegment key, MemorySegment value, int tgid) {
        key.fill((byte) 0);
        key.set(ValueLayout.JAVA_INT, SocketLayouts.offset(SocketLayouts.PROCESS_KEY, "tgid"), tgid);
        key.set(ValueLayout.JAVA_LONG, SocketLayouts.offset(SocketLayouts.PROCESS_KEY, "cgroup_id"), 1);
        processes.update(key, value, BpfMap.UpdateFlag.ANY);
    }

    private static long offset(String field) {
        return SocketLayouts.offset(SocketLayouts.PROCESS_STATS, field);
    }

    private static void set(MemorySegment values, long at, String field, long v) {
        values.set(ValueLayout.JAVA_LONG, at + offset(field), v);
    }

    private static long get(MemorySegment records, long at, String field) {
        return records.get(ValueLayout.JAVA_LONG, at + offset(field));
    }
}
