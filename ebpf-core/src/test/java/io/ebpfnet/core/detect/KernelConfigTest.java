package io.ebpfnet.core.detect;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class KernelConfigTest {
    private static final String TEXT = """
            #
            # Automatically generated file; DO NOT EDIT.
            CONFIG_BPF=y
            CONFIG_BPF_SYSCALL=y
            # CONFIG_KPROBES is not set
            CONFIG_NF_TABLES=m
            CONFIG_LOCALVERSION="-test"
            CONFIG_NR_CPUS=64
            """;

    @Test
    void parsesBuiltInModuleUnsetStringAndNumber() {
        KernelConfig c = KernelConfig.parse(TEXT, "inline");
        assertEquals(Tristate.YES, c.flag("CONFIG_BPF"));
        assertEquals(Tristate.NO, c.flag("CONFIG_KPROBES"));
        assertEquals(Tristate.MODULE, c.flag("CONFIG_NF_TABLES"));
        assertEquals(Tristate.NO, c.flag("CONFIG_NOT_MENTIONED"));
        assertEquals("-test", c.value("CONFIG_LOCALVERSION").orElseThrow());
        assertEquals("64", c.value("CONFIG_NR_CPUS").orElseThrow());
        assertEquals("inline", c.source());
    }

    @Test
    void readsGzipFromProc(@TempDir Path root) throws IOException {
        FixtureKernel k = new FixtureKernel(root).configGz(TEXT);
        KernelConfig c = KernelConfig.load(k.paths(), "6.1.0-test-amd64").orElseThrow();
        assertEquals(Tristate.YES, c.flag("CONFIG_BPF_SYSCALL"));
        assertTrue(c.source().endsWith("proc/config.gz"));
    }

    @Test
    void readsPlainFromBoot(@TempDir Path root) throws IOException {
        FixtureKernel k = new FixtureKernel(root).bootConfig("CONFIG_KPROBES=y\n");
        KernelConfig c = KernelConfig.load(k.paths(), "6.1.0-test-amd64").orElseThrow();
        assertEquals(Tristate.YES, c.flag("CONFIG_KPROBES"));
        assertTrue(c.source().endsWith("boot/config-6.1.0-test-amd64"));
    }

    @Test
    void procConfigWinsOverBoot(@TempDir Path root) throws IOException {
        FixtureKernel k = new FixtureKernel(root).configGz("# CONFIG_KPROBES is not set\n").bootConfig("CONFIG_KPROBES=y\n");
        assertEquals(Tristate.NO, KernelConfig.load(k.paths(), "6.1.0-test-amd64").orElseThrow().flag("CONFIG_KPROBES"));
    }

    @Test
    void missingConfigIsEmptyNotAbsent(@TempDir Path root) throws IOException {
        FixtureKernel k = new FixtureKernel(root);
        assertTrue(KernelConfig.load(k.paths(), "6.1.0-test-amd64").isEmpty());
    }
}
