package io.ebpfnet.core.testing;

import io.ebpfnet.core.BpfObject;

/** Opens the BPF objects compiled from bpf-src/core/test for the kernel tests. */
public final class TestObjects {
    private TestObjects() {
    }

    /** test_programs.bpf.o: counters for each attach kind, hash and per-CPU maps. */
    public static BpfObject testPrograms() {
        return BpfObject.open(TestObjects.class.getResourceAsStream("/bpf/test_programs.bpf.o"), "test_programs");
    }

    /** bad_program.bpf.o: a program the verifier rejects. */
    public static BpfObject badProgram() {
        return BpfObject.open(TestObjects.class.getResourceAsStream("/bpf/bad_program.bpf.o"), "bad_program");
    }
}
