package io.ebpfnet.core;

import io.ebpfnet.core.internal.libbpf.LibbpfBindings;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * What a {@link BpfObject} holds in native memory and in the kernel: the libbpf object (and the helper objects
 * that loaded its programs, see ParallelLoad), its arena and the
 * links of its programs. Runs once, from {@link BpfObject#close()} or, when an object was never closed, from
 * the cleaner once the object is unreachable: attached programs must not outlive a forgotten object for
 * the life of the JVM. Holds no reference to the {@link BpfObject}, so that it can become unreachable.
 */
final class NativeObject implements Runnable {
    private static final System.Logger LOG = System.getLogger("io.ebpfnet.core");

    private final String name;
    private final MemorySegment object;
    private final Arena arena;
    private final Set<MemorySegment> links = new LinkedHashSet<>();
    private final List<MemorySegment> helpers = new ArrayList<>(); // the objects that loaded its programs (ParallelLoad)
    private boolean closedByOwner;
    private boolean done;

    NativeObject(String name, MemorySegment object, Arena arena) {
        this.name = name;
        this.object = object;
        this.arena = arena;
    }

    synchronized void addLink(MemorySegment link) {
        links.add(link);
    }

    /** Destroys {@code link} unless it was destroyed already (by the object's close or the cleaner). */
    void destroyLink(MemorySegment link) {
        boolean mine;
        synchronized (this) {
            mine = links.remove(link);
        }
        if (mine) {
            LibbpfBindings.bpf_link__destroy(link);
        }
    }

    synchronized void addHelper(MemorySegment helper) {
        helpers.add(helper);
    }

    synchronized void closedByOwner() {
        closedByOwner = true;
    }

    @Override
    public void run() {
        Set<MemorySegment> open;
        synchronized (this) {
            if (done) {
                return;
            }
            done = true;
            open = new LinkedHashSet<>(links);
            links.clear();
        }
        if (!closedByOwner) {
            LOG.log(System.Logger.Level.WARNING, "BPF object ''{0}'' was never closed: detaching its {1} link(s) and"
                    + " freeing it now that it is unreachable; close it (try-with-resources) when done", name, open.size());
        }
        for (MemorySegment link : open) {
            LibbpfBindings.bpf_link__destroy(link);
        }
        helpers.forEach(LibbpfBindings::bpf_object__close); // unloads the programs they loaded
        LibbpfBindings.bpf_object__close(object);
        arena.close();
    }
}
