package io.ebpfnet.socket;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Calls a listener every interval with the interval's snapshots and rates, on one daemon thread.
 * Closing it stops the calls and closes the collector (detaching everything).
 *
 * <pre>{@code
 * try (SocketMonitor monitor = SocketMonitor.start(SocketCollector.start(options), Duration.ofSeconds(5),
 *         interval -> System.out.println(interval.rates().perSecond(GlobalCounter.TCP_SEND_BYTES)))) {
 *     ...
 * }
 * }</pre>
 *
 * <p>A listener that throws is not called again; {@link #failure()} returns what it threw.
 *
 * <p>The monitor reads with the collector's own reader ({@link SocketCollector#snapshot()}); anything else
 * that reads the same collector takes a {@link SocketCollector#openReader() reader} of its own, so that
 * neither misses an exited process's final row.
 */
public final class SocketMonitor implements AutoCloseable {
    private final SocketCollector collector;
    private final ScheduledExecutorService timer;
    private final Consumer<SocketInterval> listener;
    private SocketSnapshot previous;
    private volatile Throwable failure;

    private SocketMonitor(SocketCollector collector, long intervalNanos, Consumer<SocketInterval> listener) {
        this.collector = collector;
        this.listener = listener;
        this.previous = collector.snapshot();
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "ebpfnet-socket-monitor");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleAtFixedRate(this::tick, intervalNanos, intervalNanos, TimeUnit.NANOSECONDS);
    }

    /**
     * Starts calling {@code listener} every {@code interval}; the monitor owns {@code collector}, and closes
     * it (detaching its programs) also when it cannot start: a bad interval, a null listener, a failed read.
     */
    public static SocketMonitor start(SocketCollector collector, Duration interval, Consumer<SocketInterval> listener) {
        Objects.requireNonNull(collector, "collector");
        try {
            Objects.requireNonNull(listener, "listener");
            long nanos = Objects.requireNonNull(interval, "interval").toNanos();
            if (nanos <= 0) {
                throw new IllegalArgumentException("interval must be positive: " + interval);
            }
            return new SocketMonitor(collector, nanos, listener);
        } catch (RuntimeException | Error e) {
            collector.close();
            throw e;
        }
    }

    /** What the listener or a read threw, if the calls stopped because of it. */
    public Throwable failure() {
        return failure;
    }

    public SocketCollector collector() {
        return collector;
    }

    @Override
    public void close() {
        timer.shutdownNow();
        try {
            timer.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        collector.close();
    }

    private void tick() {
        try {
            SocketSnapshot current = collector.snapshot();
            SocketInterval interval = new SocketInterval(previous, current, SocketRates.between(previous, current));
            previous = current;
            listener.accept(interval);
        } catch (RuntimeException | Error e) {
            failure = e;
            throw e; // stops further runs of this periodic task
        }
    }
}
