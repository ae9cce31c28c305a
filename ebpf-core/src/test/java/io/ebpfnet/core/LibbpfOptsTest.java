package io.ebpfnet.core;

import io.ebpfnet.core.internal.LibbpfOpts;
import io.ebpfnet.core.internal.libbpf.bpf_map_batch_opts;
import io.ebpfnet.core.internal.libbpf.bpf_object_open_opts;
import io.ebpfnet.core.internal.libbpf.btf_type;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The LIBBPF_OPTS equivalent: sz set to the struct's size, everything else zero. */
class LibbpfOptsTest {
    @Test
    void szIsTheStructSizeAndTheRestIsZero() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment opts = LibbpfOpts.allocate(arena, bpf_object_open_opts.layout());
            assertEquals(bpf_object_open_opts.sizeof(), bpf_object_open_opts.sz(opts));
            for (long i = 8; i < opts.byteSize(); i++) {
                assertEquals(0, opts.get(java.lang.foreign.ValueLayout.JAVA_BYTE, i), "byte " + i);
            }
            MemorySegment batch = LibbpfOpts.allocate(arena, bpf_map_batch_opts.layout());
            assertEquals(24, bpf_map_batch_opts.sz(batch));
        }
    }

    @Test
    void structsWithoutLeadingSzAreRefused() {
        try (Arena arena = Arena.ofConfined()) {
            assertThrows(IllegalArgumentException.class, () -> LibbpfOpts.allocate(arena, btf_type.layout()));
        }
    }
}
