package io.ebpfnet.core;

import io.ebpfnet.core.internal.ErrnoCalls;
import io.ebpfnet.core.internal.LibbpfLog;
import io.ebpfnet.core.internal.NativeLibraries;
import io.ebpfnet.core.internal.libbpf.LibbpfBindings;
import io.ebpfnet.core.internal.libbpf.btf_enum;
import io.ebpfnet.core.internal.libbpf.btf_member;
import io.ebpfnet.core.internal.libbpf.btf_type;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * BPF Type Format data: the kernel's ({@link #parse(Path)} of {@code /sys/kernel/btf/vmlinux}) or a
 * BPF object's ({@link #of(BpfObject)}). Used to check that functions and tracepoints exist and to
 * read struct layouts.
 */
public final class Btf implements AutoCloseable {
    /** BTF kinds (the BTF_KIND_* numbers are ABI). */
    public enum Kind {
        INT(1), PTR(2), ARRAY(3), STRUCT(4), UNION(5), ENUM(6), FWD(7), TYPEDEF(8), VOLATILE(9), CONST(10),
        RESTRICT(11), FUNC(12), FUNC_PROTO(13), VAR(14), DATASEC(15), FLOAT(16), DECL_TAG(17), TYPE_TAG(18), ENUM64(19);

        private final int id;

        Kind(int id) {
            this.id = id;
        }

        public int id() {
            return id;
        }
    }

    /** A struct member: name, offset in bytes and its type's size. */
    public record Member(String name, long byteOffset, long byteSize) {
    }

    /** A struct's size and members. */
    public record StructInfo(String name, long byteSize, List<Member> members) {
        /** The member called {@code name}. */
        public Optional<Member> member(String memberName) {
            return members.stream().filter(m -> m.name().equals(memberName)).findFirst();
        }
    }

    private final MemorySegment btf;
    private final boolean owned;
    private final BpfObject object;
    private boolean closed;

    private Btf(MemorySegment btf, boolean owned, BpfObject object) {
        this.btf = btf;
        this.owned = owned;
        this.object = object;
    }

    /** Parses a raw or ELF BTF file, e.g. {@code /sys/kernel/btf/vmlinux}. */
    public static Btf parse(Path path) {
        NativeLibraries.ensureAvailable();
        try (Arena arena = Arena.ofConfined(); LibbpfLog.Capture log = LibbpfLog.capture()) {
            MemorySegment errno = ErrnoCalls.allocateErrno(arena);
            MemorySegment btf = ErrnoCalls.btfParse(errno, arena.allocateFrom(path.toString()));
            if (btf.equals(MemorySegment.NULL)) {
                int e = ErrnoCalls.errno(errno);
                throw new BpfException("parse BTF " + path, e, e == Errno.ENOENT.code()
                        ? "the file does not exist; this kernel was built without CONFIG_DEBUG_INFO_BTF"
                        : "libbpf cannot parse it" + (log.log().isBlank() ? "" : ": " + log.log().strip()));
            }
            return new Btf(btf, true, null);
        }
    }

    /** The BTF of an opened object; owned by the object (closing this view frees nothing). */
    public static Btf of(BpfObject object) {
        object.checkOpen();
        MemorySegment btf = LibbpfBindings.bpf_object__btf(object.nativeObject());
        if (btf.equals(MemorySegment.NULL)) {
            throw new BpfException("read BTF of BPF object '" + object.name() + "'", 0,
                    "the object has no BTF; compile it with clang -g");
        }
        return new Btf(btf, false, object);
    }

    /** The id of the type called {@code name} of {@code kind}, if there is one. */
    public Optional<Integer> find(String name, Kind kind) {
        checkOpen();
        try (Arena arena = Arena.ofConfined()) {
            int id = LibbpfBindings.btf__find_by_name_kind(btf, arena.allocateFrom(name), kind.id());
            return id > 0 ? Optional.of(id) : Optional.empty();
        }
    }

    /** Whether the kernel BTF has a function called {@code name} (a trampoline or kprobe target). */
    public boolean hasFunction(String name) {
        return find(name, Kind.FUNC).isPresent();
    }

    /** Whether a raw tracepoint called {@code name} exists (its {@code btf_trace_<name>} typedef). */
    public boolean hasRawTracepoint(String name) {
        return find("btf_trace_" + name, Kind.TYPEDEF).isPresent();
    }

    /**
     * The number of arguments raw tracepoint {@code name} passes to a program (its {@code btf_trace_<name>}
     * typedef is a pointer to a function whose first parameter is the context, not passed on), if it exists.
     * Tracepoints gain arguments across kernel versions.
     */
    public Optional<Integer> rawTracepointArguments(String name) {
        return find("btf_trace_" + name, Kind.TYPEDEF).map(id -> {
            MemorySegment typedef = type(id);
            MemorySegment pointer = type(btf_type.type(typedef));
            MemorySegment proto = type(btf_type.type(pointer));
            return (btf_type.info(proto) & 0xffff) - 1;
        });
    }

    /** The number of parameters of kernel function {@code name}, if the BTF has it (signatures change across versions). */
    public Optional<Integer> functionParameters(String name) {
        return find(name, Kind.FUNC).map(id -> btf_type.info(type(btf_type.type(type(id)))) & 0xffff);
    }

    private MemorySegment type(int id) {
        return LibbpfBindings.btf__type_by_id(btf, id).reinterpret(btf_type.sizeof());
    }

    /** The layout of {@code struct name}. */
    public Optional<StructInfo> struct(String name) {
        return find(name, Kind.STRUCT).map(id -> structInfo(name, id));
    }

    /** The constants of {@code enum name}, in declaration order. */
    public Optional<Map<String, Long>> enumValues(String name) {
        return find(name, Kind.ENUM).map(id -> {
            int vlen = btf_type.info(LibbpfBindings.btf__type_by_id(btf, id).reinterpret(btf_type.sizeof())) & 0xffff;
            // The btf_enum entries follow the btf_type header (btf_enum() is a static inline).
            MemorySegment values = LibbpfBindings.btf__type_by_id(btf, id)
                    .reinterpret(btf_type.sizeof() + vlen * btf_enum.sizeof())
                    .asSlice(btf_type.sizeof());
            Map<String, Long> result = new LinkedHashMap<>();
            for (int i = 0; i < vlen; i++) {
                MemorySegment e = values.asSlice(i * btf_enum.sizeof(), btf_enum.sizeof());
                result.put(BpfObject.cString(LibbpfBindings.btf__name_by_offset(btf, btf_enum.name_off(e))),
                        (long) btf_enum.val(e));
            }
            return result;
        });
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            if (owned) {
                LibbpfBindings.btf__free(btf);
            }
        }
    }

    private StructInfo structInfo(String name, int id) {
        MemorySegment type = LibbpfBindings.btf__type_by_id(btf, id).reinterpret(btf_type.sizeof());
        int info = btf_type.info(type);
        int vlen = info & 0xffff;
        boolean kindFlag = (info >>> 31) != 0;
        long size = Integer.toUnsignedLong(btf_type.size(type));
        // Members follow the btf_type header (btf_members() is a static inline jextract cannot bind).
        MemorySegment members = LibbpfBindings.btf__type_by_id(btf, id)
                .reinterpret(btf_type.sizeof() + vlen * btf_member.sizeof())
                .asSlice(btf_type.sizeof());
        List<Member> list = new ArrayList<>(vlen);
        for (int i = 0; i < vlen; i++) {
            MemorySegment m = members.asSlice(i * btf_member.sizeof(), btf_member.sizeof());
            String memberName = BpfObject.cString(LibbpfBindings.btf__name_by_offset(btf, btf_member.name_off(m)));
            int offset = btf_member.offset(m);
            long bitOffset = kindFlag ? (offset & 0xffffff) : Integer.toUnsignedLong(offset);
            long memberSize = LibbpfBindings.btf__resolve_size(btf, btf_member.type(m));
            list.add(new Member(memberName, bitOffset / 8, memberSize));
        }
        return new StructInfo(name, size, List.copyOf(list));
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("BTF is closed");
        }
        if (object != null) {
            object.checkOpen();
        }
    }
}
