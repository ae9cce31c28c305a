package io.ebpfnet.core.detect;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
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
            CONFIG_DEFAULT_HOSTNAME="(none)"
            CONFIG_NR_CPUS=64
            """;

    @Test
    void parsesBuiltInModuleUnsetStringAndNumber() {
        KernelConfig c = KernelConfig.parse(TEXT, "inline");
        assertEquals(Tristate.YES, c.flag("CONFIG_BPF"));
        assertEquals(Tristate.NO, c.flag("CONFIG_KPROBES"));
        assertEquals("n", c.value("CONFIG_KPROBES").orElseThrow());
        assertEquals(Tristate.MODULE, c.flag("CONFIG_NF_TABLES"));
        assertEquals("-test", c.value("CONFIG_LOCALVERSION").orElseThrow());
        assertEquals("(none)", c.value("CONFIG_DEFAULT_HOSTNAME").orElseThrow());
        assertEquals("64", c.value("CONFIG_NR_CPUS").orElseThrow());
        assertEquals(Tristate.NO, c.flag("CONFIG_NR_CPUS"), "a number is not a tristate");
        assertEquals("inline", c.source());
    }

    @Test
    void aNameThePresentConfigDoesNotMentionIsOff() {
        KernelConfig c = KernelConfig.parse(TEXT, "inline");
        assertEquals(Tristate.NO, c.flag("CONFIG_NOT_MENTIONED"));
        assertTrue(c.value("CONFIG_NOT_MENTIONED").isEmpty());
    }

    @Test
    void toleratesCarriageReturnsAndBlankLines() {
        KernelConfig c = KernelConfig.parse("\r\nCONFIG_BPF=y\r\n\r\n# CONFIG_KPROBES is not set\r\n", "crlf");
        assertEquals(Tristate.YES, c.flag("CONFIG_BPF"));
        assertEquals(Tristate.NO, c.flag("CONFIG_KPROBES"));
    }

    @Test
    void readsGzipFromProc(@TempDir Path dir) {
        KernelConfig c = KernelConfig.load(KernelFixture.paths("btf-no-kprobes", dir), "6.18.44-fc-v782").orElseThrow();
        assertEquals(Tristate.YES, c.flag("CONFIG_DEBUG_INFO_BTF"));
        assertEquals(Tristate.MODULE, c.flag("CONFIG_NF_TABLES"));
        assertEquals("-fc-v782", c.value("CONFIG_LOCALVERSION").orElseThrow());
        assertTrue(c.source().endsWith("proc/config.gz"), c.source());
    }

    @Test
    void readsPlainFromBoot(@TempDir Path dir) {
        KernelConfig c = KernelConfig.load(KernelFixture.paths("kprobes-no-btf", dir), "5.4.0-150-generic").orElseThrow();
        assertEquals(Tristate.YES, c.flag("CONFIG_KPROBES"));
        assertEquals(Tristate.NO, c.flag("CONFIG_DEBUG_INFO_BTF"));
        assertTrue(c.source().endsWith("boot/config-5.4.0-150-generic"), c.source());
    }

    @Test
    void procConfigGzWinsOverBoot(@TempDir Path dir) {
        // The fixture's stale boot config says CONFIG_KPROBES=y; proc/config.gz says it is not set.
        KernelConfig c = KernelConfig.load(KernelFixture.paths("btf-no-kprobes", dir), "6.18.44-fc-v782").orElseThrow();
        assertEquals(Tristate.NO, c.flag("CONFIG_KPROBES"));
    }

    @Test
    void bootConfigOfAnotherReleaseIsNotUsed(@TempDir Path dir) {
        assertTrue(KernelConfig.load(KernelFixture.paths("kprobes-no-btf", dir), "6.0.0-other").isEmpty());
    }

    @Test
    void missingConfigIsEmptyMeaningUnknown(@TempDir Path dir) {
        assertTrue(KernelConfig.load(KernelFixture.paths("no-config", dir), "6.8.0-custom").isEmpty());
    }

    @Test
    void damagedConfigGzFallsBackToBoot(@TempDir Path dir) throws IOException {
        SystemPaths p = KernelFixture.paths("btf-no-kprobes", dir);
        Files.writeString(p.proc().resolve("config.gz"), "not gzip");
        KernelConfig c = KernelConfig.load(p, "6.18.44-fc-v782").orElseThrow();
        assertTrue(c.source().endsWith("boot/config-6.18.44-fc-v782"), c.source());
    }
}
