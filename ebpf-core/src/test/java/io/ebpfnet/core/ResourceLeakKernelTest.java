package io.ebpfnet.core;

import io.ebpfnet.core.testing.KernelPrograms;
import io.ebpfnet.core.testing.KernelTests;
import io.ebpfnet.core.testing.Syscalls;
import io.ebpfnet.core.testing.TestObjects;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Hundreds of open/load/attach/close cycles leave no file descriptor and no BPF program behind. */
class ResourceLeakKernelTest {
    private static final int CYCLES = 300;

    @Test
    void openLoadAttachCloseLeaksNothing() throws Exception {
        KernelTests.requireBpf();
        cycle(5); // warm up: the JVM opens its own descriptors on first use of some classes
        Map<String, String> fdsBefore = openFds();
        // Earlier tests' programs may still be on their way out (the kernel frees them after an RCU
        // grace period): start from a count that has stopped moving.
        long progsBefore = KernelPrograms.settled(-1);

        cycle(CYCLES);

        // Every descriptor open now was open before, to the same file: a leak adds some. (Comparing
        // counts failed when an earlier test's socket was closed by the GC in the meantime.)
        Map<String, String> added = new TreeMap<>(openFds());
        added.entrySet().removeAll(fdsBefore.entrySet());
        assertEquals(Map.of(), added, "file descriptors opened and not closed over " + CYCLES + " cycles");
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

    /** fd number -> what it is open on (a path, socket:[…], anon_inode:bpf-map …). */
    private static Map<String, String> openFds() throws IOException {
        List<Path> numbers;
        try (Stream<Path> list = Files.list(Path.of("/proc/self/fd"))) {
            numbers = list.toList();
        }
        Map<String, String> fds = new TreeMap<>();
        for (Path fd : numbers) {
            try {
                fds.put(fd.getFileName().toString(), Files.readSymbolicLink(fd).toString());
            } catch (NoSuchFileException e) {
                // the listing's own descriptor, closed since
            }
        }
        return fds;
    }
}
