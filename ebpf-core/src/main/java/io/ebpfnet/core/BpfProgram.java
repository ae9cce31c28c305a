package io.ebpfnet.core;

import io.ebpfnet.core.internal.ErrnoCalls;
import io.ebpfnet.core.internal.Libc;
import io.ebpfnet.core.internal.LibbpfLog;
import io.ebpfnet.core.internal.LibbpfOpts;
import io.ebpfnet.core.internal.libbpf.bpf_iter_attach_opts;
import io.ebpfnet.core.internal.libbpf.bpf_iter_link_info;
import io.ebpfnet.core.internal.libbpf.LibbpfBindings;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;

/**
 * One program of a {@link BpfObject}. A view owned by the object: it stops working when the object
 * is closed.
 */
public final class BpfProgram {
    private final BpfObject owner;
    private volatile MemorySegment program; // a helper object's after a parallel load (see ParallelLoad)
    private final String name;
    private final String section;
    private final ProgramKind kind;

    BpfProgram(BpfObject owner, MemorySegment program) {
        this.owner = owner;
        this.program = program;
        this.name = BpfObject.cString(LibbpfBindings.bpf_program__name(program));
        this.section = BpfObject.cString(LibbpfBindings.bpf_program__section_name(program));
        this.kind = ProgramKind.ofSection(section);
    }

    /* After a parallel load: the program as loaded, in the helper object that loaded it. */
    void loadedAs(MemorySegment loaded) {
        program = loaded;
    }

    /* Its instruction count before load: what the verifier's work grows with, roughly. */
    long instructions() {
        return LibbpfBindings.bpf_program__insn_cnt(program);
    }

    /** The C function name. */
    public String name() {
        return name;
    }

    /** The ELF section, e.g. {@code "tp_btf/sock_send_length"} ({@code "?"} prefix removed by libbpf). */
    public String sectionName() {
        return section;
    }

    /** How it attaches. */
    public ProgramKind kind() {
        return kind;
    }

    /** Whether {@link BpfObject#load()} will load it. */
    public boolean autoload() {
        owner.checkOpen();
        return LibbpfBindings.bpf_program__autoload(program);
    }

    /** Turns loading of this program on or off; only before the object is loaded. */
    public BpfProgram setAutoload(boolean autoload) {
        owner.checkNotLoaded("setting autoload of program '" + name + "'");
        int rc = LibbpfBindings.bpf_program__set_autoload(program, autoload);
        if (rc < 0) {
            throw new BpfException("set autoload of program '" + name + "'", -rc, "");
        }
        return this;
    }

    /** The program's file descriptor; valid while the object is open and loaded. */
    public int fd() {
        owner.checkLoaded();
        return LibbpfBindings.bpf_program__fd(program);
    }

    /**
     * Attaches the program to the hook its section names: a tracepoint, tp_btf or raw tracepoint,
     * fentry/fexit trampoline, or kprobe/kretprobe. Cgroup programs use {@link #attachCgroup(Path)}.
     */
    public BpfLink attach() {
        owner.checkLoaded();
        if (kind.attachesToCgroup()) {
            throw new IllegalStateException("program '" + name + "' (" + section + ") attaches to a cgroup: use attachCgroup(path)");
        }
        if (kind == ProgramKind.ITERATOR) {
            throw new IllegalStateException("program '" + name + "' (" + section + ") is an iterator: use attachIterator(map)");
        }
        if (!autoload()) {
            throw new IllegalStateException("program '" + name + "' was not loaded (autoload is off)");
        }
        String target = kind.target(section);
        // libbpf's warnings about a refused attach are captured: the exception says it better.
        try (Arena call = Arena.ofConfined(); LibbpfLog.Capture ignored = LibbpfLog.capture()) {
            MemorySegment errno = ErrnoCalls.allocateErrno(call);
            MemorySegment link = switch (kind) {
                case TRACEPOINT -> {
                    int slash = target.indexOf('/');
                    if (slash < 0) {
                        throw new IllegalStateException("tracepoint section '" + section + "' is not tracepoint/<category>/<name>");
                    }
                    yield ErrnoCalls.bpfProgramAttachTracepoint(errno, program,
                            call.allocateFrom(target.substring(0, slash)), call.allocateFrom(target.substring(slash + 1)));
                }
                case RAW_TRACEPOINT -> ErrnoCalls.bpfProgramAttachRawTracepoint(errno, program, call.allocateFrom(target));
                case TP_BTF, FENTRY, FEXIT -> ErrnoCalls.bpfProgramAttachTrace(errno, program);
                case KPROBE, KRETPROBE -> ErrnoCalls.bpfProgramAttachKprobe(errno, program, kind == ProgramKind.KRETPROBE,
                        call.allocateFrom(target));
                default -> ErrnoCalls.bpfProgramAttach(errno, program);
            };
            if (link.equals(MemorySegment.NULL)) {
                throw BpfErrors.attach(name, kind, target, ErrnoCalls.errno(errno));
            }
            return owner.register(link, kind.name().toLowerCase(java.util.Locale.ROOT) + " program '" + name + "' to " + target);
        }
    }

    /**
     * Attaches a map iterator ({@code iter/bpf_map_elem}, {@code iter/bpf_sk_storage_map}) to {@code map}.
     */
    public BpfIterator attachIterator(BpfMap map) {
        return attachIterator(map, "map " + map.name());
    }

    /**
     * Attaches an iterator that takes no map ({@code iter/task}, {@code iter/tcp}, {@code iter/udp}: those
     * of the kernel's tables walk the caller's network namespace).
     */
    public BpfIterator attachIterator() {
        return attachIterator(null, "its kernel table");
    }

    private BpfIterator attachIterator(BpfMap map, String over) {
        owner.checkLoaded();
        if (kind != ProgramKind.ITERATOR) {
            throw new IllegalStateException("program '" + name + "' (" + section + ") is not an iterator");
        }
        if (!autoload()) {
            throw new IllegalStateException("program '" + name + "' was not loaded (autoload is off)");
        }
        try (Arena call = Arena.ofConfined(); LibbpfLog.Capture ignored = LibbpfLog.capture()) {
            MemorySegment opts = MemorySegment.NULL;
            if (map != null) {
                MemorySegment info = call.allocate(bpf_iter_link_info.layout());
                info.fill((byte) 0);
                bpf_iter_link_info.map.map_fd(bpf_iter_link_info.map(info), map.fd());
                opts = LibbpfOpts.allocate(call, bpf_iter_attach_opts.layout());
                bpf_iter_attach_opts.link_info(opts, info);
                bpf_iter_attach_opts.link_info_len(opts, (int) info.byteSize());
            }
            MemorySegment errno = ErrnoCalls.allocateErrno(call);
            MemorySegment link = ErrnoCalls.bpfProgramAttachIter(errno, program, opts);
            if (link.equals(MemorySegment.NULL)) {
                throw BpfErrors.attach(name, kind, over, ErrnoCalls.errno(errno));
            }
            BpfLink registered = owner.register(link, "iterator '" + name + "' over " + over);
            return new BpfIterator(registered, name);
        }
    }

    /** Attaches a cgroup program (cgroup_skb, sockops, cgroup_sock) to a cgroup v2 directory. */
    public BpfLink attachCgroup(Path cgroupDirectory) {
        owner.checkLoaded();
        if (!kind.attachesToCgroup()) {
            throw new IllegalStateException("program '" + name + "' (" + section + ") does not attach to a cgroup: use attach()");
        }
        String dir = cgroupDirectory.toString();
        int fd = Libc.openDirectory(dir);
        if (fd < 0) {
            throw BpfErrors.attach(name, kind, dir, -fd);
        }
        // The link keeps its own reference to the cgroup; our descriptor is only needed for the call.
        try (Arena call = Arena.ofConfined(); LibbpfLog.Capture ignored = LibbpfLog.capture()) {
            MemorySegment errno = ErrnoCalls.allocateErrno(call);
            MemorySegment link = ErrnoCalls.bpfProgramAttachCgroup(errno, program, fd);
            if (link.equals(MemorySegment.NULL)) {
                throw BpfErrors.attach(name, kind, dir, ErrnoCalls.errno(errno));
            }
            return owner.register(link, kind.name().toLowerCase(java.util.Locale.ROOT) + " program '" + name + "' to cgroup " + dir);
        } finally {
            Libc.close(fd);
        }
    }

    @Override
    public String toString() {
        return "BpfProgram[" + name + " " + section + "]";
    }
}
