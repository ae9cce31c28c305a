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

    // One holder class per function, linked when first called (as ErrnoCalls): formatting libbpf's first message,
    // often inside a probe's load, links vsnprintf alone, not the six others (~20 ms of a cold JVM).
    private static final class Vsnprintf {
        static final MethodHandle HANDLE = link("vsnprintf", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, ADDRESS, ADDRESS));
    }

    private static final class Open {
        static final MethodHandle HANDLE = link("open", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT),
                Linker.Option.captureCallState("errno"));
    }

    private static final class Close {
        static final MethodHandle HANDLE = link("close", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    }

    private static final class Read {
        static final MethodHandle HANDLE = link("read", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG),
                Linker.Option.captureCallState("errno"));
    }

    private static final class Mmap {
        static final MethodHandle HANDLE = link("mmap",
                FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_LONG, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_LONG),
                Linker.Option.captureCallState("errno"));
    }

    private static final class Munmap {
        static final MethodHandle HANDLE = link("munmap", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG));
    }

    private static final class GetPageSize {
        static final MethodHandle HANDLE = link("getpagesize", FunctionDescriptor.of(JAVA_INT));
    }

    /* glibc's; absent from other C libraries (musl), which have no such settings. */
    private static final class MallocTrim {
        static final MethodHandle HANDLE = linkIfPresent("malloc_trim", FunctionDescriptor.of(JAVA_INT, JAVA_LONG));
    }

    private static final class Mallopt {
        static final MethodHandle HANDLE = linkIfPresent("mallopt", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
    }

    private static final int M_TRIM_THRESHOLD = -1;
    private static final int M_MMAP_THRESHOLD = -3;

    private static MethodHandle linkIfPresent(String name, FunctionDescriptor descriptor) {
        Linker linker = Linker.nativeLinker();
        return linker.defaultLookup().find(name).map(f -> linker.downcallHandle(f, descriptor)).orElse(null);
    }

    private static MethodHandle link(String name, FunctionDescriptor descriptor, Linker.Option... options) {
        Linker linker = Linker.nativeLinker();
        return linker.downcallHandle(linker.defaultLookup().find(name).orElseThrow(), descriptor, options);
    }

    private static final long MAP_FAILED = -1L;
    public static final int PROT_READ = 1;
    public static final int PROT_WRITE = 2;
    private static final int MAP_SHARED = 1;
    private static final int EINTR = 4;

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
            int needed = (int) Vsnprintf.HANDLE.invokeExact(buf, buf.byteSize(), format, copy);
            if (needed < 0) {
                return "";
            }
            if (needed >= buf.byteSize()) {
                buf = arena.allocate(needed + 1L);
                copy.copyFrom(tag);
                needed = (int) Vsnprintf.HANDLE.invokeExact(buf, buf.byteSize(), format, copy);
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
            int fd = (int) Open.HANDLE.invokeExact(state, arena.allocateFrom(path), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
            return fd >= 0 ? fd : -ErrnoCalls.errno(state);
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    /** Closes a file descriptor this library opened. */
    public static void close(int fd) {
        try {
            int ignored = (int) Close.HANDLE.invokeExact(fd);
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    /**
     * Reads up to {@code length} bytes from {@code fd} into {@code buffer}; returns the count (0 at the
     * end), or -errno. Interrupted reads are retried. {@code errno} is a reusable capture segment
     * ({@link ErrnoCalls#allocateErrno}).
     */
    public static long read(int fd, MemorySegment buffer, long length, MemorySegment errno) {
        try {
            while (true) {
                long n = (long) Read.HANDLE.invokeExact(errno, fd, buffer, length);
                if (n >= 0) {
                    return n;
                }
                int e = ErrnoCalls.errno(errno);
                if (e != EINTR) {
                    return -e;
                }
            }
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    /** Maps {@code length} bytes of {@code fd} at {@code offset}, shared; the mapping, or a NULL segment and errno set in {@code errno}. */
    public static MemorySegment mmapShared(int fd, long length, int protection, long offset, MemorySegment errno) {
        try {
            MemorySegment address = (MemorySegment) Mmap.HANDLE.invokeExact(errno, MemorySegment.NULL, length, protection,
                    MAP_SHARED, fd, offset);
            return address.address() == MAP_FAILED ? MemorySegment.NULL : address.reinterpret(length);
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    /** Unmaps a mapping made by {@link #mmapShared}. */
    public static void munmap(MemorySegment mapping) {
        try {
            int ignored = (int) Munmap.HANDLE.invokeExact(mapping, mapping.byteSize());
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    /**
     * Blocks up to {@code mmapThreshold} bytes come from the C heap (above: a mapping of their own, unmapped
     * when freed), and the heap's free top is returned once it exceeds {@code trimThreshold}
     * ({@code mallopt}); false where the C library has no such settings.
     */
    public static boolean heapThresholds(int mmapThreshold, int trimThreshold) {
        if (Mallopt.HANDLE == null) {
            return false;
        }
        try {
            int a = (int) Mallopt.HANDLE.invokeExact(M_MMAP_THRESHOLD, mmapThreshold);
            int b = (int) Mallopt.HANDLE.invokeExact(M_TRIM_THRESHOLD, trimThreshold);
            return a == 1 && b == 1;
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    /**
     * Gives the C heap's free pages back to the system ({@code malloc_trim(0)}); false where the C library
     * has no such call.
     */
    public static boolean trimHeap() {
        if (MallocTrim.HANDLE == null) {
            return false;
        }
        try {
            int ignored = (int) MallocTrim.HANDLE.invokeExact(0L);
            return true;
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    /** The size of a memory page. */
    public static int pageSize() {
        try {
            return (int) GetPageSize.HANDLE.invokeExact();
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }
}
