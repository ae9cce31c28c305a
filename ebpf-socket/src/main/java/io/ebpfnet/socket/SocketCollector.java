package io.ebpfnet.socket;

import io.ebpfnet.core.BpfException;
import io.ebpfnet.core.BpfIterator;
import io.ebpfnet.core.BpfMap;
import io.ebpfnet.core.BpfObject;
import io.ebpfnet.core.BpfProgram;
import io.ebpfnet.core.BpfRingBuffer;
import io.ebpfnet.core.BpfUnsupportedException;
import io.ebpfnet.core.Btf;
import io.ebpfnet.core.KernelDetection;
import io.ebpfnet.core.MapType;
import io.ebpfnet.core.PossibleCpus;
import io.ebpfnet.core.ProgramKind;
import io.ebpfnet.core.Tracefs;
import io.ebpfnet.core.detect.AttachMode;
import io.ebpfnet.core.detect.Capabilities;
import io.ebpfnet.core.detect.Capability;
import io.ebpfnet.core.detect.FeatureProbe;
import io.ebpfnet.core.detect.ProbeResult;
import io.ebpfnet.core.detect.SystemPaths;
import io.ebpfnet.socket.groups.CgroupResolver;
import io.ebpfnet.socket.internal.LayoutCheck;
import io.ebpfnet.socket.internal.LegacyHooks;
import io.ebpfnet.socket.internal.ProcessMapReader;
import io.ebpfnet.socket.internal.ProgramSet;
import io.ebpfnet.socket.internal.RecordBuffer;
import io.ebpfnet.socket.internal.RowWords;
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
 * The socket collector: loads {@code socket.bpf.o} (in legacy mode {@code socket_legacy.bpf.o}, which
 * needs no kernel BTF) with the programs of one attach mode and load mode, attaches them, and reads its
 * maps into {@link SocketSnapshot}s.
 *
 * <pre>{@code
 * try (SocketCollector collector = SocketCollector.start(SocketCollectorOptions.defaults(AttachMode.TRACEPOINT))) {
 *     SocketSnapshot before = collector.snapshot();
 *     Thread.sleep(5000);
 *     SocketRates rates = SocketRates.between(before, collector.snapshot());
 * }
 * }</pre>
 *
 * <p>Reads are synchronized: one thread at a time. Each snapshot copies from the kernel only the
 * processes that changed since the previous one (an iterator sums their per-CPU copies in the kernel;
 * legacy mode, which has no iterator, copies the whole table and sums them here) and keeps the others
 * from the previous snapshot. Legacy mode has no connection table. {@link #close()} detaches every
 * program and frees the kernel maps.
 *
 * <p>Taking a snapshot changes nothing another reader sees. An exited process's row stays in the
 * snapshots, marked {@linkplain ProcessTable#exited exited} with its final counts, until every open reader
 * has taken a snapshot that shows it; then its kernel row is freed and later snapshots leave it out.
 * {@link #snapshot()} is the owner's reader (open from its first call): alone, it sees each exited
 * process once, as before. Every other consumer of the same collector (a second exporter, an embedder's
 * own poller) takes its snapshots from a {@link Reader} of its own ({@link #openReader()}) and closes it
 * when done: an open reader that stops reading keeps exited rows in the kernel's table, which fills.
 */
public final class SocketCollector implements AutoCloseable {
    static final String OBJECT = "/io/ebpfnet/socket/bpf/socket.bpf.o";
    /** Legacy mode's object: kprobes and classic tracepoints, no CO-RE relocation (bpf-src/socket/socket_legacy.bpf.c). */
    static final String LEGACY_OBJECT = "/io/ebpfnet/socket/bpf/socket_legacy.bpf.o";
    private static final Path KERNEL_BTF = Path.of("/sys/kernel/btf/vmlinux");
    /* Bytes a closed-connection record takes in the ring buffer: its 8-byte header and the record. */
    private static final long CLOSED_RECORD_BYTES = 8 + SocketLayouts.CLOSED_CONNECTION.byteSize();
    /* A ring buffer's size is a power of two and a whole number of pages: 64 KiB is both on 4 KiB and 64 KiB pages. */
    private static final int SMALLEST_RING = 64 << 10;
    /* The largest per-CPU process table preallocated at load; larger ones allocate rows on insert. */
    static final long PREALLOCATE_UP_TO = 64L << 20;
    private static final int AF_INET = 2;
    private static final int AF_INET6 = 10;

    private final SocketCollectorOptions options;
    private final BpfObject object;
    private final Path cgroupRoot = CgroupResolver.findMount(Path.of("/proc")).orElse(null);
    // Why tracepoint mode's release hook, a cgroup program, cannot run here (null: it can): it needs a cgroup
    // v2 hierarchy, and its program type is a networking one, which the kernel loads only with CAP_NET_ADMIN.
    private final String noReleaseHook = cgroupRoot == null ? "no cgroup v2 hierarchy is mounted"
            : !netAdmin() ? "this process lacks CAP_NET_ADMIN, which the kernel requires for cgroup socket programs" : null;
    private final List<String> attached = new ArrayList<>();
    private final List<String> skipped = new ArrayList<>();
    private final BpfMap globalMap;
    private final BpfMap processMap;
    private final BpfMap readerMap;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment scratchKey;
    private final MemorySegment zeroKey;
    private final MemorySegment globalValues;
    private final MemorySegment readerState;
    private final boolean legacy;
    private final boolean mapIterators; // the kernel allows map iterators (never in legacy mode: they are typed by BTF)
    private final String noMapIterators; // why the collector runs without them; null where they are used or legacy mode
    private final List<BpfIterator> foldIterators; // none in legacy mode
    private final BpfIterator processIterator;  // null without map iterators
    private final ProcessMapReader processReader; // the read of the process table without them
    private final List<BpfIterator> connectionIterators;
    private final BpfRingBuffer closedConnections;
    private final RecordBuffer closedV4 = new RecordBuffer(ConnectionTableBuilder.recordSize(false), 16);
    private final RecordBuffer closedV6 = new RecordBuffer(ConnectionTableBuilder.recordSize(true), 16);
    private ProcessTable lastProcesses;
    private final ExitedRows exitedRows = new ExitedRows();
    private final List<Reader> readers = new ArrayList<>();
    private Reader ownReader;     // snapshot()'s, opened by its first call
    private long reads;           // snapshots taken, by every reader: the number of the latest
    private long clock;         // the clock the programs stamp events with: the latest read's time
    private long previousClock; // the one before: rows stamped with it or later are read again
    private long lastReadBytes;
    private long connectionReads; // connections() calls: released sockets no two of them find alive are reported closed
    private boolean closedWanted;
    private boolean closed;

    private SocketCollector(SocketCollectorOptions options, BpfObject object, String noMapIterators) {
        this.options = options;
        this.object = object;
        this.legacy = options.attachMode() == AttachMode.LEGACY;
        this.mapIterators = noMapIterators == null && !legacy;
        this.noMapIterators = legacy ? null : noMapIterators;
        this.globalMap = object.map("global_counters");
        this.processMap = object.map("processes");
        BpfRingBuffer ring = null;
        ProcessMapReader reader = null;
        try {
            this.readerMap = globalData(".bss", SocketLayouts.READER_STATE.byteSize());
            this.scratchKey = arena.allocate(SocketLayouts.PROCESS_KEY);
            this.zeroKey = arena.allocate(Math.max(globalMap.keySize(), readerMap.keySize()));
            this.readerState = arena.allocate(SocketLayouts.READER_STATE);
            configure();
            object.load();
            this.globalValues = arena.allocate(globalMap.valueBufferSize(), 8);
            attach();
            BpfMap sockets = legacy ? null : object.map(options.attachMode() == AttachMode.PROBE ? "socket_table" : "sockets");
            this.foldIterators = legacy ? List.of() : attachIterators(ProgramSet.foldIterators(options.attachMode(), this.mapIterators), sockets);
            this.processIterator = this.mapIterators ? object.program(ProgramSet.PROCESS_ITERATOR).attachIterator(processMap) : null;
            if (options.connections() && !legacy) {
                this.connectionIterators = attachIterators(ProgramSet.connectionIterators(options.attachMode(), this.mapIterators), sockets);
                ring = object.map("closed_connections").ringBuffer();
            } else {
                this.connectionIterators = List.of();
            }
            reader = this.mapIterators ? null : new ProcessMapReader(processMap, copies(processMap));
        } catch (RuntimeException | Error e) {
            // the object, its links and iterators are closed by start(); what is ours alone, here
            if (ring != null) {
                ring.close();
            }
            arena.close();
            throw e;
        }
        this.closedConnections = ring;
        this.processReader = reader;
    }

    /* A map iterator over the socket states (`sockets`), or a socket-table one (iter/tcp, iter/udp), which takes no map. */
    private List<BpfIterator> attachIterators(List<String> names, BpfMap sockets) {
        List<BpfIterator> iterators = new ArrayList<>();
        for (String name : names) {
            iterators.add(mapIterators ? object.program(name).attachIterator(sockets) : object.program(name).attachIterator());
        }
        return List.copyOf(iterators);
    }

    /**
     * Loads and attaches the programs {@code options} select. Throws {@link BpfException} (with the
     * errno and what to do) when the kernel refuses, or when {@link SocketCollectorOptions#ignoreKernelBtf()}
     * is set for a mode that needs BTF; nothing stays loaded then.
     */
    public static SocketCollector start(SocketCollectorOptions options) {
        boolean typed = options.attachMode().needsBtf() && !options.ignoreKernelBtf();
        ProbeResult probe = typed ? mapIteratorProbe() : null;
        return start(options, probe == null || probe.allowed() ? null : "BPF map iterators: " + probe.summary());
    }

    /* The running kernel's answer, asked once per process (a probe loads a program), unless it was a
     * shortage of the moment (memory), asked again at the next start. */
    private static volatile ProbeResult mapIteratorProbe;

    private static ProbeResult mapIteratorProbe() {
        ProbeResult result = mapIteratorProbe;
        if (result == null) {
            synchronized (SocketCollector.class) {
                result = mapIteratorProbe;
                if (result == null) {
                    result = KernelDetection.probe(FeatureProbe.MAP_ITERATOR);
                    boolean passing = result.errno().equals("ENOMEM") || result.errno().equals("EAGAIN");
                    mapIteratorProbe = passing ? null : result;
                }
            }
        }
        return result;
    }

    /**
     * As {@link #start(SocketCollectorOptions)}; {@code mapIteratorsAllowed} false runs the collector as on
     * a kernel that refuses map iterators (for tests of that path on kernels that allow them).
     */
    static SocketCollector start(SocketCollectorOptions options, boolean mapIteratorsAllowed) {
        return start(options, mapIteratorsAllowed ? null : "started as on a kernel that refuses BPF map iterators");
    }

    /* noMapIterators: why the collector runs without map iterators, or null to use them. */
    private static SocketCollector start(SocketCollectorOptions options, String noMapIterators) {
        AttachMode mode = options.attachMode();
        if (options.ignoreKernelBtf() && mode.needsBtf()) {
            throw new BpfUnsupportedException("start the socket collector in " + mode.cliName() + " mode", 0,
                    mode.cliName() + " mode needs the kernel's BTF, which the collector was told to ignore"
                            + " (ignore kernel BTF); only the legacy mode runs without it");
        }
        BpfObject object = mode == AttachMode.LEGACY
                ? BpfObject.open(SocketCollector.class.getResourceAsStream(LEGACY_OBJECT), "socket_legacy")
                : BpfObject.open(SocketCollector.class.getResourceAsStream(OBJECT), "socket");
        try {
            SocketObjectCheck.require(object, mode == AttachMode.LEGACY);
            return new SocketCollector(options, object, noMapIterators);
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

    /**
     * The global counters and the per-process table, now, read by the owner's reader (see the class
     * comment). Only processes that changed since the previous snapshot are copied from the kernel;
     * exited processes appear until every open reader has seen them, then are released.
     */
    public synchronized SocketSnapshot snapshot() {
        checkOpen();
        if (ownReader == null) {
            ownReader = new Reader();
        }
        return ownReader.snapshot();
    }

    /**
     * A reader of its own for one more consumer of this collector: exited processes' rows are kept until
     * it, too, has taken a snapshot that shows them. Close it when done.
     */
    public synchronized Reader openReader() {
        checkOpen();
        return new Reader();
    }

    /** One consumer's snapshots: see {@link SocketCollector}. Closing it stops keeping exited rows for it. */
    public final class Reader implements AutoCloseable {
        private long lastRead; // the number of its latest snapshot (at opening: the latest read of all)
        private boolean open = true;

        private Reader() {
            lastRead = reads;
            readers.add(this);
        }

        /** A snapshot, as {@link SocketCollector#snapshot()}. */
        public SocketSnapshot snapshot() {
            synchronized (SocketCollector.this) {
                checkOpen();
                if (!open) {
                    throw new IllegalStateException("this snapshot reader is closed");
                }
                SocketSnapshot s = read();
                lastRead = reads;
                releaseSeen();
                return s;
            }
        }

        @Override
        public void close() {
            synchronized (SocketCollector.this) {
                if (!open) {
                    return;
                }
                open = false;
                readers.remove(this);
                if (ownReader == this) {
                    ownReader = null;
                }
                if (!closed) {
                    releaseSeen(); // the rows kept for it alone
                }
            }
        }
    }

    private SocketSnapshot read() {
        long nanos = System.nanoTime();
        Instant time = Instant.now();
        // Events stamp rows with the clock of the read before them. An event that took the previous
        // clock just before it changed may finish its adds after the previous read passed its row, so
        // rows stamped with the clock before that one are read once more.
        long since = lastProcesses == null ? 0 : previousClock;
        previousClock = clock;
        clock = nanos;
        writeReader(since, 0);
        ProcessTableBuilder builder = new ProcessTableBuilder(lastProcesses, 64, exitedRows.takeReleased());
        long[] global;
        // Sends and receives count in their socket's state: fold those counts into the process rows and the
        // global counters (stamped with this read's clock) before reading either. Legacy mode: every event
        // adds to its row at once, nothing to fold.
        for (BpfIterator fold : foldIterators) {
            fold.read(Long.BYTES, (records, count) -> { });
        }
        if (!mapIterators) {
            // No process iterator: user space sums the copies.
            global = readGlobal();
            lastReadBytes = processReader.read(since, builder);
        } else {
            global = readGlobal();
            processIterator.read(ProcessTableBuilder.RECORD_SIZE, builder);
            lastReadBytes = processIterator.lastReadBytes();
        }
        ProcessTable processes = builder.build();
        lastProcesses = processes;
        reads++;
        exitedRows.note(processes, reads);
        return new SocketSnapshot(nanos, time, global, processes);
    }

    /** Exited rows still kept in the kernel's table for a reader that has not seen them (for tests). */
    synchronized int exitedRowsKept() {
        return exitedRows.pending();
    }

    /** The object's map {@code name}, for tests that plant what the kernel does too rarely to wait for. */
    synchronized BpfMap map(String name) {
        checkOpen();
        return object.map(name);
    }

    /** Bytes the last {@link #snapshot()} copied from the kernel for the process table (changed rows only). */
    public synchronized long lastProcessReadBytes() {
        return lastReadBytes;
    }

    /**
     * The IPv4 or IPv6 connections: every open socket the programs have seen, with its counters now,
     * and every socket that closed since the previous call, with its final counters (reported once).
     * Closed sockets are kept from the first call on, in a buffer sized by the connection table sizes:
     * call this at least every few seconds on a busy host, or some are dropped (and counted in
     * {@link GlobalCounter#REFUSED_CONNECTIONS_V4} / {@code _V6}). A TCP socket the kernel freed without
     * its destruction event is reported a second or more after its release, by the third call after it went
     * ({@link GlobalCounter#TCP_DESTROYS_MISSED}).
     *
     * @throws IllegalStateException when there are no connection tables: legacy mode, or the options turned
     *                               them off ({@link SocketCollectorOptions#connectionsOff()} says which)
     */
    public synchronized ConnectionTable connections(boolean ipv6) {
        checkOpen();
        if (!options.connections()) {
            throw new IllegalStateException("no connection table: " + options.connectionsOff());
        }
        closedWanted = true;
        connectionReads++;
        writeReader(previousClock, ipv6 ? AF_INET6 : AF_INET); // the process iterator's threshold stays as it was
        drainClosed();
        RecordBuffer closedRows = ipv6 ? closedV6 : closedV4;
        ConnectionTableBuilder builder = new ConnectionTableBuilder(ipv6, 64 + closedRows.count());
        for (BpfIterator iterator : connectionIterators) {
            iterator.read(ConnectionTableBuilder.recordSize(ipv6), (records, count) -> builder.accept(records, 0, count));
        }
        builder.accept(closedRows.segment(), 0, closedRows.count());
        closedRows.reset();
        return builder.build();
    }

    /** Detaches every program and frees the maps. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (closedConnections != null) {
            closedConnections.close();
        }
        if (processReader != null) {
            processReader.close();
        }
        object.close(); // detaches the iterators with the other links
        arena.close();
    }

    /* Moves the ring buffer's closed-connection records into the per-family buffers. */
    private void drainClosed() {
        long familyOffset = SocketLayouts.offset(SocketLayouts.CLOSED_CONNECTION, "family");
        long rowOffset = SocketLayouts.offset(SocketLayouts.CLOSED_CONNECTION, "row");
        closedConnections.consume((data, offset, length) -> {
            int family = data.get(ValueLayout.JAVA_INT_UNALIGNED, offset + familyOffset);
            RecordBuffer to = family == AF_INET6 ? closedV6 : closedV4;
            int row = to.append();
            RowWords.copy(data, offset + rowOffset, to.words(), row, RowWords.words(ConnectionTableBuilder.recordSize(family == AF_INET6)));
        });
    }

    /* struct reader_state, the programs' .bss. */
    private void writeReader(long changedSinceNanos, int family) {
        readerState.set(ValueLayout.JAVA_LONG, SocketLayouts.offset(SocketLayouts.READER_STATE, "clock_ns"), clock);
        readerState.set(ValueLayout.JAVA_LONG, SocketLayouts.offset(SocketLayouts.READER_STATE, "changed_since_ns"), changedSinceNanos);
        readerState.set(ValueLayout.JAVA_INT, SocketLayouts.offset(SocketLayouts.READER_STATE, "family"), family);
        readerState.set(ValueLayout.JAVA_INT, SocketLayouts.offset(SocketLayouts.READER_STATE, "closed_wanted"), closedWanted ? 1 : 0);
        readerState.set(ValueLayout.JAVA_LONG, SocketLayouts.offset(SocketLayouts.READER_STATE, "connection_read"), connectionReads);
        readerMap.update(zeroKey.asSlice(0, readerMap.keySize()), readerState, BpfMap.UpdateFlag.ANY);
    }

    /* The object's map of one global-data section, which must hold exactly one struct of `size` bytes. */
    private BpfMap globalData(String section, long size) {
        BpfMap map = object.maps().stream().filter(m -> m.name().endsWith(section)).findFirst()
                .orElseThrow(() -> new IllegalStateException(object.name() + " has no " + section + " map"));
        if (map.initialValueSize() != size) {
            throw new IllegalStateException("the " + section + " of " + object.name() + " holds " + map.initialValueSize()
                    + " bytes, not the " + size + " of its one struct");
        }
        return map;
    }

    /* The programs' settings: struct socket_settings, the only variable in the object's .rodata. */
    private static boolean netAdmin() {
        Capabilities caps = Capabilities.read(SystemPaths.live());
        return caps.has(Capability.CAP_NET_ADMIN) || caps.has(Capability.CAP_SYS_ADMIN);
    }

    /* udpFlagsArg: the index of udp_recvmsg's (and tcp_recvmsg's) flags parameter; connectExit: tp_connect_exit is loaded. */
    private void writeSettings(int udpFlagsArg, boolean connectExit) {
        BpfMap rodata = globalData(".rodata", SocketLayouts.SOCKET_SETTINGS.byteSize());
        try (Arena settings = Arena.ofConfined()) {
            MemorySegment value = settings.allocate(SocketLayouts.SOCKET_SETTINGS);
            setting(value, "connections", options.connections() ? 1 : 0);
            setting(value, "shared_maps", options.mapsPerCore() ? 0 : 1);
            setting(value, "value_copies", options.mapsPerCore() ? PossibleCpus.count() : 1);
            setting(value, "accepted_by_address", options.attachMode() == AttachMode.TRAMPOLINE ? 1 : 0);
            boolean releaseHook = options.attachMode() == AttachMode.TRACEPOINT && noReleaseHook == null;
            // the cgroup release hook, or (trampoline, probe) udp_destroy_sock, sees UDP sockets go
            setting(value, "release_seen", options.attachMode() != AttachMode.TRACEPOINT || releaseHook ? 1 : 0);
            setting(value, "udp_flags_arg", udpFlagsArg);
            setting(value, "release_hook", releaseHook ? 1 : 0);
            // the connect() exit needs the SYN_SENT marks: only when it will be attached
            setting(value, "syscall_hooks", connectExit ? 1 : 0);
            setting(value, "no_map_iterators", legacy || mapIterators ? 0 : 1);
            setting(value, "reader_netns", legacy || mapIterators ? 0 : networkNamespace());
            setting(value, "socket_table", options.attachMode() == AttachMode.PROBE ? 1 : 0);
            rodata.setInitialValue(0, value);
        }
    }

    /* The inode number of this process's network namespace ("net:[4026531840]"), which the socket-table
     * iterators walk: the kernel folds its sockets at each read. */
    private static int networkNamespace() {
        try {
            String link = java.nio.file.Files.readSymbolicLink(Path.of("/proc/self/ns/net")).toString();
            return (int) Long.parseLong(link.substring(link.indexOf('[') + 1, link.indexOf(']')));
        } catch (java.io.IOException | RuntimeException e) {
            throw new BpfUnsupportedException("start the socket collector without map iterators", 0,
                    "cannot read this process's network namespace from /proc/self/ns/net (" + e.getMessage()
                            + "): the socket-table iterators need it; is /proc mounted?");
        }
    }

    private static void setting(MemorySegment settings, String field, int value) {
        settings.set(ValueLayout.JAVA_INT, SocketLayouts.offset(SocketLayouts.SOCKET_SETTINGS, field), value);
    }

    private void configure() {
        boolean probe = options.attachMode() == AttachMode.PROBE;
        int sockets = options.ipv4ConnectionTableSize() + options.ipv6ConnectionTableSize();
        processMap.setMaxEntries(options.bandwidthTableSize());
        object.map("pending_calls").setMaxEntries(options.udpConnectionTableSize());
        configureProcessMap();
        if (legacy) {
            object.map("socket_owners").setMaxEntries(Math.max(1024, sockets));
            LegacyHooks.select(object, options, skipped);
            writeSettings(LegacyHooks.receiveFlagsArgument(), false);
            return;
        }
        // Probe mode keeps socket state in a preallocated table (kprobes cannot use socket storage).
        object.map("socket_table").setMaxEntries(probe ? Math.max(1024, sockets) : 1);
        object.map("closed_connections").setMaxEntries(options.connections() ? ringBytes(sockets) : SMALLEST_RING);
        object.map("accepted_sockets").setMaxEntries(options.attachMode() == AttachMode.TRAMPOLINE ? 4096 : 1);
        Set<String> wanted = new HashSet<>();
        List<String> missing = new ArrayList<>();
        try (Btf kernel = Btf.parse(KERNEL_BTF)) {
            // udp_recvmsg(sk, msg, len, noblock, flags, addr_len) until Linux 5.19, then without noblock
            int udpFlagsArg = kernel.functionParameters("udp_recvmsg").orElse(5) >= 6 ? 4 : 3;
            boolean retransmitErrors = kernel.rawTracepointArguments("tcp_retransmit_skb").orElse(0) >= 3;
            List<ProgramSet.Hook> hooks = ProgramSet.hooks(options.attachMode(), options.loadMode(), options.connections(),
                    retransmitErrors, mapIterators);
            if (!mapIterators) {
                skipped.add(ProgramSet.foldIterator(options.attachMode()) + ", " + ProgramSet.PROCESS_ITERATOR
                        + ": " + noMapIterators + "; so each read folds the sockets of"
                        + " this network namespace's TCP and UDP tables instead, the sends and receives of the other"
                        + " sockets (other namespaces, MPTCP) add to their process's row at once (more kernel time per"
                        + " event), and the process table is read and summed here" + (options.connections()
                        ? "; open connections are listed from the same socket tables: only this network namespace's,"
                        + " and no MPTCP sockets (closed connections come from every namespace)" : ""));
            }
            LayoutCheck.require(object.name(), ProgramSet.sectionDifferences(object, hooks));
            for (ProgramSet.Hook hook : hooks) {
                if (hook.kind() == ProgramSet.Target.CGROUP) {
                    if (noReleaseHook == null) {
                        wanted.add(hook.program());
                    } else {
                        skipped.add(hook.program() + ": " + noReleaseHook + "; UDP and MPTCP traffic is"
                                + " counted in the process rows on every event (slower), and UDP sockets' counters after"
                                + " the last read before they close are not in the connection table (TCP's come from"
                                + " their destruction)");
                    }
                    continue;
                }
                if (hook.kind() == ProgramSet.Target.SYSCALL && !options.syscallHooks()) {
                    skipped.add(hook.program() + ": not asked for (syscall hooks off: a system-call tracepoint makes every"
                            + " system call on the host slower), so " + hook.whatItCounts() + " not counted");
                    continue;
                }
                boolean present = switch (hook.kind()) {
                    case TRACEPOINT -> kernel.hasRawTracepoint(hook.btfName());
                    case SYSCALL -> Tracefs.hasEvent("syscalls", hook.target());
                    default -> kernel.hasFunction(hook.btfName());
                };
                String what = hook.kind().name().toLowerCase(java.util.Locale.ROOT) + " " + hook.target();
                if (present) {
                    wanted.add(hook.program());
                } else if (hook.kind() == ProgramSet.Target.SYSCALL && Tracefs.unusable() != null) {
                    skipped.add(hook.program() + ": " + Tracefs.unusable() + ", so " + what + " cannot be attached"
                            + " (" + hook.whatItCounts() + " not counted)");
                } else if (hook.optional()) {
                    skipped.add(hook.program() + ": this kernel has no " + what + hook.whenAbsent());
                } else {
                    missing.add(what);
                }
            }
            writeSettings(udpFlagsArg, wanted.contains(ProgramSet.CONNECT_EXIT));
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

    /* The process table's and global counters' kind: per-CPU or shared, preallocated or not. */
    private void configureProcessMap() {
        // A preallocated per-CPU table takes entries x value x possible CPUs at load: 6 MB for 16,384
        // processes on 2 CPUs, 805 MB on 256. Up to PREALLOCATE_UP_TO it is preallocated, and an insert
        // never fails for memory; beyond, rows are allocated on insert (Linux 6.1+), where a burst of new
        // processes can find the per-CPU caches dry (ENOMEM, counted in INSERTS_FAILED: measured here, 2-29
        // of 16,384 back-to-back inserts).
        long preallocated = (long) options.bandwidthTableSize() * processMap.valueStride() * PossibleCpus.count();
        if (options.mapsPerCore() && preallocated > PREALLOCATE_UP_TO && allocatesOnInsert()) {
            processMap.setFlags(processMap.flags() | BpfMap.NO_PREALLOC);
        }
        if (!options.mapsPerCore()) {
            globalMap.setType(MapType.ARRAY);
            processMap.setType(MapType.HASH);
        }
    }

    /* The closed-connection ring: room for two records per connection of both tables (default sizes: 16 MB,
     * 120,000 records, a 5-second read interval of 10,000 connections/s with both ends on this host), at
     * least 8 MB (60,000 records: a second of churn with a reader that fell behind), a power of two, at
     * most 64 MB. */
    private static int ringBytes(int connections) {
        long wanted = Math.max(8L << 20, 2L * connections * CLOSED_RECORD_BYTES); // >= SMALLEST_RING
        long size = Long.highestOneBit(wanted - 1) << 1;
        return (int) Math.min(size, 64L << 20);
    }


    private void attach() {
        for (BpfProgram p : object.programs()) {
            if (p.autoload() && p.kind() != ProgramKind.ITERATOR) {
                // the link belongs to the object, which detaches it on close
                if (p.kind().attachesToCgroup()) {
                    p.attachCgroup(cgroupRoot); // alongside any other program there (a link: multi-attach)
                    attached.add(p.name() + " → " + p.sectionName() + " on " + cgroupRoot);
                } else {
                    p.attach();
                    attached.add(p.name() + " → " + p.sectionName());
                }
            }
        }
    }

    private long[] readGlobal() {
        long[] global = new long[GlobalCounter.COUNT];
        int cpus = copies(globalMap);
        long stride = globalMap.valueStride();
        globalMap.lookup(zeroKey.asSlice(0, globalMap.keySize()), globalValues);
        for (int c = 0; c < cpus; c++) {
            for (int i = 0; i < global.length; i++) {
                global[i] += globalValues.get(ValueLayout.JAVA_LONG, c * stride + (long) i * Long.BYTES);
            }
        }
        return global;
    }

    /** Deletes the kernel rows of exited processes every open reader has seen. */
    private void releaseSeen() {
        long seenByAll = Long.MAX_VALUE;
        for (Reader r : readers) {
            seenByAll = Math.min(seenByAll, r.lastRead);
        }
        exitedRows.release(seenByAll, key -> {
            scratchKey.set(ValueLayout.JAVA_INT, SocketLayouts.offset(SocketLayouts.PROCESS_KEY, "tgid"), key.tgid());
            scratchKey.set(ValueLayout.JAVA_INT, SocketLayouts.offset(SocketLayouts.PROCESS_KEY, "reserved"), 0);
            scratchKey.set(ValueLayout.JAVA_LONG, SocketLayouts.offset(SocketLayouts.PROCESS_KEY, "start_ns"), key.startNanos());
            scratchKey.set(ValueLayout.JAVA_LONG, SocketLayouts.offset(SocketLayouts.PROCESS_KEY, "cgroup_id"), key.cgroupId());
            processMap.delete(scratchKey);
        });
    }

    /** The kernel's process table (for tests: its rows, whatever the snapshots show). */
    BpfMap processMap() {
        return processMap;
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
