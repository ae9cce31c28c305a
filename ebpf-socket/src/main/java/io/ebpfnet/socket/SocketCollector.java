package io.ebpfnet.socket;

import io.ebpfnet.core.BpfException;
import io.ebpfnet.core.BpfMap;
import io.ebpfnet.core.BpfObject;
import io.ebpfnet.core.BpfProgram;
import io.ebpfnet.core.BpfUnsupportedException;
import io.ebpfnet.core.Btf;
import io.ebpfnet.core.MapReader;
import io.ebpfnet.core.MapType;
import io.ebpfnet.core.PossibleCpus;
import io.ebpfnet.core.detect.AttachMode;
import io.ebpfnet.socket.internal.ProgramSet;
import io.ebpfnet.socket.internal.SocketLayouts;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The socket collector: loads {@code socket.bpf.o} with the programs of one attach mode and load
 * mode, attaches them, and reads its maps into {@link SocketSnapshot}s.
 *
 * <pre>{@code
 * try (SocketCollector collector = SocketCollector.start(SocketCollectorOptions.defaults(AttachMode.TRACEPOINT))) {
 *     SocketSnapshot before = collector.snapshot();
 *     Thread.sleep(5000);
 *     SocketRates rates = SocketRates.between(before, collector.snapshot());
 * }
 * }</pre>
 *
 * <p>Reads are synchronized: one thread at a time. {@link #close()} detaches every program and frees
 * the kernel maps.
 */
public final class SocketCollector implements AutoCloseable {
    static final String OBJECT = "/io/ebpfnet/socket/bpf/socket.bpf.o";
    private static final Path KERNEL_BTF = Path.of("/sys/kernel/btf/vmlinux");
    private static final int BATCH = 1024;

    private final SocketCollectorOptions options;
    private final BpfObject object;
    private final List<String> attached = new ArrayList<>();
    private final List<String> skipped = new ArrayList<>();
    private final BpfMap globalMap;
    private final BpfMap processMap;
    private final MapReader globalReader;
    private final MapReader processReader;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment scratchKey;
    private int lastProcessCount = 64;
    private boolean closed;

    private SocketCollector(SocketCollectorOptions options, BpfObject object) {
        this.options = options;
        this.object = object;
        this.globalMap = object.map("global_counters");
        this.processMap = object.map("processes");
        this.scratchKey = arena.allocate(SocketLayouts.PROCESS_KEY);
        configure();
        object.load();
        attach();
        this.globalReader = globalMap.reader(GlobalCounter.COUNT);
        this.processReader = processMap.reader(BATCH);
    }

    /**
     * Loads and attaches the programs {@code options} select. Throws {@link BpfException} (with the
     * errno and what to do) when the kernel refuses; nothing stays loaded then.
     */
    public static SocketCollector start(SocketCollectorOptions options) {
        BpfObject object = BpfObject.openResource(SocketCollector.class, OBJECT, "socket");
        try {
            return new SocketCollector(options, object);
        } catch (RuntimeException | Error e) {
            object.close();
            throw e;
        }
    }

    public SocketCollectorOptions options() {
        return options;
    }

    public AttachMode attachMode() {
        return options.attachMode();
    }

    /** "program → hook" for every attached program. */
    public List<String> attachedPrograms() {
        return List.copyOf(attached);
    }

    /** Programs of this mode left out because the kernel lacks their function or tracepoint, with why. */
    public List<String> skippedPrograms() {
        return List.copyOf(skipped);
    }

    /** The global counters and the per-process table, now. Exited processes are released after this read. */
    public synchronized SocketSnapshot snapshot() {
        checkOpen();
        long nanos = System.nanoTime();
        Instant time = Instant.now();
        long[] global = readGlobal();
        ProcessTableBuilder builder = new ProcessTableBuilder(copies(processMap), processMap.valueStride(),
                processReader.keySize(), processReader.valueBufferSize(), lastProcessCount);
        processReader.read(builder);
        ProcessTable processes = builder.build();
        lastProcessCount = Math.max(16, processes.size());
        releaseExited(processes);
        return new SocketSnapshot(nanos, time, global, processes);
    }

    /**
     * Reads the IPv4 or IPv6 connection table (a full pass over the map: call it when needed).
     *
     * @throws IllegalStateException when the options turned the connection tables off
     */
    public synchronized ConnectionTable connections(boolean ipv6) {
        checkOpen();
        if (!options.connections()) {
            throw new IllegalStateException("the connection tables are off (SocketCollectorOptions.connections,"
                    + " [network connections] enabled = no)");
        }
        BpfMap map = object.map(ipv6 ? "connections_v6" : "connections_v4");
        try (MapReader reader = map.reader(BATCH)) {
            ConnectionTableBuilder builder = new ConnectionTableBuilder(ipv6, copies(map), map.valueStride(),
                    reader.keySize(), reader.valueBufferSize(), 64);
            reader.read(builder);
            return builder.build();
        }
    }

    /** Detaches every program and frees the maps. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        globalReader.close();
        processReader.close();
        object.close();
        arena.close();
    }

    /* The programs' settings: struct socket_settings, the only variable in the object's .rodata. */
    private void writeSettings() {
        BpfMap rodata = object.maps().stream().filter(m -> m.name().endsWith(".rodata")).findFirst()
                .orElseThrow(() -> new IllegalStateException(OBJECT + " has no .rodata map"));
        if (rodata.initialValueSize() != SocketLayouts.SOCKET_SETTINGS.byteSize()) {
            throw new IllegalStateException("the .rodata of " + OBJECT + " holds more than struct socket_settings");
        }
        try (Arena settings = Arena.ofConfined()) {
            MemorySegment value = settings.allocate(SocketLayouts.SOCKET_SETTINGS);
            value.set(ValueLayout.JAVA_INT, SocketLayouts.offset(SocketLayouts.SOCKET_SETTINGS, "connections"),
                    options.connections() ? 1 : 0);
            rodata.setInitialValue(0, value);
        }
    }

    private void configure() {
        writeSettings();
        processMap.setMaxEntries(options.bandwidthTableSize());
        // Off, the connection tables are never touched: one entry each, they take no memory to speak of.
        object.map("connections_v4").setMaxEntries(options.connections() ? options.ipv4ConnectionTableSize() : 1);
        object.map("connections_v6").setMaxEntries(options.connections() ? options.ipv6ConnectionTableSize() : 1);
        object.map("pending_calls").setMaxEntries(options.udpConnectionTableSize());
        object.map("socket_owners").setMaxEntries(
                Math.max(1024, options.ipv4ConnectionTableSize() + options.ipv6ConnectionTableSize()));
        if (allocatesOnInsert()) {
            // A preallocated per-CPU table takes value size x possible CPUs x entries at load (770 MB for
            // 16,384 processes on 256 CPUs); since Linux 6.1 every program type may allocate on insert.
            for (BpfMap m : new BpfMap[] {processMap, object.map("connections_v4"), object.map("connections_v6")}) {
                m.setFlags(m.flags() | BpfMap.NO_PREALLOC);
            }
        }
        if (!options.mapsPerCore()) {
            globalMap.setType(MapType.ARRAY);
            processMap.setType(MapType.HASH);
            object.map("connections_v4").setType(MapType.HASH);
            object.map("connections_v6").setType(MapType.HASH);
        }
        Set<String> wanted = new HashSet<>();
        List<String> missing = new ArrayList<>();
        try (Btf kernel = Btf.parse(KERNEL_BTF)) {
            for (ProgramSet.Hook hook : ProgramSet.hooks(options.attachMode(), options.loadMode())) {
                boolean present = hook.tracepoint() ? kernel.hasRawTracepoint(hook.target()) : kernel.hasFunction(hook.target());
                String what = (hook.tracepoint() ? "tracepoint " : "function ") + hook.target();
                if (present) {
                    wanted.add(hook.program());
                } else if (hook.optional()) {
                    skipped.add(hook.program() + ": this kernel has no " + what);
                } else {
                    missing.add(what);
                }
            }
        }
        if (!missing.isEmpty()) {
            // Half the hooks would give numbers that look right and are not: refuse instead.
            throw new BpfUnsupportedException("start the socket collector in " + options.attachMode().cliName() + " mode", 0,
                    "this kernel lacks " + String.join(", ", missing) + "; choose another attach mode (auto picks one that works)");
        }
        for (BpfProgram p : object.programs()) {
            p.setAutoload(wanted.contains(p.name()));
        }
    }

    private void attach() {
        for (BpfProgram p : object.programs()) {
            if (p.autoload()) {
                p.attach(); // the link belongs to the object, which detaches it on close
                attached.add(p.name() + " → " + p.sectionName());
            }
        }
    }

    private long[] readGlobal() {
        long[] global = new long[GlobalCounter.COUNT];
        int cpus = copies(globalMap);
        long stride = globalMap.valueStride();
        globalReader.read((keys, values, n) -> {
            for (int i = 0; i < n; i++) {
                int index = keys.get(ValueLayout.JAVA_INT, (long) i * globalReader.keySize());
                if (index >= 0 && index < global.length) {
                    long sum = 0;
                    for (int c = 0; c < cpus; c++) {
                        sum += values.get(ValueLayout.JAVA_LONG, i * globalReader.valueBufferSize() + c * stride);
                    }
                    global[index] = sum;
                }
            }
        });
        return global;
    }

    /** Deletes the rows of processes that have exited: this snapshot was their last. */
    private void releaseExited(ProcessTable processes) {
        for (int row = 0; row < processes.size(); row++) {
            if (processes.exited(row)) {
                scratchKey.set(ValueLayout.JAVA_INT, 0, processes.tgid(row));
                scratchKey.set(ValueLayout.JAVA_INT, 4, 0);
                scratchKey.set(ValueLayout.JAVA_LONG, 8, processes.startNanos(row));
                scratchKey.set(ValueLayout.JAVA_LONG, 16, processes.cgroupId(row));
                processMap.delete(scratchKey);
            }
        }
    }

    /** Whether this kernel lets kprobe and tracepoint programs use non-preallocated hashes (Linux 6.1+). */
    static boolean allocatesOnInsert() {
        try {
            String[] v = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/sys/kernel/osrelease")).trim().split("[.-]");
            int major = Integer.parseInt(v[0]);
            int minor = Integer.parseInt(v[1]);
            return major > 6 || (major == 6 && minor >= 1);
        } catch (java.io.IOException | RuntimeException e) {
            return false; // unknown kernel: keep the preallocation every kernel accepts
        }
    }

    private static int copies(BpfMap map) {
        return map.isPerCpu() ? PossibleCpus.count() : 1;
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("the socket collector is closed");
        }
    }
}
