package io.ebpfnet.core;

import io.ebpfnet.core.internal.ErrnoCalls;
import io.ebpfnet.core.internal.Libc;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;

/**
 * The consumer side of a {@code BPF_MAP_TYPE_RINGBUF} map, read in place through its memory mapping
 * (Linux 5.8+): the same protocol as libbpf's {@code ring_buffer__consume}, with no upcall and no
 * allocation per record. Made by {@link BpfMap#ringBuffer()}; close it to unmap. Not thread-safe.
 */
public final class BpfRingBuffer implements AutoCloseable {
    /** Receives one record: {@code length} bytes at {@code offset} in {@code data}, valid during the call. */
    @FunctionalInterface
    public interface RecordSink {
        void accept(MemorySegment data, long offset, int length);
    }

    private static final int HEADER = 8;
    private static final int BUSY = 1 << 31;
    private static final int DISCARD = 1 << 30;
    private static final VarHandle LONG = ValueLayout.JAVA_LONG.varHandle();
    private static final VarHandle INT = ValueLayout.JAVA_INT.varHandle();

    private final String name;
    private final MemorySegment consumer;
    private final MemorySegment producer;
    private final MemorySegment data;
    private final long mask;
    private boolean closed;

    BpfRingBuffer(BpfMap map) {
        if (map.type() != MapType.RINGBUF) {
            throw new IllegalArgumentException("map '" + map.name() + "' is a " + map.type() + ", not a ring buffer");
        }
        this.name = map.name();
        long size = map.maxEntries();
        int page = Libc.pageSize();
        try (Arena call = Arena.ofConfined()) {
            MemorySegment errno = ErrnoCalls.allocateErrno(call);
            consumer = Libc.mmapShared(map.fd(), page, Libc.PROT_READ | Libc.PROT_WRITE, 0, errno);
            if (consumer.equals(MemorySegment.NULL)) {
                throw BpfErrors.map("mmap the consumer page", name, ErrnoCalls.errno(errno));
            }
            // The producer page, then the data pages mapped twice, so a record that wraps is contiguous.
            MemorySegment rest = Libc.mmapShared(map.fd(), page + 2 * size, Libc.PROT_READ, page, errno);
            if (rest.equals(MemorySegment.NULL)) {
                int e = ErrnoCalls.errno(errno);
                Libc.munmap(consumer);
                throw BpfErrors.map("mmap the data pages", name, e);
            }
            producer = rest;
            data = rest.asSlice(page);
        }
        mask = size - 1;
    }

    /** Passes every record written since the last call to {@code sink}, oldest first; returns their number. */
    public int consume(RecordSink sink) {
        if (closed) {
            throw new IllegalStateException("ring buffer '" + name + "' is closed");
        }
        int records = 0;
        long consumed = (long) LONG.getAcquire(consumer, 0L);
        while (true) {
            boolean progress = false;
            long produced = (long) LONG.getAcquire(producer, 0L);
            while (consumed < produced) {
                long at = consumed & mask;
                int length = (int) INT.getAcquire(data, at);
                if ((length & BUSY) != 0) {
                    return records; // a producer is still writing it: the next call gets it
                }
                progress = true;
                int bytes = length & ~(BUSY | DISCARD);
                consumed += (bytes + HEADER + 7) & ~7L;
                if ((length & DISCARD) == 0) {
                    sink.accept(data, at + HEADER, bytes);
                    records++;
                }
                LONG.setRelease(consumer, 0L, consumed);
            }
            if (!progress) {
                return records;
            }
        }
    }

    /** Unmaps the buffer; closing twice does nothing. */
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            Libc.munmap(consumer);
            Libc.munmap(producer);
        }
    }
}
