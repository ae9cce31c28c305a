package io.ebpfnet.core;

import io.ebpfnet.core.testing.KernelPrograms;
import io.ebpfnet.core.testing.KernelTests;
import io.ebpfnet.core.testing.Syscalls;
import io.ebpfnet.core.testing.TestObjects;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A load split over several loaders (each program verified by a helper object that shares the object's
 * maps): the programs count into the object's maps, a verifier rejection in one group fails the load with
 * its log, and closing frees every program, link and map, whichever way the load went. The test object is
 * small, so the split is forced (three loaders, no minimum size).
 */
class ParallelLoadKernelTest {
    private static final int SLOT_TP_BTF = 0;
    private static final int SLOT_RAW_TP = 2;
    private static final int CALLS = 1000;

    @BeforeEach
    void needsKernel() {
        KernelTests.requireBpf();
    }

    @Test
    void programsLoadedByHelpersCountIntoTheObjectsMaps() {
        try (BpfObject obj = TestObjects.testPrograms()) {
            obj.program("count_tp_btf").setAutoload(true);
            obj.program("count_raw_tp").setAutoload(true);
            obj.load(3, 0);
            BpfObjectKernelTest.setTarget(obj);
            try (BpfLink a = obj.program("count_tp_btf").attach(); BpfLink b = obj.program("count_raw_tp").attach()) {
                Syscalls.getppid(CALLS);
            }
            assertEquals(CALLS, BpfObjectKernelTest.count(obj, SLOT_TP_BTF));
            assertEquals(CALLS, BpfObjectKernelTest.count(obj, SLOT_RAW_TP));
            assertTrue(obj.program("count_raw_tp").fd() > 0);
        }
    }

    @Test
    void aRejectedProgramFailsTheLoadAndNothingStays() throws Exception {
        cycle(3); // the JVM's own first-use descriptors
        long held = KernelPrograms.heldByThisProcess();
        long maps = mapsHeld();
        for (int i = 0; i < 3; i++) {
            cycle(1);
        }
        assertEquals(held, KernelPrograms.heldByThisProcess(), "programs and links still held after close");
        assertEquals(maps, mapsHeld(), "maps still held after close");
    }

    private static void cycle(int times) {
        for (int i = 0; i < times; i++) {
            try (BpfObject obj = TestObjects.testPrograms()) {
                obj.program("count_tp_btf").setAutoload(true);
                obj.program("count_raw_tp").setAutoload(true);
                obj.program("rejected_by_verifier").setAutoload(true);
                BpfVerifierException e = assertThrows(BpfVerifierException.class, () -> obj.load(3, 0));
                assertTrue(e.getMessage().contains("rejected_by_verifier") && e.log().contains("map_value_or_null"), e.getMessage());
            }
        }
    }

    private static long mapsHeld() throws IOException {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.filter(fd -> {
                try {
                    return Files.readSymbolicLink(fd).toString().equals("anon_inode:bpf-map");
                } catch (IOException e) {
                    return false; // closed meanwhile (the listing's own descriptor)
                }
            }).count();
        }
    }
}
