package io.ebpfnet.cli;

import sun.misc.Signal;

import java.util.concurrent.CountDownLatch;

/**
 * SIGINT and SIGTERM as a latch. A shutdown hook would run too, but the JVM then exits with
 * 128 + signal; handling the signals lets the collector detach, flush and return exit code 0.
 * ({@code sun.misc.Signal} is in jdk.unsupported: supported in practice, with no public replacement.)
 */
final class StopSignals {
    private final CountDownLatch stop = new CountDownLatch(1);

    StopSignals() {
        Signal.handle(new Signal("INT"), s -> stop.countDown());
        Signal.handle(new Signal("TERM"), s -> stop.countDown());
    }

    /** Waits up to {@code seconds}; true when a stop signal came. */
    boolean await(long seconds) throws InterruptedException {
        return stop.await(seconds, java.util.concurrent.TimeUnit.SECONDS);
    }

    /** Waits up to {@code millis}; true when a stop signal came. */
    boolean awaitMillis(long millis) throws InterruptedException {
        return stop.await(millis, java.util.concurrent.TimeUnit.MILLISECONDS);
    }
}
