package io.ebpfnet.core.internal;

import io.ebpfnet.core.internal.libbpf.LibbpfBindings;
import io.ebpfnet.core.internal.libbpf.libbpf_print_fn_t;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * Receives everything libbpf prints (through {@code libbpf_set_print}) and keeps it per thread, so
 * that a failed load can attach the verifier log to its exception. Messages also go to the
 * {@code System.Logger} named {@code io.ebpfnet.libbpf}.
 *
 * <p>Why hand-written: the callback gets a C {@code va_list}, formatted through libc (see
 * {@link Libc#vformat}); and the capture must be tied to the thread that calls libbpf, which calls
 * its print function synchronously on that thread.
 */
public final class LibbpfLog {
    private static final System.Logger LOGGER = System.getLogger("io.ebpfnet.libbpf");
    private static final ThreadLocal<StringBuilder> CAPTURE = new ThreadLocal<>();
    private static volatile boolean installed;

    private LibbpfLog() {
    }

    /** Installs the callback once per process; later calls do nothing. */
    public static void install() {
        if (installed) {
            return;
        }
        synchronized (LibbpfLog.class) {
            if (!installed) {
                // The stub lives as long as the process: libbpf keeps the pointer forever.
                MemorySegment stub = libbpf_print_fn_t.allocate(LibbpfLog::print, Arena.global());
                LibbpfBindings.libbpf_set_print(stub);
                installed = true;
            }
        }
    }

    /** Starts capturing what libbpf prints on this thread, until the capture is closed. */
    public static Capture capture() {
        install();
        return new Capture();
    }

    /** What libbpf printed on one thread between {@link #capture()} and {@link #close()}. */
    public static final class Capture implements AutoCloseable {
        private final StringBuilder previous = CAPTURE.get();
        private final StringBuilder log = new StringBuilder();

        private Capture() {
            CAPTURE.set(log);
        }

        /** The text so far. */
        public String log() {
            return log.toString();
        }

        @Override
        public void close() {
            CAPTURE.set(previous);
        }
    }

    private static int print(int level, MemorySegment format, MemorySegment args) {
        // Never let an exception unwind into libbpf's native frames.
        try {
            // libbpf's debug messages (hundreds per object opened) are kept nowhere but a TRACE log:
            // formatting them all cost ~0.1 s of every start.
            if (level > LibbpfBindings.LIBBPF_INFO() && !LOGGER.isLoggable(System.Logger.Level.TRACE)) {
                return 0;
            }
            String message = Libc.vformat(format, args);
            StringBuilder log = CAPTURE.get();
            if (log != null && level <= LibbpfBindings.LIBBPF_INFO()) {
                log.append(message);
            }
            // A captured warning reaches the user through the exception that carries the log.
            System.Logger.Level jul = level == LibbpfBindings.LIBBPF_WARN() && log == null ? System.Logger.Level.WARNING
                    : level <= LibbpfBindings.LIBBPF_INFO() ? System.Logger.Level.DEBUG : System.Logger.Level.TRACE;
            if (LOGGER.isLoggable(jul)) {
                LOGGER.log(jul, message.stripTrailing());
            }
        } catch (Throwable ignored) {
            // nothing sensible can be done inside a native callback
        }
        return 0;
    }
}
