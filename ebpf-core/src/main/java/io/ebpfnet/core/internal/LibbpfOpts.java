package io.ebpfnet.core.internal;

import java.lang.foreign.GroupLayout;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SegmentAllocator;
import java.lang.foreign.ValueLayout;

/**
 * The Java side of libbpf's {@code LIBBPF_OPTS(type, name, ...)} macro: a zeroed options struct whose
 * first field {@code sz} holds the struct's size.
 *
 * <p>Why hand-written: {@code LIBBPF_OPTS} is a function-like macro, which jextract cannot translate.
 * libbpf uses {@code sz} for compatibility in both directions: it ignores fields beyond a smaller
 * {@code sz} and refuses non-zero bytes beyond its own size, so the struct must be zeroed.
 */
public final class LibbpfOpts {
    private LibbpfOpts() {
    }

    /** A zeroed {@code layout}-sized struct with {@code sz} set; libbpf reads only what {@code sz} covers. */
    public static MemorySegment allocate(SegmentAllocator allocator, GroupLayout layout) {
        MemoryLayout first = layout.memberLayouts().getFirst();
        if (!"sz".equals(first.name().orElse("")) || first.byteSize() != Long.BYTES) {
            throw new IllegalArgumentException(layout + " is not a libbpf options struct (no leading size_t sz)");
        }
        MemorySegment opts = allocator.allocate(layout);
        opts.fill((byte) 0);
        opts.set(ValueLayout.JAVA_LONG, 0, layout.byteSize());
        return opts;
    }
}
