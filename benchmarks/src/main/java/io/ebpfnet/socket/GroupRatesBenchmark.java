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
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

/**
 * Decoding a snapshot's process table and turning it into per-group sums and per-second rates:
 * 16,384 processes in 1,000 groups, every counter. The table is built by {@code ProcessTableBuilder}
 * from records laid out as the process iterator writes them. No privileges needed.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class GroupRatesBenchmark {
    private static final ProcessCounter[] COUNTERS = ProcessCounter.values();

    @Param({"16384"})
    int processes;

    @Param({"1000"})
    int groups;

    private Arena arena;
    private ProcessTable table;
    private int[] groupOfRow;
    private long[] sums;
    private long[] previous;
    private double[] rates;

    @Setup(Level.Trial)
    public void setUp() {
        arena = Arena.ofShared();
        table = SyntheticRows.table(arena, processes); // struct process_row records through ProcessTableBuilder
        groupOfRow = new int[processes];
        for (int i = 0; i < processes; i++) {
            groupOfRow[i] = (int) ((i * 2654435761L) % groups);
        }
        sums = new long[groups * COUNTERS.length];
        previous = new long[sums.length];
        rates = new double[sums.length];
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        arena.close();
    }

    @Benchmark
    public double[] groupSumsAndRates() {
        Arrays.fill(sums, 0);
        int n = table.size();
        for (int row = 0; row < n; row++) {
            int base = groupOfRow[row] * COUNTERS.length;
            for (int c = 0; c < COUNTERS.length; c++) {
                sums[base + c] += table.get(row, COUNTERS[c]);
            }
        }
        double seconds = 5.0;
        for (int i = 0; i < sums.length; i++) {
            rates[i] = (sums[i] - previous[i]) / seconds;
        }
        return rates;
    }
}
