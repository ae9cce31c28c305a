package io.ebpfnet.socket;

import io.ebpfnet.core.BpfObject;
import io.ebpfnet.core.BpfProgram;
import io.ebpfnet.core.BpfUnsupportedException;
import io.ebpfnet.core.detect.AttachMode;
import io.ebpfnet.socket.internal.ProgramSet;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * socket_legacy.bpf.o loads on a kernel without BTF: it has no CO-RE relocation and no BTF-typed program,
 * the two things for which libbpf would need the kernel's BTF, and it shares socket.bpf.o's structs, so
 * the same Java views read its maps. No privileges needed: the objects are only parsed.
 */
class LegacyObjectTest {
    @Test
    void theLegacyObjectHasNoCoreRelocationAndTheCoreObjectHas() throws IOException {
        assertEquals(0, coreRelocationBytes(SocketCollector.LEGACY_OBJECT), "CO-RE relocation records in socket_legacy.bpf.o");
        // the same check finds the CO-RE object's relocations: it can fail
        assertTrue(coreRelocationBytes(SocketCollector.OBJECT) > 0, "socket.bpf.o has CO-RE relocations");
    }

    @Test
    void everyLegacyProgramIsAKprobeOrAClassicTracepointAndEveryHookHasItsProgram() {
        try (BpfObject obj = BpfObject.open(SocketCollector.class.getResourceAsStream(SocketCollector.LEGACY_OBJECT), "socket_legacy")) {
            for (BpfProgram p : obj.programs()) {
                String section = p.sectionName().replaceFirst("^\\?", "");
                assertTrue(section.startsWith("kprobe/") || section.startsWith("kretprobe/") || section.startsWith("tracepoint/"),
                        p.name() + " in " + section + ": a program typed by kernel BTF");
            }
            Set<String> programs = obj.programs().stream().map(BpfProgram::name).collect(Collectors.toSet());
            for (LoadMode load : LoadMode.values()) {
                List<ProgramSet.Hook> hooks = ProgramSet.hooks(AttachMode.LEGACY, load, false, false, false);
                for (ProgramSet.Hook hook : hooks) {
                    assertTrue(programs.contains(hook.program()), hook.program() + " is not in socket_legacy.bpf.o");
                    assertFalse(hook.kind() == ProgramSet.Target.ITERATOR, hook.program() + ": an iterator needs BTF");
                }
            }
        }
    }

    @Test
    void theSharedStructsAreTheJavaLayouts() {
        // The check the collector runs at every start of legacy mode.
        try (BpfObject obj = BpfObject.open(SocketCollector.class.getResourceAsStream(SocketCollector.LEGACY_OBJECT), "socket_legacy")) {
            assertEquals(List.of(), SocketObjectCheck.differences(obj, true));
        }
    }

    @Test
    void legacyModeHasNoConnectionTableAndSaysWhy() {
        SocketCollectorOptions legacy = SocketCollectorOptions.defaults(AttachMode.LEGACY);
        assertFalse(legacy.connections());
        assertTrue(legacy.connectionsOff().contains("legacy attach mode keeps no connection table"), legacy.connectionsOff());
        assertFalse(legacy.withConnections(true).connections());
        assertNull(SocketCollectorOptions.defaults(AttachMode.PROBE).connectionsOff());
    }

    @Test
    void ignoringTheKernelsBtfRefusesTheModesThatNeedIt() {
        for (AttachMode mode : List.of(AttachMode.TRAMPOLINE, AttachMode.PROBE, AttachMode.TRACEPOINT)) {
            BpfUnsupportedException e = assertThrows(BpfUnsupportedException.class,
                    () -> SocketCollector.start(SocketCollectorOptions.defaults(mode).withIgnoreKernelBtf(true)).close());
            assertTrue(e.getMessage().contains("only the legacy mode runs without it"), e.getMessage());
        }
    }

    /*
     * The size of the CO-RE relocation records in the object's .BTF.ext section: its header (struct
     * btf_ext_header in libbpf's btf.h) is magic 0xeB9F, version, flags, hdr_len, then the offset and length
     * of the func_info, line_info and core_relo sections. An object without .BTF.ext has none.
     */
    private static long coreRelocationBytes(String resource) throws IOException {
        byte[] elf;
        try (InputStream in = SocketCollector.class.getResourceAsStream(resource)) {
            elf = in.readAllBytes();
        }
        ByteBuffer b = ByteBuffer.wrap(elf).order(ByteOrder.LITTLE_ENDIAN);
        long sectionHeaders = b.getLong(0x28);
        int entrySize = Short.toUnsignedInt(b.getShort(0x3a));
        int sections = Short.toUnsignedInt(b.getShort(0x3c));
        int names = Short.toUnsignedInt(b.getShort(0x3e));
        long namesOffset = b.getLong((int) (sectionHeaders + (long) names * entrySize) + 0x18);
        for (int i = 0; i < sections; i++) {
            int header = (int) (sectionHeaders + (long) i * entrySize);
            int nameAt = (int) (namesOffset + b.getInt(header));
            int end = nameAt;
            while (elf[end] != 0) {
                end++;
            }
            if (!new String(elf, nameAt, end - nameAt, StandardCharsets.US_ASCII).equals(".BTF.ext")) {
                continue;
            }
            int ext = (int) b.getLong(header + 0x18);
            assertEquals(0xeB9F, Short.toUnsignedInt(b.getShort(ext)), ".BTF.ext magic");
            int headerLength = b.getInt(ext + 4);
            // hdr_len 24: an older format without CO-RE relocation records
            return headerLength < 32 ? 0 : Integer.toUnsignedLong(b.getInt(ext + 28));
        }
        return 0;
    }
}
