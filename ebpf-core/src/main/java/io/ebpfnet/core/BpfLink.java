package io.ebpfnet.core;

import io.ebpfnet.core.internal.libbpf.LibbpfBindings;

import java.lang.foreign.MemorySegment;

/**
 * One attachment of a program to a kernel hook or cgroup. Closing it detaches the program. The
 * {@link BpfObject} the program belongs to closes any link still open when it is closed.
 */
public final class BpfLink implements AutoCloseable {
    private final BpfObject owner;
    private final String description;
    private MemorySegment link;

    BpfLink(BpfObject owner, MemorySegment link, String description) {
        this.owner = owner;
        this.link = link;
        this.description = description;
    }

    /** What is attached where, e.g. "tp_btf program 'count' to sys_enter". */
    public String description() {
        return description;
    }

    /** Whether the link is still attached. */
    public synchronized boolean isOpen() {
        return link != null;
    }

    /** The link's file descriptor (an iterator link's is what {@code bpf_iter_create} takes). */
    synchronized int fd() {
        if (link == null) {
            throw new IllegalStateException(description + " is closed");
        }
        return LibbpfBindings.bpf_link__fd(link);
    }

    /** Detaches; closing twice does nothing. */
    @Override
    public void close() {
        MemorySegment l;
        synchronized (this) {
            l = link;
            link = null;
        }
        if (l != null) {
            owner.detach(this, l);
        }
    }

    @Override
    public String toString() {
        return "BpfLink[" + description + (isOpen() ? "" : ", closed") + "]";
    }
}
