package io.ebpfnet.socket;

import io.ebpfnet.core.BpfObject;
import io.ebpfnet.core.Btf;
import io.ebpfnet.socket.internal.SocketLayouts;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.StructLayout;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The Java layouts are the C structs: sizes, member names, offsets and sizes equal the object's BTF. */
class SocketLayoutsBtfTest {
    @Test
    void javaLayoutsMatchTheCompiledObject() {
        // Opening parses the ELF and BTF only: no privileges needed.
        try (BpfObject obj = BpfObject.open(SocketCollector.class.getResourceAsStream(SocketCollector.OBJECT), "socket");
             Btf btf = Btf.of(obj)) {
            for (StructLayout layout : SocketLayouts.ALL) {
                String name = layout.name().orElseThrow();
                Btf.StructInfo c = btf.struct(name).orElseThrow(() -> new AssertionError("struct " + name + " not in BTF"));
                assertEquals(c.byteSize(), layout.byteSize(), "sizeof(struct " + name + ")");
                int members = 0;
                for (MemoryLayout member : layout.memberLayouts()) {
                    if (member.name().isEmpty()) {
                        continue; // padding
                    }
                    String field = member.name().get();
                    Btf.Member m = c.member(field).orElseThrow(() -> new AssertionError(name + "." + field + " not in BTF"));
                    assertEquals(m.byteOffset(), SocketLayouts.offset(layout, field), "offsetof(" + name + ", " + field + ")");
                    assertEquals(m.byteSize(), member.byteSize(), "sizeof(" + name + "." + field + ")");
                    members++;
                }
                assertEquals(c.members().size(), members, "member count of struct " + name);
            }
        }
    }

    @Test
    void globalCounterIndexesMatchTheEnum() {
        try (BpfObject obj = BpfObject.open(SocketCollector.class.getResourceAsStream(SocketCollector.OBJECT), "socket");
             Btf btf = Btf.of(obj)) {
            Map<String, Long> c = btf.enumValues("global_counter").orElseThrow();
            for (GlobalCounter counter : GlobalCounter.values()) {
                assertEquals(counter.ordinal(), c.get("GC_" + counter.name()), "GC_" + counter.name());
            }
            assertEquals(GlobalCounter.COUNT, c.get("GC_COUNT"));
            assertEquals(GlobalCounter.COUNT + 1, c.size(), "every C counter has a Java constant");
            assertEquals(GlobalCounter.COUNT * Long.BYTES, obj.map("global_counters").valueSize(), "one value of every counter");
            assertEquals(SocketLayouts.SOCKET_COUNTS, btf.enumValues("socket_count").orElseThrow().get("SC_COUNT"), "SC_COUNT");
        }
    }
}
