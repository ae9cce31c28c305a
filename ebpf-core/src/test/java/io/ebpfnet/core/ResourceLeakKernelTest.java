package io.ebpfnet.core;

import io.ebpfnet.core.internal.libbpf.LibbpfBindings;
import io.ebpfnet.core.testing.KernelTests;
import io.ebpfnet.core.testing.Syscalls;
import io.ebpfnet.core.testing.TestObjects;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Hundreds of open/load/attach/close cycles leave no file descriptor and no BPF program behind. */
class ResourceLeakKernelTest {
    private static final int CYCLES = 300;

    @Test
    void openLoadAttachCloseLeaksNothing() throws Exception {
        KernelTests.requireBpf();
        cycle(5); // warm up: the JVM opens its own descriptors on first use of some classes
        long fdsBefore = openFds();
        // Earlier tests' programs may still be on their way out (the kernel frees them after an RCU
        // grace period): start from a count that has stopped moving.
        long progsBefore = settledProgramCount();

        cycle(CYCLES);

        assertEquals(fdsBefore, openFds(), "file descriptors after " + CYCLES + " cycles");
        // Programs are freed by the kernel after an RCU grace period: wait for it.
        long progsAfter = loadedPrograms();
        for (int i = 0; i < 100 && progsAfter > progsBefore; i++) {
            Thread.sleep(100);
            progsAfter = loadedPrograms();
        }
        assertEquals(progsBefore, progsAfter, "BPF programs loaded in the kernel after " + CYCLES + " cycles");
    }

    private static long settledProgramCount() throws InterruptedException {
        long last = loadedPrograms();
        int stable = 0;
        for (int i = 0; i < 100 && stable < 5; i++) {
            Thread.sleep(100);
            long now = loadedPrograms();
            stable = now == last ? stable + 1 : 0;
            last = now;
        }
        return last;
    }

    private static void cycle(int times) {
        for (int i = 0; i < times; i++) {
            try (BpfObject obj = TestObjects.testPrograms()) {
                obj.program("count_tp_btf").setAutoload(true);
                obj.program("count_raw_tp").setAutoload(true);
                obj.load();
                obj.program("count_tp_btf").attach();
                BpfLink raw = obj.program("count_raw_tp").attach();
                Syscalls.getppid(1);
                if (i % 2 == 0) {
                    raw.close(); // half the links closed by hand, half by the object
                }
            }
        }
    }

    private static long openFds() throws IOException {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.count();
        }
    }

    /** The number of BPF programs in the kernel, by walking program ids. */
    private static long loadedPrograms() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment next = arena.allocate(ValueLayout.JAVA_INT);
            int id = 0;
            long count = 0;
            while (LibbpfBindings.bpf_prog_get_next_id(id, next) == 0) {
                id = next.get(ValueLayout.JAVA_INT, 0);
                count++;
            }
            return count;
        }
    }
}
