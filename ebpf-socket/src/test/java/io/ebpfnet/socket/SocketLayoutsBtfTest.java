package io.ebpfnet.socket;

import io.ebpfnet.core.BpfObject;
import io.ebpfnet.core.Btf;
import io.ebpfnet.socket.internal.LayoutCheck;
import io.ebpfnet.socket.internal.SocketLayouts;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.StructLayout;
import java.util.List;
import java.util.Map;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Java layouts are the C structs: the check the collector runs on its object at every start finds
 * no difference in the object the build made, and names each kind of difference it exists for.
 */
class SocketLayoutsBtfTest {
    private static BpfObject socketObject() {
        // Opening parses the ELF and BTF only: no privileges needed.
        return BpfObject.open(SocketCollector.class.getResourceAsStream(SocketCollector.OBJECT), "socket");
    }

    @Test
    void theBuiltObjectMatchesEveryLayoutAndCounter() {
        try (BpfObject obj = socketObject()) {
            assertEquals(List.of(), SocketObjectCheck.differences(obj, false));
            SocketObjectCheck.require(obj, false);
        }
    }

    @Test
    void aLayoutFromAnotherBuildIsNamedFieldByField() {
        // process_key as it would be if the C struct gained a field the Java side lacks, and swapped two.
        StructLayout stale = MemoryLayout.structLayout(
                JAVA_INT.withName("tgid"),
                JAVA_INT.withName("reserved"),
                JAVA_LONG.withName("cgroup_id"),
                JAVA_LONG.withName("start_ns")).withName("process_key");
        StructLayout missing = MemoryLayout.structLayout(JAVA_LONG.withName("x")).withName("no_such_struct");
        try (BpfObject obj = socketObject(); Btf btf = Btf.of(obj)) {
            List<String> d = LayoutCheck.structDifferences(btf, List.of(stale, missing));
            assertEquals(List.of(
                    "process_key.cgroup_id is 8 bytes at offset 16 in the object, 8 bytes at 8 here",
                    "process_key.start_ns is 8 bytes at offset 8 in the object, 8 bytes at 16 here",
                    "struct no_such_struct is not in the object"), d);
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> LayoutCheck.require("socket", d));
            assertTrue(e.getMessage().startsWith("The BPF object 'socket' does not match this library's layouts or hooks (process_key.cgroup_id"),
                    e.getMessage());
            assertTrue(e.getMessage().endsWith("come from different builds; rebuild ebpf-socket."), e.getMessage());
        }
    }

    @Test
    void anEnumFromAnotherBuildIsNamedConstantByConstant() {
        try (BpfObject obj = socketObject(); Btf btf = Btf.of(obj)) {
            long count = btf.enumValues("global_counter").orElseThrow().get("GC_COUNT");
            assertEquals(List.of("GC_COUNT is " + count + " in the object, " + (count + 1) + " here"),
                    LayoutCheck.enumDifferences(btf, "global_counter", Map.of("GC_COUNT", count + 1), false));
            List<String> incomplete = LayoutCheck.enumDifferences(btf, "socket_count", Map.of(), true);
            assertTrue(incomplete.contains("socket_count has SC_COUNT in the object, not here"), incomplete.toString());
            assertEquals(List.of("enum no_such_enum is not in the object"), LayoutCheck.enumDifferences(btf, "no_such_enum", Map.of(), true));
        }
    }
}
