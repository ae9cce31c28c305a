package io.ebpfnet.core;

import io.ebpfnet.core.testing.KernelPrograms;
import io.ebpfnet.core.testing.KernelTests;
import io.ebpfnet.core.testing.Syscalls;
import io.ebpfnet.core.testing.TestObjects;
import org.junit.jupiter.api.Test;

import java.io.IOException;
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
        long progsBefore = KernelPrograms.settled(-1);

        cycle(CYCLES);

        assertEquals(fdsBefore, openFds(), "file descriptors after " + CYCLES + " cycles");
        // Programs are freed by the kernel after an RCU grace period: wait for it.
        long progsAfter = KernelPrograms.settled(progsBefore);
        assertEquals(progsBefore, progsAfter, "BPF programs loaded in the kernel after " + CYCLES + " cycles");
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
}
