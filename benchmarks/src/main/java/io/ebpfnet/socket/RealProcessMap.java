package io.ebpfnet.socket;

import io.ebpfnet.core.BpfException;
import io.ebpfnet.core.BpfIterator;
import io.ebpfnet.core.BpfMap;
import io.ebpfnet.core.BpfObject;
import io.ebpfnet.core.BpfProgram;
import io.ebpfnet.core.KernelDetection;
import io.ebpfnet.core.detect.FeatureProbe;
import io.ebpfnet.core.PossibleCpus;
import io.ebpfnet.socket.internal.ProcessMapReader;
import io.ebpfnet.socket.internal.SocketLayouts;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The collector's real per-CPU {@code processes} map, from {@code socket.bpf.o}, with only its
 * {@code read_processes} iterator loaded (settings: value_copies = possible CPUs, the rest off) and
 * attached (on a kernel that refuses map iterators, none: {@link #read} then reads as the collector then
 * does, with {@link ProcessMapReader}), filled from user space: {@code entries} processes, every CPU's copy set. {@code changed}
 * of them (spread over the key space) were last seen at {@link #RECENT_NS}, the others at
 * {@link #OLD_NS} (on every CPU's copy, CPU 0's being the latest, so the kernel's max matters).
 * Needs root (CAP_BPF). {@code benchmarks/c/map_read_reference.c} builds the same map.
 */
final class RealProcessMap implements AutoCloseable {
    static final String OBJECT = "/io/ebpfnet/socket/bpf/socket.bpf.o";
    static final String ITERATOR = "read_processes";
    static final long OLD_NS = 1_000_000_000L;
    static final long RECENT_NS = 5_000_000_000L;
    /** changed_since_ns of a changed-only read: between the two. */
    static final long CHANGED_SINCE_NS = 3_000_000_000L;
    private static final long STATS_SIZE = SocketLayouts.PROCESS_STATS.byteSize();
    private static final long COUNTERS_END = SocketLayouts.offset(SocketLayouts.PROCESS_STATS, "first_seen_ns");

    final int entries;
    final int changed;
    final int cpus = PossibleCpus.count();
    final BpfObject object;
    final BpfMap processes;
    /** Null where the kernel refuses map iterators. */
    private final BpfIterator iterator;
    private final ProcessMapReader userRead;
    private long changedSince;
    private long lastReadBytes;
    private int rows;
    private BpfIterator.RecordSink sink;
    private final BpfIterator.RecordSink counting = (records, count) -> {
        rows += count;
        sink.accept(records, count);
    };
    private final BpfMap reader;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment zeroKey;
    private final MemorySegment readerState;
    private int enomemRetries;

    RealProcessMap(int entries, int changed) {
        if (changed > entries) {
            throw new IllegalArgumentException("changed (" + changed + ") > entries (" + entries + ")");
        }
        this.entries = entries;
        this.changed = changed;
        boolean iterators = KernelDetection.probe(FeatureProbe.MAP_ITERATOR).allowed();
        object = BpfObject.open(ProcessTableBuilder.class.getResourceAsStream(OBJECT), "socket_bench");
        try {
            for (BpfProgram p : object.programs()) {
                p.setAutoload(iterators && p.name().equals(ITERATOR)); // the maps and the one iterator
            }
            processes = object.map("processes");
            processes.setMaxEntries(entries);
            if (allocatesOnInsert()) {
                processes.setFlags(processes.flags() | BpfMap.NO_PREALLOC); // as SocketCollector.configure()
            }
            writeSettings();
            reader = globalData(".bss", SocketLayouts.READER_STATE.byteSize());
            object.load();
            zeroKey = arena.allocate(Math.max(8, reader.keySize()), 8);
            readerState = arena.allocate(SocketLayouts.READER_STATE);
            fill();
            iterator = iterators ? object.program(ITERATOR).attachIterator(processes) : null;
            userRead = iterators ? null : new ProcessMapReader(processes, cpus);
        } catch (RuntimeException | Error e) {
            object.close();
            throw e;
        }
    }

    /** Whether reads run the kernel's iterator (false: the kernel refuses map iterators). */
    boolean iterates() {
        return iterator != null;
    }

    /**
     * One read of the rows seen since the last {@link #writeChangedSince} (and the exited ones), handed to
     * {@code to} as {@code struct process_row} records, the way the collector reads on this kernel; returns
     * the rows.
     */
    int read(BpfIterator.RecordSink to) {
        if (iterator != null) {
            int n = iterator.read(ProcessTableBuilder.RECORD_SIZE, to);
            lastReadBytes = iterator.lastReadBytes();
            return n;
        }
        rows = 0;
        sink = to;
        lastReadBytes = userRead.read(changedSince, counting);
        return rows;
    }

    /** Bytes the last {@link #read} copied from the kernel. */
    long lastReadBytes() {
        return lastReadBytes;
    }

    /** Whether process {@code n} is one of the {@code changed} recently seen. */
    boolean recent(int n) {
        int step = entries / changed;
        return n % step == 0 && n / step < changed;
    }

    /** Writes the programs' .bss ({@code struct reader_state}) as the collector does before each read. */
    void writeChangedSince(long changedSinceNanos) {
        changedSince = changedSinceNanos;
        readerState.fill((byte) 0);
        readerState.set(ValueLayout.JAVA_LONG, SocketLayouts.offset(SocketLayouts.READER_STATE, "clock_ns"), RECENT_NS + 1);
        readerState.set(ValueLayout.JAVA_LONG, SocketLayouts.offset(SocketLayouts.READER_STATE, "changed_since_ns"), changedSinceNanos);
        reader.update(zeroKey.asSlice(0, reader.keySize()), readerState, BpfMap.UpdateFlag.ANY);
    }

    @Override
    public void close() {
        if (userRead != null) {
            userRead.close();
        }
        object.close();
        arena.close();
    }

    /* struct socket_settings in .rodata: sum every possible CPU's copy; no connections, per-CPU maps. */
    private void writeSettings() {
        BpfMap rodata = globalData(".rodata", SocketLayouts.SOCKET_SETTINGS.byteSize());
        try (Arena a = Arena.ofConfined()) {
            MemorySegment value = a.allocate(SocketLayouts.SOCKET_SETTINGS);
            value.set(ValueLayout.JAVA_INT, SocketLayouts.offset(SocketLayouts.SOCKET_SETTINGS, "connections"), 0);
            value.set(ValueLayout.JAVA_INT, SocketLayouts.offset(SocketLayouts.SOCKET_SETTINGS, "shared_maps"), 0);
            value.set(ValueLayout.JAVA_INT, SocketLayouts.offset(SocketLayouts.SOCKET_SETTINGS, "value_copies"), cpus);
            rodata.setInitialValue(0, value);
        }
    }

    private BpfMap globalData(String section, long size) {
        BpfMap map = object.maps().stream().filter(m -> m.name().endsWith(section)).findFirst()
                .orElseThrow(() -> new IllegalStateException(OBJECT + " has no " + section + " map"));
        if (map.initialValueSize() != size) {
            throw new IllegalStateException("the " + section + " of " + OBJECT + " holds " + map.initialValueSize()
                    + " bytes, not " + size);
        }
        return map;
    }

    /* One update per process: value_stride x possible CPUs bytes, every CPU's copy set. */
    private void fill() {
        long stride = processes.valueStride();
        if (stride != PossibleCpus.roundUp8(STATS_SIZE) || processes.valueBufferSize() != stride * cpus) {
            throw new IllegalStateException("processes: value stride " + stride + ", buffer " + processes.valueBufferSize());
        }
        long first = SocketLayouts.offset(SocketLayouts.PROCESS_STATS, "first_seen_ns");
        long last = SocketLayouts.offset(SocketLayouts.PROCESS_STATS, "last_seen_ns");
        long commNs = SocketLayouts.offset(SocketLayouts.PROCESS_STATS, "comm_ns");
        long comm = SocketLayouts.offset(SocketLayouts.PROCESS_STATS, "comm");
        try (Arena a = Arena.ofConfined()) {
            MemorySegment key = a.allocate(SocketLayouts.PROCESS_KEY);
            MemorySegment value = a.allocate(processes.valueBufferSize(), 8);
            MemorySegment name = a.allocateFrom("bench");
            for (int n = 0; n < entries; n++) {
                key.set(ValueLayout.JAVA_INT, SocketLayouts.offset(SocketLayouts.PROCESS_KEY, "tgid"), 1000 + n);
                key.set(ValueLayout.JAVA_LONG, SocketLayouts.offset(SocketLayouts.PROCESS_KEY, "start_ns"), 42L + n);
                key.set(ValueLayout.JAVA_LONG, SocketLayouts.offset(SocketLayouts.PROCESS_KEY, "cgroup_id"), 7);
                long lastSeen = recent(n) ? RECENT_NS : OLD_NS;
                value.fill((byte) 0);
                for (int c = 0; c < cpus; c++) {
                    long copy = c * stride;
                    for (long off = 0; off < COUNTERS_END; off += 8) {
                        value.set(ValueLayout.JAVA_LONG, copy + off, n + off + c);
                    }
                    value.set(ValueLayout.JAVA_LONG, copy + first, 100L + n + c);
                    value.set(ValueLayout.JAVA_LONG, copy + last, lastSeen - c);
                    value.set(ValueLayout.JAVA_LONG, copy + commNs, c == 0 ? 100L + n : 0);
                    if (c == 0) {
                        MemorySegment.copy(name, 0, value, copy + comm, name.byteSize());
                    }
                }
                update(key, value);
            }
        }
        if (enomemRetries > 0) {
            System.err.printf("RealProcessMap: %d inserts of %d were refused with ENOMEM and retried%n", enomemRetries, entries);
        }
    }

    /*
     * A non-preallocated hash takes its elements from per-CPU caches the kernel refills asynchronously
     * (bpf_mem_alloc, Linux 6.1+): thousands of inserts in a row from user space can find the cache
     * empty and get ENOMEM with memory to spare. Wait a little and insert again.
     */
    private void update(MemorySegment key, MemorySegment value) {
        for (int attempt = 0; ; attempt++) {
            try {
                processes.update(key, value, BpfMap.UpdateFlag.ANY);
                return;
            } catch (BpfException e) {
                if (!"ENOMEM".equals(e.errnoName()) || attempt == 1000) {
                    throw e;
                }
                enomemRetries++;
                try {
                    Thread.sleep(1);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }

    /** As SocketCollector.allocatesOnInsert(): non-preallocated per-CPU hashes from Linux 6.1 on. */
    static boolean allocatesOnInsert() {
        try {
            String[] v = Files.readString(Path.of("/proc/sys/kernel/osrelease")).trim().split("[.-]");
            int major = Integer.parseInt(v[0]);
            int minor = Integer.parseInt(v[1]);
            return major > 6 || (major == 6 && minor >= 1);
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }
}
