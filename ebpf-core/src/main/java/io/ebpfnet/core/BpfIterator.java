package io.ebpfnet.core;

import io.ebpfnet.core.internal.ErrnoCalls;
import io.ebpfnet.core.internal.Libc;
import io.ebpfnet.core.internal.libbpf.LibbpfBindings;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * A BPF iterator program attached to one map ({@code iter/bpf_map_elem}, {@code iter/bpf_sk_storage_map}):
 * each {@link #read} runs the program over every element of the map, in the kernel, and hands over
 * what it wrote with {@code bpf_seq_write}, as fixed-size records. Made by
 * {@link BpfProgram#attachIterator(BpfMap)}; closing it (or the object) detaches it.
 *
 * <p>Reads reuse one buffer: nothing is allocated per record. Not thread-safe.
 */
public final class BpfIterator implements AutoCloseable {
    /** Receives whole records: {@code count} of them from {@code offset} 0 of {@code records}, valid during the call. */
    @FunctionalInterface
    public interface RecordSink {
        void accept(MemorySegment records, int count);
    }

    private static final long BUFFER_BYTES = 64 * 1024;

    private final BpfLink link;
    private final String programName;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment buffer;
    private final MemorySegment errno;
    private long bytesRead;

    BpfIterator(BpfLink link, String programName) {
        this.link = link;
        this.programName = programName;
        this.buffer = arena.allocate(BUFFER_BYTES, 8);
        this.errno = ErrnoCalls.allocateErrno(arena);
    }

    /** Bytes copied from the kernel by the last {@link #read}. */
    public long lastReadBytes() {
        return bytesRead;
    }

    /**
     * Runs the iterator once over the whole map and passes every record it wrote, {@code recordSize}
     * bytes each, to {@code sink}, in chunks. Returns the number of records.
     *
     * @throws BpfException with the errno when the kernel refuses to create or read the iterator
     */
    public synchronized int read(long recordSize, RecordSink sink) {
        if (recordSize <= 0 || recordSize > BUFFER_BYTES) {
            throw new IllegalArgumentException("record size must be between 1 and " + BUFFER_BYTES + ", not " + recordSize);
        }
        if (!link.isOpen()) {
            throw new IllegalStateException("iterator '" + programName + "' is closed");
        }
        int fd = LibbpfBindings.bpf_iter_create(link.fd());
        if (fd < 0) {
            throw BpfErrors.iterator(programName, "create", -fd);
        }
        bytesRead = 0;
        int records = 0;
        long held = 0; // bytes of an incomplete record kept at the start of the buffer
        try {
            while (true) {
                long n = Libc.read(fd, buffer.asSlice(held), BUFFER_BYTES - held, errno);
                if (n < 0) {
                    throw BpfErrors.iterator(programName, "read", (int) -n);
                }
                if (n == 0) {
                    break;
                }
                bytesRead += n;
                long available = held + n;
                int whole = (int) (available / recordSize);
                if (whole > 0) {
                    sink.accept(buffer, whole);
                    records += whole;
                }
                held = available - whole * recordSize;
                if (held > 0) {
                    MemorySegment.copy(buffer, whole * recordSize, buffer, 0, held);
                }
            }
        } finally {
            Libc.close(fd);
        }
        if (held != 0) {
            throw new IllegalStateException("iterator '" + programName + "' wrote " + bytesRead
                    + " bytes, not a whole number of " + recordSize + "-byte records");
        }
        return records;
    }

    /** Detaches the iterator; closing twice does nothing. */
    @Override
    public synchronized void close() {
        if (link.isOpen()) {
            link.close();
        }
        if (arena.scope().isAlive()) {
            arena.close();
        }
    }

    @Override
    public String toString() {
        return "BpfIterator[" + link.description() + "]";
    }
}
