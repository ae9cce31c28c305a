package io.ebpfnet.core;

import io.ebpfnet.core.internal.LibbpfOpts;
import io.ebpfnet.core.internal.libbpf.LibbpfBindings;
import io.ebpfnet.core.internal.libbpf.bpf_map_batch_opts;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Reads a whole map, chunk by chunk, into buffers it owns and reuses: {@code keys} holds
 * {@link #keySize()} bytes per entry and {@code values} {@link #valueBufferSize()} bytes per entry,
 * laid out exactly as the kernel writes them (per-CPU values included). Nothing is allocated per
 * entry or per read.
 *
 * <p>{@link Method#BATCH} uses {@code bpf_map_lookup_batch} (Linux 5.6+): ENOENT ends the walk with
 * that call's results still valid, and ENOSPC (a hash bucket larger than the batch) doubles the batch
 * and retries. {@link Method#PER_KEY} walks with {@code get_next_key} and one lookup per key, for
 * kernels without batch operations. {@link Method#AUTO} starts with batches and switches for good to
 * per-key reads if the kernel refuses them.
 *
 * <p>A reader is not thread-safe; use one per reading thread. Close it to free its buffers.
 */
public final class MapReader implements AutoCloseable {
    /** How entries are fetched. */
    public enum Method { AUTO, BATCH, PER_KEY }

    /**
     * Receives one chunk: entries {@code 0..count-1} at {@code i * keySize()} in {@code keys} and
     * {@code i * valueBufferSize()} in {@code values}. The segments are valid only during the call.
     */
    @FunctionalInterface
    public interface ChunkConsumer {
        void accept(MemorySegment keys, MemorySegment values, int count);
    }

    private final BpfMap map;
    private final Arena arena = Arena.ofShared();
    private final int keySize;
    private final long valueBufferSize;
    private final MemorySegment cursor;
    private final MemorySegment count;
    private final MemorySegment opts;
    private final MemorySegment scratchKey;
    private final MemorySegment scratchPrevKey;
    private final MemorySegment scratchValue;
    private Method method;
    private int capacity;
    private MemorySegment keys;
    private MemorySegment values;

    MapReader(BpfMap map, int batchEntries, Method method) {
        if (batchEntries <= 0) {
            throw new IllegalArgumentException("batch size must be positive, not " + batchEntries);
        }
        this.map = map;
        this.method = method;
        this.keySize = map.keySize();
        this.valueBufferSize = map.valueBufferSize();
        // Hash maps use a u32 bucket index as the batch cursor, arrays a key: room for either.
        this.cursor = arena.allocate(Math.max(keySize, 8), 8);
        this.count = arena.allocate(ValueLayout.JAVA_INT);
        this.opts = LibbpfOpts.allocate(arena, bpf_map_batch_opts.layout());
        this.scratchKey = arena.allocate(keySize, 8);
        this.scratchPrevKey = arena.allocate(keySize, 8);
        this.scratchValue = arena.allocate(valueBufferSize, 8);
        allocateBuffers(batchEntries);
    }

    /** Bytes per key in the chunk buffers. */
    public int keySize() {
        return keySize;
    }

    /** Bytes per entry in the value buffers (all CPUs' values for per-CPU maps). */
    public long valueBufferSize() {
        return valueBufferSize;
    }

    /** The current chunk capacity in entries (it grows if a hash bucket needs more). */
    public int capacity() {
        return capacity;
    }

    /** The method in use: {@link Method#AUTO} resolves to BATCH or PER_KEY on the first read. */
    public Method method() {
        return method;
    }

    /** Reads every entry, handing each chunk to {@code consumer}; returns the number of entries. */
    public int read(ChunkConsumer consumer) {
        map.owner().checkLoaded();
        if (method == Method.PER_KEY) {
            return readPerKey(consumer);
        }
        int total = 0;
        boolean first = true;
        while (true) {
            count.set(ValueLayout.JAVA_INT, 0, capacity);
            int rc = LibbpfBindings.bpf_map_lookup_batch(map.fd(), first ? MemorySegment.NULL : cursor, cursor,
                    keys, values, count, opts);
            int n = count.get(ValueLayout.JAVA_INT, 0);
            if (rc == 0 || rc == -Errno.ENOENT.code()) {
                if (method == Method.AUTO) {
                    method = Method.BATCH;
                }
                if (n > 0) {
                    consumer.accept(keys, values, n);
                    total += n;
                }
                if (rc != 0) {
                    return total;
                }
                first = false;
            } else if (rc == -Errno.ENOSPC.code() && n == 0) {
                allocateBuffers(capacity * 2);
            } else if (method == Method.AUTO && first && batchUnsupported(-rc)) {
                method = Method.PER_KEY;
                return readPerKey(consumer);
            } else {
                throw BpfErrors.map("batch lookup", map.name(), -rc);
            }
        }
    }

    /** Frees the buffers. */
    @Override
    public void close() {
        arena.close();
    }

    private int readPerKey(ChunkConsumer consumer) {
        int fd = map.fd();
        int total = 0;
        int n = 0;
        boolean havePrev = false;
        // A key deleted under us restarts get_next_key from the beginning: bound the walk.
        long steps = (long) map.maxEntries() + 1;
        while (steps-- > 0) {
            int rc = LibbpfBindings.bpf_map_get_next_key(fd, havePrev ? scratchPrevKey : MemorySegment.NULL, scratchKey);
            if (rc == -Errno.ENOENT.code()) {
                break;
            }
            if (rc < 0) {
                throw BpfErrors.map("get next key", map.name(), -rc);
            }
            rc = LibbpfBindings.bpf_map_lookup_elem(fd, scratchKey, scratchValue);
            MemorySegment.copy(scratchKey, 0, scratchPrevKey, 0, keySize);
            havePrev = true;
            if (rc == -Errno.ENOENT.code()) {
                continue; // deleted between the two calls
            }
            if (rc < 0) {
                throw BpfErrors.map("look up", map.name(), -rc);
            }
            MemorySegment.copy(scratchKey, 0, keys, (long) n * keySize, keySize);
            MemorySegment.copy(scratchValue, 0, values, n * valueBufferSize, valueBufferSize);
            if (++n == capacity) {
                consumer.accept(keys, values, n);
                total += n;
                n = 0;
            }
        }
        if (n > 0) {
            consumer.accept(keys, values, n);
            total += n;
        }
        return total;
    }

    private void allocateBuffers(int entries) {
        capacity = entries;
        keys = arena.allocate((long) entries * keySize, 8);
        values = arena.allocate(entries * valueBufferSize, 8);
    }

    private static boolean batchUnsupported(int errno) {
        return errno == Errno.EINVAL.code() || errno == Errno.EOPNOTSUPP.code() || errno == Errno.ENOTSUPP.code();
    }
}
