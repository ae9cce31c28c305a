package io.ebpfnet.core.detect;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CapabilitiesTest {
    @Test
    void ourMachinesMaskHasEverythingButSysResource() {
        Capabilities c = Capabilities.parse("Name:\tjava\nCapPrm:\t0000000000000000\nCapEff:\t000001fffeffffff\n");
        assertEquals(0x000001fffeffffffL, c.effectiveMask());
        assertTrue(c.has(Capability.CAP_BPF));
        assertTrue(c.has(Capability.CAP_PERFMON));
        assertTrue(c.has(Capability.CAP_SYS_ADMIN));
        assertTrue(c.has(Capability.CAP_NET_ADMIN));
        assertFalse(c.has(Capability.CAP_SYS_RESOURCE));
        assertTrue(c.canLoadBpf());
        assertEquals(List.of(), c.missingForBpf());
        assertTrue(c.describe().contains("CAP_SYS_RESOURCE no"), c.describe());
        assertTrue(c.describe().startsWith("CapEff 000001fffeffffff:"), c.describe());
    }

    @Test
    void zeroMaskMissesBoth() {
        Capabilities c = Capabilities.parse("CapEff:\t0000000000000000\n");
        assertFalse(c.has(Capability.CAP_BPF));
        assertFalse(c.has(Capability.CAP_PERFMON));
        assertFalse(c.canLoadBpf());
        assertEquals(List.of(Capability.CAP_BPF, Capability.CAP_PERFMON), c.missingForBpf());
    }

    @Test
    void bpfAndPerfmonWithoutSysAdminSuffice() {
        assertTrue(Capabilities.ofMask((1L << 39) | (1L << 38)).canLoadBpf());
        Capabilities onlyBpf = Capabilities.ofMask(1L << 39);
        assertFalse(onlyBpf.canLoadBpf());
        assertEquals(List.of(Capability.CAP_PERFMON), onlyBpf.missingForBpf());
    }

    @Test
    void sysAdminAloneSuffices() {
        Capabilities c = Capabilities.ofMask(1L << 21);
        assertTrue(c.canLoadBpf());
        assertEquals(List.of(), c.missingForBpf());
    }

    @Test
    void capabilityNumbersAreLinuxs() {
        assertEquals(12, Capability.CAP_NET_ADMIN.bit());
        assertEquals(21, Capability.CAP_SYS_ADMIN.bit());
        assertEquals(24, Capability.CAP_SYS_RESOURCE.bit());
        assertEquals(38, Capability.CAP_PERFMON.bit());
        assertEquals(39, Capability.CAP_BPF.bit());
    }

    @Test
    void noCapEffLineMeansNone() {
        assertEquals(0, Capabilities.parse("Name:\tjava\n").effectiveMask());
    }

    @Test
    void malformedMaskIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> Capabilities.parse("CapEff:\tnot-hex\n"));
    }

    @Test
    void readsTheFixturesStatusFile(@TempDir Path dir) {
        assertTrue(Capabilities.read(KernelFixture.paths("btf-no-kprobes", dir)).canLoadBpf());
        assertEquals(0, Capabilities.read(KernelFixture.paths("unprivileged", dir)).effectiveMask());
    }

    @Test
    void missingStatusFileMeansNone(@TempDir Path dir) {
        assertEquals(0, Capabilities.read(SystemPaths.under(dir)).effectiveMask());
    }
}
