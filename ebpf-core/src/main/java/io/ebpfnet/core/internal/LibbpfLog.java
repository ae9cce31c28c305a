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
    /*
     * Whether libbpf's debug messages are wanted (the logger logs TRACE): asked when the callback is installed and
     * at each capture, not per message. libbpf prints ~4,000 of them per opening of socket.bpf.o, each an upcall
     * into Java, and the logger's own check on each, interpreted at start, cost ~20 ms of CPU.
     */
    private static volatile boolean debugWanted;
    private static final int INFO = LibbpfBindings.LIBBPF_INFO();
    private static final int WARN = LibbpfBindings.LIBBPF_WARN();

    private LibbpfLog() {
    }

    /** Installs the callback once per process; later calls do nothing. */
    public static void install() {
        if (installed) {
            return;
        }
        synchronized (LibbpfLog.class) {
            if (!installed) {
                debugWanted = LOGGER.isLoggable(System.Logger.Level.TRACE);
                // The stub lives as long as the process: libbpf keeps the pointer forever.
                MemorySegment stub = libbpf_print_fn_t.allocate(LibbpfLog::print, Arena.global());
                LibbpfBindings.libbpf_set_print(stub);
                installed = true;
            }
        }
    }

    /* Whether the callback formats and logs libbpf's debug messages now (tests). */
    static boolean debugWanted() {
        return debugWanted;
    }

    /** Starts capturing what libbpf prints on this thread, until the capture is closed. */
    public static Capture capture() {
        install();
        debugWanted = LOGGER.isLoggable(System.Logger.Level.TRACE);
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
        // libbpf's debug messages are kept nowhere but a TRACE log: formatting them all cost ~0.1 s of every start.
        if (level > INFO && !debugWanted) {
            return 0;
        }
        // Never let an exception unwind into libbpf's native frames.
        try {
            String message = Libc.vformat(format, args);
            StringBuilder log = CAPTURE.get();
            if (log != null && level <= INFO) {
                log.append(message);
            }
            // A captured warning reaches the user through the exception that carries the log.
            System.Logger.Level jul = level == WARN && log == null ? System.Logger.Level.WARNING
                    : level <= INFO ? System.Logger.Level.DEBUG : System.Logger.Level.TRACE;
            if (LOGGER.isLoggable(jul)) {
                LOGGER.log(jul, message.stripTrailing());
            }
        } catch (Throwable ignored) {
            // nothing sensible can be done inside a native callback
        }
        return 0;
    }
}
