package io.ebpfnet.core.internal;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SegmentAllocator;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BOOLEAN;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The libbpf functions that return a pointer and report failure through {@code errno}, linked with
 * {@code Linker.Option.captureCallState("errno")}.
 *
 * <p>Why hand-written: jextract cannot link with call-state capture, and reading errno after the
 * call is unreliable because the JVM may run code that overwrites it in between.
 */
public final class ErrnoCalls {
    private static final Linker LINKER = Linker.nativeLinker();
    private static final Linker.Option CAPTURE_ERRNO = Linker.Option.captureCallState("errno");
    private static final StructLayout CAPTURE_LAYOUT = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CAPTURE_LAYOUT.varHandle(MemoryLayout.PathElement.groupElement("errno"));

    // One class per function: each is linked when first called (or by BindingWarmUp), not all at the first call.
    private static final class ObjectOpenMem {
        static final MethodHandle HANDLE = link("bpf_object__open_mem",
                FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_LONG, ADDRESS));
    }

    private static final class ProgramAttach {
        static final MethodHandle HANDLE = link("bpf_program__attach", FunctionDescriptor.of(ADDRESS, ADDRESS));
    }

    private static final class ProgramAttachTracepoint {
        static final MethodHandle HANDLE = link("bpf_program__attach_tracepoint",
                FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS, ADDRESS));
    }

    private static final class ProgramAttachRawTracepoint {
        static final MethodHandle HANDLE = link("bpf_program__attach_raw_tracepoint",
                FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS));
    }

    private static final class ProgramAttachTrace {
        static final MethodHandle HANDLE = link("bpf_program__attach_trace", FunctionDescriptor.of(ADDRESS, ADDRESS));
    }

    private static final class ProgramAttachKprobe {
        static final MethodHandle HANDLE = link("bpf_program__attach_kprobe",
                FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_BOOLEAN, ADDRESS));
    }

    private static final class ProgramAttachCgroup {
        static final MethodHandle HANDLE = link("bpf_program__attach_cgroup",
                FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_INT));
    }

    private static final class ProgramAttachIter {
        static final MethodHandle HANDLE = link("bpf_program__attach_iter",
                FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS));
    }

    private static final class BtfParse {
        static final MethodHandle HANDLE = link("btf__parse", FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS));
    }

    private ErrnoCalls() {
    }

    /** A segment to receive errno; allocate one per owner and reuse it. */
    public static MemorySegment allocateErrno(SegmentAllocator allocator) {
        return allocator.allocate(CAPTURE_LAYOUT);
    }

    /** The errno the last captured call left in {@code state}. */
    public static int errno(MemorySegment state) {
        return (int) ERRNO.get(state, 0L);
    }

    public static MemorySegment bpfObjectOpenMem(MemorySegment state, MemorySegment buf, long size, MemorySegment opts) {
        try {
            return (MemorySegment) ObjectOpenMem.HANDLE.invokeExact(state, buf, size, opts);
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    public static MemorySegment bpfProgramAttach(MemorySegment state, MemorySegment prog) {
        try {
            return (MemorySegment) ProgramAttach.HANDLE.invokeExact(state, prog);
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    public static MemorySegment bpfProgramAttachTracepoint(MemorySegment state, MemorySegment prog,
                                                           MemorySegment category, MemorySegment name) {
        try {
            return (MemorySegment) ProgramAttachTracepoint.HANDLE.invokeExact(state, prog, category, name);
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    public static MemorySegment bpfProgramAttachRawTracepoint(MemorySegment state, MemorySegment prog, MemorySegment name) {
        try {
            return (MemorySegment) ProgramAttachRawTracepoint.HANDLE.invokeExact(state, prog, name);
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    public static MemorySegment bpfProgramAttachTrace(MemorySegment state, MemorySegment prog) {
        try {
            return (MemorySegment) ProgramAttachTrace.HANDLE.invokeExact(state, prog);
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    public static MemorySegment bpfProgramAttachKprobe(MemorySegment state, MemorySegment prog, boolean retprobe,
                                                       MemorySegment function) {
        try {
            return (MemorySegment) ProgramAttachKprobe.HANDLE.invokeExact(state, prog, retprobe, function);
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    public static MemorySegment bpfProgramAttachCgroup(MemorySegment state, MemorySegment prog, int cgroupFd) {
        try {
            return (MemorySegment) ProgramAttachCgroup.HANDLE.invokeExact(state, prog, cgroupFd);
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    public static MemorySegment bpfProgramAttachIter(MemorySegment state, MemorySegment prog, MemorySegment opts) {
        try {
            return (MemorySegment) ProgramAttachIter.HANDLE.invokeExact(state, prog, opts);
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    public static MemorySegment btfParse(MemorySegment state, MemorySegment path) {
        try {
            return (MemorySegment) BtfParse.HANDLE.invokeExact(state, path, MemorySegment.NULL);
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    private static MethodHandle link(String name, FunctionDescriptor descriptor) {
        MemorySegment symbol = NativeLibraries.lookup().find(name)
                .orElseThrow(() -> new UnsatisfiedLinkError(NativeLibraries.LIBBPF + " has no symbol " + name));
        return LINKER.downcallHandle(symbol, descriptor, CAPTURE_ERRNO);
    }
}
