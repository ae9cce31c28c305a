package io.ebpfnet.cli;

import sun.misc.Signal;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * SIGINT, SIGTERM and SIGHUP as one process-wide latch. Left to the JVM they would exit with
 * 128 + signal, skipping the Netdata charts' obsolete lines; handled, the command sees the stop
 * at its next check, detaches, flushes and returns exit code 0. {@link Main} installs the handlers
 * before anything else, so a signal during detection or loading is a stop too. (Before the JVM
 * runs {@code main} the JVM's own handling applies; nothing is loaded then.)
 * ({@code sun.misc.Signal} is in jdk.unsupported: supported in practice, with no public replacement.)
 */
final class StopSignals {
    private static final StopSignals INSTANCE = new StopSignals();

    private final CountDownLatch stop = new CountDownLatch(1);

    private StopSignals() {
        for (String name : new String[] {"INT", "TERM", "HUP"}) {
            Signal.handle(new Signal(name), s -> stop.countDown());
        }
    }

    /** The handlers, installed on first use. */
    static StopSignals install() {
        return INSTANCE;
    }

    /** Whether a stop signal came. */
    boolean stopped() {
        return stop.getCount() == 0;
    }

    /** Waits up to {@code nanos}; true when a stop signal came. */
    boolean awaitNanos(long nanos) throws InterruptedException {
        return stop.await(nanos, TimeUnit.NANOSECONDS);
    }

    /** Waits up to {@code millis}; true when a stop signal came. */
    boolean awaitMillis(long millis) throws InterruptedException {
        return stop.await(millis, TimeUnit.MILLISECONDS);
    }
}
