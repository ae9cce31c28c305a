package io.ebpfnet.core.detect;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CapabilitiesTest {
    @Test
    void ourMachinesMask() {
        Capabilities c = Capabilities.parse("Name:\tjava\nCapEff:\t000001fffeffffff\n");
        assertTrue(c.has(Capability.CAP_BPF));
        assertTrue(c.has(Capability.CAP_PERFMON));
        assertTrue(c.has(Capability.CAP_SYS_ADMIN));
        assertFalse(c.has(Capability.CAP_SYS_RESOURCE));
        assertTrue(c.canLoadBpf());
        assertEquals(List.of(), c.missingForBpf());
    }

    @Test
    void noCapabilities() {
        Capabilities c = Capabilities.parse("CapEff:\t0000000000000000\n");
        assertFalse(c.canLoadBpf());
        assertEquals(List.of(Capability.CAP_BPF, Capability.CAP_PERFMON), c.missingForBpf());
    }

    @Test
    void bpfAndPerfmonWithoutSysAdminSuffice() {
        Capabilities c = Capabilities.ofMask((1L << 39) | (1L << 38));
        assertTrue(c.canLoadBpf());
        Capabilities onlyBpf = Capabilities.ofMask(1L << 39);
        assertFalse(onlyBpf.canLoadBpf());
        assertEquals(List.of(Capability.CAP_PERFMON), onlyBpf.missingForBpf());
    }
}
