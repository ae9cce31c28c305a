package io.ebpfnet.socket;

import io.ebpfnet.core.BpfIterator;
import io.ebpfnet.core.MapReader;
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

import java.util.concurrent.TimeUnit;

/**
 * A read of the collector's real per-CPU {@code processes} map ({@link RealProcessMap}: 16,384 entries)
 * the way {@code SocketCollector.snapshot()} reads it: the .bss written, the {@code read_processes}
 * iterator run (it sums the per-CPU copies in the kernel and writes the rows seen since
 * {@code changed_since_ns}), and the rows merged by key into the previous table by
 * {@link ProcessTableBuilder}. Full: changed_since 0, every row; changed: 100 recently seen rows.
 * Beside them, the kernel's part alone (a sink that only counts), and the old read,
 * {@code bpf_map_lookup_batch} of every entry with all its per-CPU copies, alone.
 * On a kernel that refuses map iterators every read is the collector's read there (batch lookups, copies
 * summed in Java: {@link RealProcessMap#read}), which copies the whole table whatever changed.
 * Needs root (CAP_BPF). Every pass is timed (sample mode), so the report has the fastest pass beside
 * the mean: the C reference reports both too, and on a VM whose speed drifts the fastest is the
 * undisturbed cost.
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

    @Param({"100"})
    int changed;

    private RealProcessMap map;
    private MapReader batch;
    private ProcessTable previous;
    private final BpfIterator.RecordSink countOnly = (records, count) -> { };

    @Setup(Level.Trial)
    public void setUp() {
        map = new RealProcessMap(entries, changed);
        batch = map.processes.reader(1024, MapReader.Method.BATCH);
        map.writeChangedSince(0);
        ProcessTableBuilder first = new ProcessTableBuilder(null, entries);
        map.read(first);
        previous = first.build(); // the previous snapshot's table: every process
        check(previous.size() == entries, "first read: " + previous.size() + " rows, not " + entries);
        check(changedReadAndMerge().size() == entries, "changed read lost rows");
        map.writeChangedSince(RealProcessMap.CHANGED_SINCE_NS);
        check(map.read(countOnly) == changed, "changed read: not " + changed + " rows");
        check(!map.iterates() || map.lastReadBytes() == changed * ProcessTableBuilder.RECORD_SIZE,
                "changed read copied " + map.lastReadBytes() + " bytes");
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        batch.close();
        map.close();
    }

    /** Every row changed: 16,384 merged rows copied and merged into the previous table. */
    @Benchmark
    public ProcessTable fullReadAndMerge() {
        map.writeChangedSince(0);
        ProcessTableBuilder builder = new ProcessTableBuilder(previous, 64);
        map.read(builder);
        return builder.build();
    }

    /** 100 rows changed of 16,384: the iterator still visits every entry, only 100 rows are copied. */
    @Benchmark
    public ProcessTable changedReadAndMerge() {
        map.writeChangedSince(RealProcessMap.CHANGED_SINCE_NS);
        ProcessTableBuilder builder = new ProcessTableBuilder(previous, 64);
        map.read(builder);
        return builder.build();
    }

    /** The full iterator read alone (a sink that only counts): what the kernel and the read calls cost. */
    @Benchmark
    public int fullReadOnly() {
        map.writeChangedSince(0);
        return map.read(countOnly);
    }

    /** The changed-only iterator read alone: the kernel still visits (and sums) every entry. */
    @Benchmark
    public int changedReadOnly() {
        map.writeChangedSince(RealProcessMap.CHANGED_SINCE_NS);
        return map.read(countOnly);
    }

    /** The old read alone, for comparison: batch lookups copying every CPU's copy of every entry. */
    @Benchmark
    public int batchReadOnly() {
        return batch.read((keys, values, count) -> { });
    }

    private static void check(boolean ok, String what) {
        if (!ok) {
            throw new IllegalStateException(what);
        }
    }
}
