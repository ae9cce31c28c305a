package io.ebpfnet.socket;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.nio.ByteOrder;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

/**
 * An IPv4 TCP socket made with libc's calls, for tests that need its file descriptor: the key under which
 * user space looks up a socket's entry in a socket storage map.
 */
final class NativeTcpSocket implements AutoCloseable {
    private static final int AF_INET = 2;
    private static final int SOCK_STREAM = 1;
    private static final MethodHandle SOCKET = libc("socket", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT));
    private static final MethodHandle CONNECT = libc("connect", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle CLOSE = libc("close", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    private static final MethodHandle SEND = libc("send", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT));
    private static final MethodHandle GETSOCKNAME = libc("getsockname", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS));

    private final int fd;
    private boolean closed;

    NativeTcpSocket() {
        try {
            fd = (int) SOCKET.invokeExact(AF_INET, SOCK_STREAM, 0);
        } catch (Throwable e) {
            throw new AssertionError(e);
        }
        if (fd < 0) {
            throw new IllegalStateException("socket(AF_INET, SOCK_STREAM) failed");
        }
    }

    int fd() {
        return fd;
    }

    /** A blocking connect(2) to 127.0.0.1:port: true when connected (false: refused, or failed otherwise). */
    boolean connectLoopback(int port) {
        return connect(AF_INET, port);
    }

    /** connect(2) to an address of family AF_UNSPEC: the connection is dropped (reset) and the socket can connect again. */
    boolean disconnect() {
        return connect(0, 0);
    }

    private boolean connect(int family, int port) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment to = arena.allocate(16); // struct sockaddr_in
            to.set(JAVA_SHORT, 0, (short) family);
            to.set(JAVA_SHORT.withOrder(ByteOrder.BIG_ENDIAN), 2, (short) port);
            to.set(JAVA_INT.withOrder(ByteOrder.BIG_ENDIAN), 4, family == AF_INET ? 0x7f000001 : 0);
            return (int) CONNECT.invokeExact(fd, to, 16) == 0;
        } catch (Throwable e) {
            throw new AssertionError(e);
        }
    }

    /** One send(2) of n zero bytes; returns what it sent. */
    long send(int n) {
        try (Arena arena = Arena.ofConfined()) {
            return (long) SEND.invokeExact(fd, arena.allocate(n), (long) n, 0);
        } catch (Throwable e) {
            throw new AssertionError(e);
        }
    }

    /** The local port (getsockname(2)). */
    int localPort() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment name = arena.allocate(16);
            MemorySegment length = arena.allocate(JAVA_INT);
            length.set(JAVA_INT, 0, 16);
            if ((int) GETSOCKNAME.invokeExact(fd, name, length) != 0) {
                throw new IllegalStateException("getsockname failed");
            }
            return Short.toUnsignedInt(name.get(JAVA_SHORT.withOrder(ByteOrder.BIG_ENDIAN), 2));
        } catch (Throwable e) {
            throw new AssertionError(e);
        }
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            try {
                int ignored = (int) CLOSE.invokeExact(fd);
            } catch (Throwable e) {
                throw new AssertionError(e);
            }
        }
    }

    private static MethodHandle libc(String name, FunctionDescriptor descriptor) {
        Linker linker = Linker.nativeLinker();
        return linker.downcallHandle(linker.defaultLookup().find(name).orElseThrow(), descriptor);
    }
}
