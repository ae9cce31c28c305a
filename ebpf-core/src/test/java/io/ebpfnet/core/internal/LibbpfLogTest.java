package io.ebpfnet.core.internal;

import io.ebpfnet.core.BpfObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** libbpf's debug messages reach the io.ebpfnet.libbpf logger when, and only when, it logs TRACE. */
class LibbpfLogTest {
    private static final String OBJECT = "/io/ebpfnet/core/bpf/feature_probe.bpf.o";
    private final Logger logger = Logger.getLogger("io.ebpfnet.libbpf");
    private final List<LogRecord> records = new CopyOnWriteArrayList<>();
    private final Handler handler = new Handler() {
        @Override
        public void publish(LogRecord r) {
            records.add(r);
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };
    private Level before;

    @BeforeEach
    void listen() {
        before = logger.getLevel();
        handler.setLevel(Level.ALL);
        logger.addHandler(handler);
    }

    @AfterEach
    void stop() {
        logger.removeHandler(handler);
        logger.setLevel(before);
    }

    @Test
    void debugMessagesAreLoggedAtTraceOnlyWhileTheLoggerWantsThem() {
        NativeLibraries.ensureAvailable(); // the callback is installed (and asked the logger) before the level changes
        logger.setLevel(Level.INFO);
        open();
        assertFalse(LibbpfLog.debugWanted(), "debug messages formatted while the logger logs INFO");
        assertFalse(records.stream().anyMatch(r -> r.getLevel().intValue() < Level.FINE.intValue()),
                () -> "debug messages logged at INFO: " + records.size());

        // Turned on while the process runs: the next libbpf call that captures its messages sees it.
        logger.setLevel(Level.ALL);
        open();
        assertTrue(LibbpfLog.debugWanted());
        assertTrue(records.stream().anyMatch(r -> r.getLevel() == Level.FINER && r.getMessage().contains("elf")),
                () -> "no libbpf debug message at TRACE (FINER): " + records.stream().map(LogRecord::getMessage).limit(5).toList());

        // And off again: the callback stops formatting them (each is an upcall into Java; formatting all cost ~0.1 s).
        logger.setLevel(Level.INFO);
        records.clear();
        open();
        assertFalse(LibbpfLog.debugWanted(), "debug messages still formatted after TRACE was turned off");
        assertFalse(records.stream().anyMatch(r -> r.getLevel() == Level.FINER), "debug messages after TRACE was turned off");
    }

    private static void open() {
        try (BpfObject ignored = BpfObject.open(LibbpfLogTest.class.getResourceAsStream(OBJECT), "feature_probe")) {
            // opening prints libbpf's debug lines (sections, relocations)
        }
    }
}
