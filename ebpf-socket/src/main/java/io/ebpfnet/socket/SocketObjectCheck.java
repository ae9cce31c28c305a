package io.ebpfnet.socket;

import io.ebpfnet.core.BpfObject;
import io.ebpfnet.core.Btf;
import io.ebpfnet.socket.internal.LayoutCheck;
import io.ebpfnet.socket.internal.SocketLayouts;

import java.lang.foreign.StructLayout;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A socket object's BTF against the Java side: struct layouts, counter enums, the counters map's value. */
final class SocketObjectCheck {
    /** What the legacy object shares with the Java side (it has no iterators and no socket state). */
    static final List<StructLayout> LEGACY_LAYOUTS = List.of(SocketLayouts.PROCESS_KEY, SocketLayouts.PROCESS_STATS,
            SocketLayouts.SOCKET_SETTINGS, SocketLayouts.READER_STATE);

    private SocketObjectCheck() {
    }

    /** Every difference, one sentence each; empty when the object is the one these classes were built with. */
    static List<String> differences(BpfObject object, boolean legacy) {
        try (Btf btf = Btf.of(object)) {
            List<String> out = new ArrayList<>(LayoutCheck.structDifferences(btf, legacy ? LEGACY_LAYOUTS : SocketLayouts.ALL));
            if (!legacy) { // the legacy object uses the enums' values but declares no variable of their types
                Map<String, Long> counters = new LinkedHashMap<>();
                for (GlobalCounter c : GlobalCounter.values()) {
                    counters.put("GC_" + c.name(), (long) c.ordinal());
                }
                counters.put("GC_COUNT", (long) GlobalCounter.COUNT);
                out.addAll(LayoutCheck.enumDifferences(btf, "global_counter", counters, true));
                out.addAll(LayoutCheck.enumDifferences(btf, "socket_count", Map.of("SC_COUNT", (long) SocketLayouts.SOCKET_COUNTS), false));
            }
            long values = object.map("global_counters").valueSize();
            if (values != (long) GlobalCounter.COUNT * Long.BYTES) {
                out.add("global_counters holds " + values + " bytes per value in the object, " + GlobalCounter.COUNT * Long.BYTES + " here");
            }
            return out;
        }
    }

    /** Throws {@link IllegalStateException} naming the differences, if any. */
    static void require(BpfObject object, boolean legacy) {
        LayoutCheck.require(object.name(), differences(object, legacy));
    }
}
