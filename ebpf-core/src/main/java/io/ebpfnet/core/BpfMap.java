package io.ebpfnet.core;

import io.ebpfnet.core.internal.libbpf.LibbpfBindings;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * One map of a {@link BpfObject}: a view owned by the object, which stops working when the object is
 * closed. Keys and values are passed as caller-owned {@link MemorySegment}s, so no operation here
 * allocates.
 *
 * <p>Per-CPU maps ({@link MapType#isPerCpu()}) hold, for each entry, one value per possible CPU, each
 * padded to 8 bytes: a value buffer must have {@link #valueBufferSize()} bytes, and CPU {@code c}'s
 * value starts at {@code c * }{@link #valueStride()}.
 */
public final class BpfMap {
    private final BpfObject owner;
    private final MemorySegment map;
    private final String name;
    private int fd = -1;

    BpfMap(BpfObject owner, MemorySegment map) {
        this.owner = owner;
        this.map = map;
        this.name = BpfObject.cString(LibbpfBindings.bpf_map__name(map));
    }

    /** The map's name in the object. */
    public String name() {
        return name;
    }

    /** Its type (as set, before load; as created, after). */
    public MapType type() {
        owner.checkOpen();
        return MapType.of(LibbpfBindings.bpf_map__type(map));
    }

    /** Whether entries hold one value per possible CPU. */
    public boolean isPerCpu() {
        return type().isPerCpu();
    }

    public int keySize() {
        owner.checkOpen();
        return LibbpfBindings.bpf_map__key_size(map);
    }

    /** The size of one value as the BPF program sees it (one CPU's value for per-CPU maps). */
    public int valueSize() {
        owner.checkOpen();
        return LibbpfBindings.bpf_map__value_size(map);
    }

    public int maxEntries() {
        owner.checkOpen();
        return LibbpfBindings.bpf_map__max_entries(map);
    }

    /** Bytes between two CPUs' values of one per-CPU entry (the value size rounded up to 8). */
    public long valueStride() {
        return isPerCpu() ? PossibleCpus.roundUp8(valueSize()) : valueSize();
    }

    /** Bytes a lookup writes for one entry: {@code valueStride() * possible CPUs} for per-CPU maps. */
    public long valueBufferSize() {
        return isPerCpu() ? valueStride() * PossibleCpus.count() : valueSize();
    }

    /** Sets the number of entries the kernel will allow; only before load. */
    public BpfMap setMaxEntries(int maxEntries) {
        owner.checkNotLoaded("resizing map '" + name + "'");
        if (maxEntries <= 0) {
            throw new IllegalArgumentException("map '" + name + "' needs at least one entry, not " + maxEntries);
        }
        check(LibbpfBindings.bpf_map__set_max_entries(map, maxEntries), "set max entries");
        return this;
    }

    /** Changes the map's type (e.g. HASH to PERCPU_HASH); only before load. */
    public BpfMap setType(MapType type) {
        owner.checkNotLoaded("changing the type of map '" + name + "'");
        check(LibbpfBindings.bpf_map__set_type(map, type.id()), "set type");
        return this;
    }

    /** The map's creation flags (BPF_F_*). */
    public int flags() {
        owner.checkOpen();
        return LibbpfBindings.bpf_map__map_flags(map);
    }

    /** Sets the map's creation flags (e.g. {@link #NO_PREALLOC}); only before load. */
    public BpfMap setFlags(int flags) {
        owner.checkNotLoaded("changing the flags of map '" + name + "'");
        check(LibbpfBindings.bpf_map__set_map_flags(map, flags), "set flags");
        return this;
    }

    /**
     * The size of a global-data map's initial contents ({@code .rodata}, {@code .data}, {@code .bss}):
     * the program's global variables, laid out as in the object's BTF data section.
     */
    public long initialValueSize() {
        owner.checkNotLoaded("reading the initial value of map '" + name + "'");
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment size = arena.allocate(ValueLayout.JAVA_LONG);
            initialValue(size);
            return size.get(ValueLayout.JAVA_LONG, 0);
        }
    }

    /**
     * Writes {@code bytes} at {@code offset} into a global-data map's initial contents; only before load.
     * This is how a program's {@code const volatile} settings are set: a read-only map is frozen at load,
     * so the verifier knows their values and drops the code they turn off.
     */
    public BpfMap setInitialValue(long offset, MemorySegment bytes) {
        owner.checkNotLoaded("setting the initial value of map '" + name + "'");
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment size = arena.allocate(ValueLayout.JAVA_LONG);
            MemorySegment data = initialValue(size).reinterpret(size.get(ValueLayout.JAVA_LONG, 0));
            MemorySegment.copy(bytes, 0, data, offset, bytes.byteSize()); // bounds-checked against the map's size
        }
        return this;
    }

    private MemorySegment initialValue(MemorySegment size) {
        MemorySegment data = LibbpfBindings.bpf_map__initial_value(map, size);
        if (data.equals(MemorySegment.NULL)) {
            throw new IllegalArgumentException("map '" + name + "' has no initial value: only global-data maps"
                    + " (.rodata, .data, .bss) have one");
        }
        return data;
    }

    /** BPF_F_NO_PREALLOC: hash entries are allocated on insert instead of all at creation. */
    public static final int NO_PREALLOC = 1;

    /** The map's file descriptor; owned by the object. */
    /* The descriptor of the map as created, before the object counts as loaded (ParallelLoad). */
    int createdFd() {
        return LibbpfBindings.bpf_map__fd(map);
    }

    public int fd() {
        if (fd < 0) {
            owner.checkLoaded();
            fd = LibbpfBindings.bpf_map__fd(map);
        }
        return fd;
    }

    /** Reads {@code key}'s value into {@code value}; false when there is no such key. */
    public boolean lookup(MemorySegment key, MemorySegment value) {
        requireKey(key);
        requireValue(value);
        int rc = LibbpfBindings.bpf_map_lookup_elem(fd(), key, value);
        return found(rc, "look up");
    }

    /** Writes {@code value} under {@code key}. */
    public void update(MemorySegment key, MemorySegment value, UpdateFlag flag) {
        requireKey(key);
        requireValue(value);
        check(LibbpfBindings.bpf_map_update_elem(fd(), key, value, flag.value()), "update");
    }

    /** Deletes {@code key}; false when it was not there. */
    public boolean delete(MemorySegment key) {
        requireKey(key);
        return found(LibbpfBindings.bpf_map_delete_elem(fd(), key), "delete");
    }

    /**
     * Writes the key after {@code key} (or the first key, when {@code key} is null) into {@code next};
     * false at the end.
     */
    public boolean nextKey(MemorySegment key, MemorySegment next) {
        if (key != null) {
            requireKey(key);
        }
        requireKey(next);
        int rc = LibbpfBindings.bpf_map_get_next_key(fd(), key == null ? MemorySegment.NULL : key, next);
        return found(rc, "get next key");
    }

    /** A reader of the whole map, in chunks of up to {@code batchEntries}; see {@link MapReader}. */
    public MapReader reader(int batchEntries) {
        return reader(batchEntries, MapReader.Method.AUTO);
    }

    /** A reader with an explicit method (benchmarks compare them). */
    public MapReader reader(int batchEntries, MapReader.Method method) {
        owner.checkLoaded();
        return new MapReader(this, batchEntries, method);
    }

    /** The consumer side of this ring buffer map, mapped into memory; see {@link BpfRingBuffer}. */
    public BpfRingBuffer ringBuffer() {
        owner.checkLoaded();
        return new BpfRingBuffer(this);
    }

    /** Flags for {@link #update}. */
    public enum UpdateFlag {
        /** Create or replace. */
        ANY(0),
        /** Only create; fails if the key exists. */
        NO_EXIST(1),
        /** Only replace; fails if the key is missing. */
        EXIST(2);

        private final long value;

        UpdateFlag(long value) {
            this.value = value;
        }

        long value() {
            return value;
        }
    }

    @Override
    public String toString() {
        return "BpfMap[" + name + "]";
    }

    BpfObject owner() {
        return owner;
    }

    private boolean found(int rc, String operation) {
        if (rc == 0) {
            return true;
        }
        if (rc == -Errno.ENOENT.code()) {
            return false;
        }
        throw BpfErrors.map(operation, name, -rc);
    }

    private void check(int rc, String operation) {
        if (rc < 0) {
            throw BpfErrors.map(operation, name, -rc);
        }
    }

    private void requireKey(MemorySegment key) {
        if (key.byteSize() < keySize()) {
            throw new IllegalArgumentException("key for map '" + name + "' needs " + keySize() + " bytes, got " + key.byteSize());
        }
    }

    private void requireValue(MemorySegment value) {
        // The kernel writes valueBufferSize() bytes: a smaller segment would be overrun.
        if (value.byteSize() < valueBufferSize()) {
            throw new IllegalArgumentException("value for map '" + name + "' needs " + valueBufferSize()
                    + " bytes (per-CPU maps: value size rounded to 8 × possible CPUs), got " + value.byteSize());
        }
    }
}
