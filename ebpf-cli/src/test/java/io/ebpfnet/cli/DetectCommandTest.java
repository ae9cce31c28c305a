package io.ebpfnet.cli;

import io.ebpfnet.core.testing.KernelTests;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DetectCommandTest {
    @Test
    void detectPrintsTheReportAndTheChosenMode() {
        KernelTests.requireBpf();
        CliRun run = CliRun.of("detect");
        assertEquals(0, run.exitCode(), run.err());
        assertTrue(run.out().contains("Probes (load and attach a real program of each kind)"), run.out());
        assertTrue(run.out().contains("chosen: "), run.out());
    }

    @Test
    void detectJsonIsOneObjectWithTheDecision() {
        KernelTests.requireBpf();
        CliRun run = CliRun.of("detect", "--json");
        assertEquals(0, run.exitCode(), run.err());
        String json = run.out().strip();
        assertTrue(json.startsWith("{\"report\":{") && json.endsWith("}"), json);
        assertEquals(1, json.lines().count());
        assertTrue(json.matches(".*\"attach_mode\":\\{\"chosen\":\"(trampoline|probe|tracepoint|legacy)\".*"), json);
    }

    @Test
    void aRefusedExplicitModeExitsWithKernelUnsupported() {
        KernelTests.requireBpf();
        // trampoline is refused on our CI kernel; where it is allowed, this run chooses it and exits 0.
        CliRun run = CliRun.of("detect", "--mode", "trampoline");
        if (run.exitCode() != 0) {
            assertEquals(ExitCode.KERNEL_UNSUPPORTED.code(), run.exitCode());
            assertTrue(run.out().contains("none: The requested attach mode 'trampoline' cannot be used"), run.out());
        } else {
            assertTrue(run.out().contains("chosen: trampoline"), run.out());
        }
    }

    /**
     * With --ignore-kernel-btf the kernel is reported as one without BTF, and auto can only choose legacy:
     * chosen where kprobes work, refused with its reason where they do not (our CI kernel).
     */
    @Test
    void ignoringTheKernelsBtfLeavesOnlyLegacy() {
        KernelTests.requireBpf();
        boolean kprobes = io.ebpfnet.core.KernelDetection.detect().allows(io.ebpfnet.core.detect.FeatureProbe.KPROBE);
        CliRun run = CliRun.of("detect", "--json", "--ignore-kernel-btf");
        String json = run.out().strip();
        assertTrue(json.contains("\"btf\":{\"present\":false,\"parsable\":false}"), json);
        if (kprobes) {
            assertEquals(0, run.exitCode(), run.err());
            assertTrue(json.contains("\"attach_mode\":{\"chosen\":\"legacy\""), json);
        } else {
            assertEquals(ExitCode.KERNEL_UNSUPPORTED.code(), run.exitCode(), run.err());
            assertTrue(json.contains("only legacy is possible. legacy: refused, kprobe"), json);
        }
    }

    @Test
    void badModeIsAUsageError() {
        CliRun run = CliRun.of("detect", "--mode", "kprobe");
        assertEquals(ExitCode.USAGE.code(), run.exitCode());
        assertTrue(run.err().contains("kprobe"), run.err());
    }

    @Test
    void helpListsTheExitCodes() {
        CliRun run = CliRun.of("--help");
        assertEquals(0, run.exitCode());
        for (ExitCode code : ExitCode.values()) {
            assertTrue(run.out().contains(code.code() + "   " + code.meaning()), "exit code " + code + " in\n" + run.out());
        }
    }
}
