package io.ebpfnet.benchmarks;

import io.ebpfnet.socket.ProcessTableBuilder;
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
import java.util.concurrent.TimeUnit;

/**
 * The per-CPU merge the collector runs on every read ({@link ProcessTableBuilder}), over a batch
 * buffer laid out as the kernel writes it. No privileges needed. Score: time per whole buffer.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class PerCpuMergeBenchmark {
    @Param({"1024", "16384", "65536"})
    int entries;

    @Param({"2", "64", "256"})
    int cpus;

    private Arena arena;
    private SyntheticMaps maps;
    private ProcessTableBuilder builder;

    @Setup(Level.Trial)
    public void setUp() {
        arena = Arena.ofShared();
        maps = new SyntheticMaps(arena, entries, cpus);
        builder = new ProcessTableBuilder(cpus, SyntheticMaps.STRIDE, SyntheticMaps.KEY_SIZE, maps.valueStride(), entries);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        arena.close();
    }

    @Benchmark
    public int merge() {
        builder.reset().accept(maps.keys, maps.values, entries);
        return builder.size();
    }
}
