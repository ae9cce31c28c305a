package io.ebpfnet.benchmarks;

import io.ebpfnet.core.BpfMap;
import io.ebpfnet.core.BpfObject;
import io.ebpfnet.core.BpfProgram;
import io.ebpfnet.core.MapReader;
import io.ebpfnet.core.PossibleCpus;
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
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.concurrent.TimeUnit;

/**
 * A full read of the collector's real per-CPU {@code processes} map (16,384 entries), by batches and
 * key by key, merged by the collector's own code. Needs root (CAP_BPF): the map is created in the kernel.
 * Every pass is timed (sample mode), so the report has the fastest pass beside the mean: the C
 * reference reports both too, and on a VM whose speed drifts the fastest is the undisturbed cost.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class RealMapReadBenchmark {
    @Param({"16384"})
    int entries;

    private BpfObject object;
    private MapReader batch;
    private MapReader perKey;
    private ProcessTableBuilder builder;

    @Setup(Level.Trial)
    public void setUp() {
        object = BpfObject.openResource(ProcessTableBuilder.class, "/io/ebpfnet/socket/bpf/socket.bpf.o", "socket_bench");
        for (BpfProgram p : object.programs()) {
            p.setAutoload(false); // the maps only
        }
        object.map("processes").setMaxEntries(entries);
        object.load();
        BpfMap map = object.map("processes");
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment key = arena.allocate(map.keySize(), 8);
            MemorySegment value = arena.allocate(map.valueBufferSize(), 8);
            for (int i = 0; i < entries; i++) {
                key.set(ValueLayout.JAVA_INT, 0, 1000 + i);
                key.set(ValueLayout.JAVA_LONG, 8, 42L + i);
                key.set(ValueLayout.JAVA_LONG, 16, 7);
                for (long off = 0; off < value.byteSize(); off += 8) {
                    value.set(ValueLayout.JAVA_LONG, off, i + off);
                }
                map.update(key, value, BpfMap.UpdateFlag.ANY);
            }
        }
        batch = map.reader(1024, MapReader.Method.BATCH);
        perKey = map.reader(1024, MapReader.Method.PER_KEY);
        builder = new ProcessTableBuilder(PossibleCpus.count(), map.valueStride(), batch.keySize(), batch.valueBufferSize(), entries);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        batch.close();
        perKey.close();
        object.close();
    }

    @Benchmark
    public int batchReadAndMerge() {
        builder.reset();
        return batch.read(builder);
    }

    /** The batch read alone (a consumer that only counts): what the kernel and the downcalls cost. */
    @Benchmark
    public int batchReadOnly() {
        return batch.read((keys, values, count) -> { });
    }

    @Benchmark
    public int perKeyReadAndMerge() {
        builder.reset();
        return perKey.read(builder);
    }
}
