package io.ebpfnet.core.internal;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The few libc functions ebpf-core needs besides libbpf: {@code vsnprintf} for libbpf's log
 * messages, and {@code open}/{@code close} for cgroup directory descriptors. Bound by hand because
 * they are libc, not part of the libbpf/libelf headers jextract reads.
 */
public final class Libc {
    /** sizeof(__va_list_tag) on x86-64: gp_offset, fp_offset, overflow_arg_area, reg_save_area. */
    static final long VA_LIST_TAG_SIZE = 24;
    private static final int O_RDONLY = 0;
    private static final int O_DIRECTORY = 0x10000;
    private static final int O_CLOEXEC = 0x80000;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final MethodHandle VSNPRINTF = LINKER.downcallHandle(
            LINKER.defaultLookup().find("vsnprintf").orElseThrow(),
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, ADDRESS, ADDRESS));
    private static final MethodHandle OPEN = LINKER.downcallHandle(
            LINKER.defaultLookup().find("open").orElseThrow(),
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT), Linker.Option.captureCallState("errno"));
    private static final MethodHandle CLOSE = LINKER.downcallHandle(
            LINKER.defaultLookup().find("close").orElseThrow(),
            FunctionDescriptor.of(JAVA_INT, JAVA_INT));

    private Libc() {
    }

    /**
     * Formats a libbpf message. A {@code va_list} can only be consumed by C; on x86-64 it is a pointer
     * to a 24-byte tag, and copying the tag is what {@code va_copy} does, so a message longer than the
     * first buffer can be formatted again from a fresh copy.
     */
    static String vformat(MemorySegment format, MemorySegment vaList) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment tag = vaList.reinterpret(VA_LIST_TAG_SIZE);
            MemorySegment copy = arena.allocate(VA_LIST_TAG_SIZE, 16);
            copy.copyFrom(tag);
            MemorySegment buf = arena.allocate(1024);
            int needed = (int) VSNPRINTF.invokeExact(buf, buf.byteSize(), format, copy);
            if (needed < 0) {
                return "";
            }
            if (needed >= buf.byteSize()) {
                buf = arena.allocate(needed + 1L);
                copy.copyFrom(tag);
                needed = (int) VSNPRINTF.invokeExact(buf, buf.byteSize(), format, copy);
            }
            return buf.getString(0);
        } catch (Throwable t) {
            return "(libbpf message could not be formatted: " + t + ")";
        }
    }

    /** Opens a directory read-only; returns the fd, or -errno. */
    public static int openDirectory(String path) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = ErrnoCalls.allocateErrno(arena);
            int fd = (int) OPEN.invokeExact(state, arena.allocateFrom(path), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
            return fd >= 0 ? fd : -ErrnoCalls.errno(state);
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    /** Closes a file descriptor this library opened. */
    public static void close(int fd) {
        try {
            int ignored = (int) CLOSE.invokeExact(fd);
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }
}
