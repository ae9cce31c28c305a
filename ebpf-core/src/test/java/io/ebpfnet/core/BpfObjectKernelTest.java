package io.ebpfnet.core;

import io.ebpfnet.core.testing.KernelTests;
import io.ebpfnet.core.testing.LoopbackTraffic;
import io.ebpfnet.core.testing.Syscalls;
import io.ebpfnet.core.testing.TestObjects;
import io.ebpfnet.core.testing.Tracefs;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Opens, loads, attaches and closes real programs, and checks that the kernel counts what we do. */
class BpfObjectKernelTest {
    private static final int SLOT_TP_BTF = 0;
    private static final int SLOT_TRACEPOINT = 1;
    private static final int SLOT_RAW_TP = 2;
    private static final int SLOT_CGROUP_SKB = 3;
    private static final int SLOT_FENTRY = 4;
    private static final int SLOT_KPROBE = 5;
    private static final int CALLS = 1000;

    @BeforeEach
    void needsKernel() {
        KernelTests.requireBpf();
    }

    @Test
    void tpBtfProgramCountsEverySyscallOfThisProcess() {
        try (BpfObject obj = TestObjects.testPrograms()) {
            obj.program("count_tp_btf").setAutoload(true);
            obj.load();
            setTarget(obj);
            try (BpfLink link = obj.program("count_tp_btf").attach()) {
                assertTrue(link.isOpen());
                Syscalls.getppid(CALLS);
            }
            assertEquals(CALLS, count(obj, SLOT_TP_BTF));
        }
    }

    @Test
    void rawTracepointProgramCounts() {
        try (BpfObject obj = TestObjects.testPrograms()) {
            obj.program("count_raw_tp").setAutoload(true);
            obj.load();
            setTarget(obj);
            try (BpfLink ignored = obj.program("count_raw_tp").attach()) {
                Syscalls.getppid(CALLS);
            }
            assertEquals(CALLS, count(obj, SLOT_RAW_TP));
        }
    }

    @Test
    void classicTracepointProgramCounts() throws Exception {
        Tracefs.ensureMounted();
        try (BpfObject obj = TestObjects.testPrograms()) {
            obj.program("count_tracepoint").setAutoload(true);
            obj.load();
            setTarget(obj);
            try (BpfLink ignored = obj.program("count_tracepoint").attach()) {
                Syscalls.getppid(CALLS);
            }
            assertEquals(CALLS, count(obj, SLOT_TRACEPOINT));
        }
    }

    @Test
    void detachedProgramStopsCounting() {
        try (BpfObject obj = TestObjects.testPrograms()) {
            obj.program("count_tp_btf").setAutoload(true);
            obj.load();
            setTarget(obj);
            BpfLink link = obj.program("count_tp_btf").attach();
            Syscalls.getppid(10);
            link.close();
            Syscalls.getppid(10);
            assertEquals(10, count(obj, SLOT_TP_BTF));
            assertFalse(link.isOpen());
            assertTrue(obj.links().isEmpty());
        }
    }

    @Test
    void perCpuCountersSumToTheCallCount() {
        try (BpfObject obj = TestObjects.testPrograms(); Arena arena = Arena.ofConfined()) {
            obj.program("count_tp_btf").setAutoload(true);
            obj.load();
            setTarget(obj);
            try (BpfLink ignored = obj.program("count_tp_btf").attach()) {
                Syscalls.getppid(CALLS);
            }
            BpfMap percpu = obj.map("percpu_counts");
            assertEquals(8, percpu.valueStride());
            assertEquals(8L * PossibleCpus.count(), percpu.valueBufferSize());
            MemorySegment key = arena.allocate(ValueLayout.JAVA_INT);
            MemorySegment values = arena.allocate(percpu.valueBufferSize());
            assertTrue(percpu.lookup(key, values));
            assertEquals(CALLS, PerCpuValues.sumLong(values, 0, 0, percpu.valueStride(), PossibleCpus.count()));
        }
    }

    @Test
    void aRodataInitialValueSetBeforeLoadIsWhatTheKernelHolds() {
        try (BpfObject obj = TestObjects.testPrograms(); Arena arena = Arena.ofConfined()) {
            BpfMap rodata = obj.maps().stream().filter(m -> m.name().endsWith(".rodata")).findFirst().orElseThrow();
            assertEquals(Long.BYTES, rodata.initialValueSize());
            rodata.setInitialValue(0, arena.allocateFrom(ValueLayout.JAVA_LONG, 42));
            MemorySegment eight = arena.allocateFrom(ValueLayout.JAVA_LONG, 1);
            assertThrows(IndexOutOfBoundsException.class, () -> rodata.setInitialValue(4, eight));
            assertThrows(IllegalArgumentException.class, () -> obj.map("counts").setInitialValue(0, eight));
            obj.load();
            MemorySegment key = arena.allocate(ValueLayout.JAVA_INT);
            MemorySegment value = arena.allocate(Long.BYTES, 8);
            assertTrue(rodata.lookup(key, value));
            assertEquals(42, value.get(ValueLayout.JAVA_LONG, 0));
            assertThrows(IllegalStateException.class, () -> rodata.setInitialValue(0, eight));
        }
    }

    @Test
    void cgroupSkbProgramAttachesToTheCgroupV2Root() throws IOException {
        Path root = cgroupV2Root();
        try (BpfObject obj = TestObjects.testPrograms()) {
            obj.program("count_cgroup_skb").setAutoload(true);
            obj.load();
            try (BpfLink link = obj.program("count_cgroup_skb").attachCgroup(root);
                 DatagramSocket socket = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
                assertTrue(link.description().contains(root.toString()));
                byte[] payload = new byte[32];
                for (int i = 0; i < 10; i++) {
                    socket.send(new DatagramPacket(payload, payload.length, InetAddress.getLoopbackAddress(), socket.getLocalPort()));
                }
            }
            assertTrue(count(obj, SLOT_CGROUP_SKB) >= 10, "egress packets counted: " + count(obj, SLOT_CGROUP_SKB));
        }
    }

    @Test
    void verifierLogIsAttachedWhenLoadFails() {
        try (BpfObject obj = TestObjects.badProgram()) {
            BpfVerifierException e = assertThrows(BpfVerifierException.class, obj::load);
            assertTrue(e.log().contains("unchecked_lookup"), e.log());
            // The verifier's own words about the NULL dereference.
            assertTrue(e.log().contains("map_value_or_null"), e.log());
            assertTrue(e.getMessage().contains("load BPF object 'bad_program' failed"), e.getMessage());
            assertFalse(obj.isLoaded());
        }
    }

    @Test
    void fentryEitherCountsOrIsRefusedWithAnActionableError() throws IOException {
        try (BpfObject obj = TestObjects.testPrograms()) {
            obj.program("count_fentry").setAutoload(true);
            try {
                obj.load();
            } catch (BpfPermissionException e) {
                // Our CI kernel refuses BPF trampolines at load, even as root.
                assertEquals("EPERM", e.errnoName());
                assertTrue(e.getMessage().contains("CAP_BPF") && e.getMessage().contains("another attach mode"), e.getMessage());
                return;
            }
            setTarget(obj);
            try (BpfLink ignored = obj.program("count_fentry").attach()) {
                LoopbackTraffic.tcp(InetAddress.getLoopbackAddress(), 100, 64, 0);
            }
            assertTrue(count(obj, SLOT_FENTRY) > 0);
        }
    }

    @Test
    void kprobeEitherCountsOrIsReportedAsUnsupported() throws IOException {
        try (BpfObject obj = TestObjects.testPrograms()) {
            obj.program("count_kprobe").setAutoload(true);
            obj.load();
            setTarget(obj);
            BpfLink link;
            try {
                link = obj.program("count_kprobe").attach();
            } catch (BpfUnsupportedException e) {
                // Our CI kernel has no CONFIG_KPROBES.
                assertEquals("ENOENT", e.errnoName());
                assertTrue(e.getMessage().contains("no kprobe support"), e.getMessage());
                return;
            }
            try (link) {
                LoopbackTraffic.tcp(InetAddress.getLoopbackAddress(), 100, 64, 0);
            }
            assertTrue(count(obj, SLOT_KPROBE) > 0);
        }
    }

    @Test
    void closedObjectRefusesFurtherUse() {
        BpfObject obj = TestObjects.testPrograms();
        obj.program("count_tp_btf").setAutoload(true);
        obj.load();
        BpfLink link = obj.program("count_tp_btf").attach();
        BpfMap counts = obj.map("counts");
        obj.close();
        assertFalse(link.isOpen());
        assertThrows(IllegalStateException.class, counts::fd);
        assertThrows(IllegalStateException.class, () -> obj.program("count_tp_btf").attach());
        obj.close();
    }

    @Test
    void configurationAfterLoadIsRefused() {
        try (BpfObject obj = TestObjects.testPrograms()) {
            obj.map("big_hash").setMaxEntries(100).setType(MapType.LRU_HASH);
            obj.load();
            assertEquals(100, obj.map("big_hash").maxEntries());
            assertEquals(MapType.LRU_HASH, obj.map("big_hash").type());
            assertThrows(IllegalStateException.class, () -> obj.map("big_hash").setMaxEntries(10));
            assertThrows(IllegalStateException.class, () -> obj.program("count_tp_btf").setAutoload(true));
        }
    }

    static void setTarget(BpfObject obj) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment key = arena.allocate(ValueLayout.JAVA_INT);
            MemorySegment value = arena.allocate(ValueLayout.JAVA_INT);
            value.set(ValueLayout.JAVA_INT, 0, (int) ProcessHandle.current().pid());
            obj.map("target").update(key, value, BpfMap.UpdateFlag.ANY);
        }
    }

    static long count(BpfObject obj, int slot) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment key = arena.allocate(ValueLayout.JAVA_INT);
            key.set(ValueLayout.JAVA_INT, 0, slot);
            MemorySegment value = arena.allocate(ValueLayout.JAVA_LONG);
            assertTrue(obj.map("counts").lookup(key, value));
            return value.get(ValueLayout.JAVA_LONG, 0);
        }
    }

    static Path cgroupV2Root() throws IOException {
        return Files.readAllLines(Path.of("/proc/self/mounts")).stream()
                .map(l -> l.split(" "))
                .filter(f -> f.length > 2 && f[2].equals("cgroup2"))
                .map(f -> Path.of(f[1]))
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("no cgroup v2 mount"));
    }
}
