package io.ebpfnet.socket;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.TimeUnit;

/**
 * The Java half of every process-table read ({@link ProcessTableBuilder}): the rows the iterator
 * reports changed ({@code struct process_row}, per-CPU copies already summed in the kernel) merged by
 * key into the previous table of {@code rows} processes, as the collector's snapshot does. Every
 * changed row is a process of the previous table (steady state: no new process, none exited).
 * No privileges needed. Score: time per read.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class ProcessMergeBenchmark {
    @Param({"16384"})
    int rows;

    /** Changed rows per read: all of them, or 100. */
    @Param({"16384", "100"})
    int changed;

    private Arena arena;
    private ProcessTable previous;
    private MemorySegment changedRows;

    @Setup(Level.Trial)
    public void setUp() {
        if (changed > rows) {
            throw new IllegalArgumentException("changed (" + changed + ") > rows (" + rows + ")");
        }
        arena = Arena.ofShared();
        previous = SyntheticRows.table(arena, rows);
        // Spread over the table: processes 0, step, 2 step, … with new counters and a later last-seen.
        changedRows = SyntheticRows.rows(arena, changed, 0, rows / changed, 2_000_000, 7);
        if (merge().size() != rows) {
            throw new IllegalStateException("a changed row did not replace its process's row");
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        arena.close();
    }

    @Benchmark
    public ProcessTable merge() {
        ProcessTableBuilder builder = new ProcessTableBuilder(previous, 64); // as SocketCollector.snapshot()
        builder.accept(changedRows, changed);
        return builder.build();
    }
}
