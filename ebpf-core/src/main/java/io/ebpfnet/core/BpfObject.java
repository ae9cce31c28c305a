package io.ebpfnet.core;

import io.ebpfnet.core.internal.ElfCheck;
import io.ebpfnet.core.internal.ErrnoCalls;
import io.ebpfnet.core.internal.LibbpfLog;
import io.ebpfnet.core.internal.LibbpfOpts;
import io.ebpfnet.core.internal.NativeLibraries;
import io.ebpfnet.core.internal.ProfilerSignals;
import io.ebpfnet.core.internal.libbpf.LibbpfBindings;
import io.ebpfnet.core.internal.libbpf.bpf_object_open_opts;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.ref.Cleaner;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;

/**
 * A BPF ELF object: its programs and maps, opened from bytes, configured, loaded into the kernel and
 * attached.
 *
 * <p>Lifecycle: {@link #open} → configure maps ({@link BpfMap#setMaxEntries}, {@link BpfMap#setType})
 * and programs ({@link BpfProgram#setAutoload}) → {@link #load()} → {@link BpfProgram#attach()} →
 * {@link #close()}. The object owns the native {@code bpf_object}, its maps and programs, every
 * {@link BpfLink} made from its programs, and one shared arena for all of their memory; closing it
 * detaches and frees everything, and the {@link BpfMap} and {@link BpfProgram} views stop working.
 */
public final class BpfObject implements AutoCloseable {
    private final String name;
    private final Arena arena;
    private final MemorySegment object;
    private final Map<String, BpfProgram> programs;
    private final Map<String, BpfMap> maps;
    private final List<BpfLink> links = new ArrayList<>();
    private byte[] elf; // until load: the helpers of a parallel load open it again
    private volatile boolean loaded;
    private volatile boolean closed;
    private final NativeObject nativeObject;
    private final Cleaner.Cleanable cleanable;

    // Frees objects that were never closed, once unreachable (see NativeObject).
    private static final Cleaner CLEANER = Cleaner.create(r -> {
        Thread t = new Thread(r, "ebpfnet-bpf-cleaner");
        t.setDaemon(true);
        return t;
    });

    private BpfObject(String name, Arena arena, MemorySegment object, byte[] elf) {
        this.name = name;
        this.elf = elf;
        this.arena = arena;
        this.object = object;
        this.programs = Collections.unmodifiableMap(discoverPrograms());
        this.maps = Collections.unmodifiableMap(discoverMaps());
        this.nativeObject = new NativeObject(name, object, arena);
        this.cleanable = CLEANER.register(this, nativeObject);
    }

    /** Opens an object from its ELF bytes; {@code name} names it in errors and in the kernel. */
    public static BpfObject open(byte[] elf, String name) {
        NativeLibraries.ensureAvailable();
        MemorySegment object = openNative(elf, name);
        Arena arena = Arena.ofShared();
        try {
            return new BpfObject(name, arena, object, elf);
        } catch (RuntimeException | Error e) {
            LibbpfBindings.bpf_object__close(object);
            arena.close();
            throw e;
        }
    }

    /* A libbpf object of the ELF. libbpf (0.8+) is done with the buffer when the open returns. */
    private static MemorySegment openNative(byte[] elf, String name) {
        try (Arena call = Arena.ofConfined()) {
            MemorySegment buf = call.allocate(elf.length, 8);
            MemorySegment.copy(elf, 0, buf, ValueLayout.JAVA_BYTE, 0, elf.length);
            ElfCheck.requireBpfObject(buf, name);
            MemorySegment opts = LibbpfOpts.allocate(call, bpf_object_open_opts.layout());
            bpf_object_open_opts.object_name(opts, call.allocateFrom(name));
            MemorySegment errno = ErrnoCalls.allocateErrno(call);
            try (LibbpfLog.Capture log = LibbpfLog.capture()) {
                MemorySegment object = ErrnoCalls.bpfObjectOpenMem(errno, buf, buf.byteSize(), opts);
                if (object.equals(MemorySegment.NULL)) {
                    throw BpfErrors.open(name, ErrnoCalls.errno(errno), log.log());
                }
                return object;
            }
        }
    }

    /**
     * Opens an object from a stream, which is read and closed: typically a resource the caller opened,
     * {@code MyClass.class.getResourceAsStream("my.bpf.o")}, since in a named module only the module's
     * own code may open its resources. A null stream (the resource is missing) is a {@link BpfException}.
     */
    public static BpfObject open(InputStream elf, String name) {
        if (elf == null) {
            throw new BpfException("open BPF object '" + name + "'", 0, "its resource was not found;"
                    + " the jar was built without its BPF objects");
        }
        try (InputStream in = elf) {
            return open(in.readAllBytes(), name);
        } catch (IOException e) {
            throw new UncheckedIOException("reading BPF object '" + name + "'", e);
        }
    }

    /**
     * Makes the C heap keep the blocks libbpf frees, for the next load: each load of a BTF-typed object
     * (and each probe) reads and parses the kernel's BTF (5.5 MB read, ~20 MB in all, freed after the
     * load), and with glibc's usual settings each parse maps fresh pages, a page fault apiece (eight
     * parses in a collector's start: ~18,000 faults, 0.2 s on a VM where a fault costs ~10 us). Call it
     * before a start's first load and {@link #returnFreedNativeMemory()} after its last. Process-wide;
     * glibc only (elsewhere it does nothing and returns false).
     */
    public static boolean keepFreedNativeMemory() {
        return KeptNativeMemory.keep();
    }

    /**
     * Undoes {@link #keepFreedNativeMemory()}: blocks over 128 KiB get mappings of their own again (returned
     * when freed) and the heap's free top is returned past 128 KiB (glibc's default values, fixed from now
     * on: glibc stops adapting them once set, as it does when a launcher sets {@code MALLOC_MMAP_THRESHOLD_}),
     * and the free blocks kept so far are given back to the system ({@code malloc_trim}); the free top of a
     * thread's own heap, which glibc returns only at a free in that heap, is given back for the calling
     * thread and for the threads that loaded programs in parallel (before this returns), not for other
     * threads of the caller's that parsed BTF and ended meanwhile.
     */
    public static boolean returnFreedNativeMemory() {
        return KeptNativeMemory.giveBack();
    }

    /** The object's name. */
    public String name() {
        return name;
    }

    /** Whether {@link #load()} succeeded. */
    public boolean isLoaded() {
        return loaded;
    }

    /** All programs, in ELF order. */
    public Collection<BpfProgram> programs() {
        return programs.values();
    }

    /** All maps (including libbpf's internal .bss/.data/.rodata maps), in ELF order. */
    public Collection<BpfMap> maps() {
        return maps.values();
    }

    /** The program called {@code name} (the C function name). */
    public BpfProgram program(String programName) {
        BpfProgram p = programs.get(programName);
        if (p == null) {
            throw new NoSuchElementException("BPF object '" + name + "' has no program '" + programName + "'; it has " + programs.keySet());
        }
        return p;
    }

    /** The map called {@code name}. */
    public BpfMap map(String mapName) {
        BpfMap m = maps.get(mapName);
        if (m == null) {
            throw new NoSuchElementException("BPF object '" + name + "' has no map '" + mapName + "'; it has " + maps.keySet());
        }
        return m;
    }

    /**
     * Creates the maps and loads the programs whose autoload is on; on a machine with three CPUs or more, a
     * large object's programs are verified on several at once (see {@link ParallelLoad}). On failure the
     * exception carries what libbpf and the verifier printed; the object must still be closed.
     */
    public void load() {
        load(Runtime.getRuntime().availableProcessors(), ParallelLoad.MINIMUM_INSTRUCTIONS);
    }

    /* load(), on up to {@code cpus} threads when the programs have {@code minimumInstructions} or more (tests set both). */
    void load(int cpus, long minimumInstructions) {
        checkOpen();
        if (loaded) {
            throw new IllegalStateException("BPF object '" + name + "' is already loaded");
        }
        List<BpfProgram> toLoad = programs.values().stream().filter(BpfProgram::autoload).toList();
        List<List<BpfProgram>> groups = ParallelLoad.groups(toLoad, BpfProgram::instructions, cpus, minimumInstructions);
        if (groups.size() < 2) {
            loadNative(object);
        } else {
            loadInGroups(groups);
        }
        elf = null;
        loaded = true;
    }

    private void loadNative(MemorySegment o) {
        try (LibbpfLog.Capture log = LibbpfLog.capture(); ProfilerSignals held = ProfilerSignals.hold()) {
            int rc = LibbpfBindings.bpf_object__load(o);
            if (rc < 0) {
                throw BpfErrors.load(name, -rc, log.log());
            }
        }
    }

    /* This object creates the maps; one helper per group, with those maps, loads the group's programs. */
    private void loadInGroups(List<List<BpfProgram>> groups) {
        groups.forEach(group -> group.forEach(p -> p.setAutoload(false)));
        MemorySegment[] helpers = new MemorySegment[groups.size()];
        ParallelLoad.loadAll(name, () -> loadNative(object), groups.size(), i -> {
            MemorySegment helper = openNative(elf, name);
            nativeObject.addHelper(helper); // freed with this object, whatever happens next
            List<String> names = groups.get(i).stream().map(BpfProgram::name).toList();
            forEachProgram(helper, p -> LibbpfBindings.bpf_program__set_autoload(p,
                    names.contains(cString(LibbpfBindings.bpf_program__name(p)))));
            return helpers[i] = helper;
        }, this::reuseMaps);
        for (MemorySegment helper : helpers) {
            forEachProgram(helper, p -> {
                if (LibbpfBindings.bpf_program__autoload(p)) {
                    programs.get(cString(LibbpfBindings.bpf_program__name(p))).loadedAs(p);
                }
            });
        }
    }

    private void reuseMaps(MemorySegment helper) {
        MemorySegment m = LibbpfBindings.bpf_object__next_map(helper, MemorySegment.NULL);
        while (!m.equals(MemorySegment.NULL)) {
            String mapName = cString(LibbpfBindings.bpf_map__name(m));
            int rc = LibbpfBindings.bpf_map__reuse_fd(m, map(mapName).createdFd());
            if (rc < 0) {
                throw new BpfException("share map '" + mapName + "' of BPF object '" + name + "' with a second loader", -rc,
                        "libbpf could not reuse the created map");
            }
            m = LibbpfBindings.bpf_object__next_map(helper, m);
        }
    }

    private static void forEachProgram(MemorySegment o, java.util.function.Consumer<MemorySegment> action) {
        MemorySegment p = LibbpfBindings.bpf_object__next_program(o, MemorySegment.NULL);
        while (!p.equals(MemorySegment.NULL)) {
            action.accept(p);
            p = LibbpfBindings.bpf_object__next_program(o, p);
        }
    }

    /** The links made from this object's programs that are still attached. */
    public synchronized List<BpfLink> links() {
        return List.copyOf(links);
    }

    /** Detaches every link, then frees the programs, maps and memory. Closing twice does nothing. */
    @Override
    public void close() {
        List<BpfLink> open;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            open = new ArrayList<>(links);
        }
        for (BpfLink link : open) {
            link.close();
        }
        nativeObject.closedByOwner();
        cleanable.clean();
    }

    @Override
    public String toString() {
        return "BpfObject[" + name + (closed ? ", closed" : loaded ? ", loaded" : ", opened") + "]";
    }

    MemorySegment nativeObject() {
        return object;
    }

    void checkOpen() {
        if (closed) {
            throw new IllegalStateException("BPF object '" + name + "' is closed");
        }
    }

    void checkLoaded() {
        checkOpen();
        if (!loaded) {
            throw new IllegalStateException("BPF object '" + name + "' is not loaded yet; call load() first");
        }
    }

    void checkNotLoaded(String what) {
        checkOpen();
        if (loaded) {
            throw new IllegalStateException(what + " must be done before BPF object '" + name + "' is loaded");
        }
    }

    synchronized BpfLink register(MemorySegment link, String description) {
        BpfLink l = new BpfLink(this, link, description);
        links.add(l);
        nativeObject.addLink(link);
        return l;
    }

    /** A link's close: destroys its native link (once) and forgets it. */
    void detach(BpfLink link, MemorySegment nativeLink) {
        nativeObject.destroyLink(nativeLink);
        synchronized (this) {
            links.remove(link);
        }
    }

    private Map<String, BpfProgram> discoverPrograms() {
        Map<String, BpfProgram> found = new LinkedHashMap<>();
        MemorySegment prog = LibbpfBindings.bpf_object__next_program(object, MemorySegment.NULL);
        while (!prog.equals(MemorySegment.NULL)) {
            BpfProgram p = new BpfProgram(this, prog);
            found.put(p.name(), p);
            prog = LibbpfBindings.bpf_object__next_program(object, prog);
        }
        return found;
    }

    private Map<String, BpfMap> discoverMaps() {
        Map<String, BpfMap> found = new LinkedHashMap<>();
        MemorySegment map = LibbpfBindings.bpf_object__next_map(object, MemorySegment.NULL);
        while (!map.equals(MemorySegment.NULL)) {
            BpfMap m = new BpfMap(this, map);
            found.put(m.name(), m);
            map = LibbpfBindings.bpf_object__next_map(object, map);
        }
        return found;
    }

    static String cString(MemorySegment pointer) {
        return pointer.equals(MemorySegment.NULL) ? "" : pointer.reinterpret(Long.MAX_VALUE).getString(0);
    }
}
