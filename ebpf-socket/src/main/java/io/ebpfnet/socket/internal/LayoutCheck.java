package io.ebpfnet.socket.internal;

import io.ebpfnet.core.Btf;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.StructLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Compares the Java side of the shared structs and enums with the BTF of the object they are meant
 * for. The collector runs it on every object it opens, before loading: an object and classes from
 * different builds fail with the first differences named, instead of counting into the wrong fields.
 */
public final class LayoutCheck {
    private LayoutCheck() {
    }

    /** One sentence per difference between {@code layouts} (named by their C struct names) and {@code btf}. */
    public static List<String> structDifferences(Btf btf, List<StructLayout> layouts) {
        List<String> out = new ArrayList<>();
        for (StructLayout layout : layouts) {
            String name = layout.name().orElseThrow(() -> new IllegalArgumentException("unnamed layout " + layout));
            Optional<Btf.StructInfo> found = btf.struct(name);
            if (found.isEmpty()) {
                out.add("struct " + name + " is not in the object");
                continue;
            }
            Btf.StructInfo c = found.get();
            if (c.byteSize() != layout.byteSize()) {
                out.add("sizeof(struct " + name + ") is " + c.byteSize() + " in the object, " + layout.byteSize() + " here");
            }
            int members = 0;
            for (MemoryLayout member : layout.memberLayouts()) {
                if (member.name().isEmpty()) {
                    continue; // padding
                }
                members++;
                String field = member.name().get();
                Optional<Btf.Member> m = c.member(field);
                if (m.isEmpty()) {
                    out.add(name + "." + field + " is not in the object");
                } else if (m.get().byteOffset() != SocketLayouts.offset(layout, field) || m.get().byteSize() != member.byteSize()) {
                    out.add(name + "." + field + " is " + m.get().byteSize() + " bytes at offset " + m.get().byteOffset()
                            + " in the object, " + member.byteSize() + " bytes at " + SocketLayouts.offset(layout, field) + " here");
                }
            }
            if (c.members().size() != members) {
                out.add("struct " + name + " has " + c.members().size() + " members in the object, " + members + " here");
            }
        }
        return out;
    }

    /**
     * One sentence per difference between {@code expected} (each constant's name, as in C, with its value
     * here) and the values of C enum {@code enumName} in {@code btf}; {@code complete}: the C enum has no
     * other constants.
     */
    public static List<String> enumDifferences(Btf btf, String enumName, Map<String, Long> expected, boolean complete) {
        Optional<Map<String, Long>> found = btf.enumValues(enumName);
        if (found.isEmpty()) {
            return List.of("enum " + enumName + " is not in the object");
        }
        List<String> out = new ArrayList<>();
        expected.forEach((constant, value) -> {
            Long c = found.get().get(constant);
            if (!value.equals(c)) {
                out.add(constant + " is " + (c == null ? "missing" : c) + " in the object, " + value + " here");
            }
        });
        if (complete) {
            found.get().keySet().stream().filter(k -> !expected.containsKey(k))
                    .forEach(k -> out.add(enumName + " has " + k + " in the object, not here"));
        }
        return out;
    }

    /** Throws naming the differences, if any: the object and the classes must come from one build. */
    public static void require(String object, List<String> differences) {
        if (!differences.isEmpty()) {
            throw new IllegalStateException("The BPF object '" + object + "' does not match this library's layouts or hooks ("
                    + String.join("; ", differences.subList(0, Math.min(5, differences.size())))
                    + (differences.size() > 5 ? "; and " + (differences.size() - 5) + " more" : "")
                    + "): the object and the classes come from different builds; rebuild ebpf-socket.");
        }
    }
}
