package io.ebpfnet.socket;

import io.ebpfnet.core.MapReader;

import java.util.Locale;

/**
 * Issue #11's deterministic figure: bytes copied to user space per read of the process table, with
 * every process active and with a few active, measured ({@code BpfIterator.lastReadBytes()}) on the
 * real map ({@link RealProcessMap}), beside the goals and what the old batch read copied. Needs root.
 *
 * <pre>java -cp benchmarks.jar io.ebpfnet.benchmarks.ReadBytes [entries=16384] [active=100]</pre>
 *
 * Exits 1 when a goal is missed.
 */
public final class ReadBytes {
    private ReadBytes() {
    }

    public static void main(String[] args) {
        int entries = args.length > 0 ? Integer.parseInt(args[0]) : 16_384;
        int active = args.length > 1 ? Integer.parseInt(args[1]) : 100;
        boolean ok = true;
        try (RealProcessMap map = new RealProcessMap(entries, active);
             MapReader batch = map.processes.reader(1024, MapReader.Method.BATCH)) {
            long row = ProcessTableBuilder.RECORD_SIZE;
            long fullGoal = entries * row;
            long activeGoal = fullGoal / 50;

            map.writeChangedSince(0);
            ProcessTableBuilder first = new ProcessTableBuilder(null, entries);
            int fullRows = map.read(first);
            long fullBytes = map.lastReadBytes();
            ProcessTable table = first.build();

            map.writeChangedSince(RealProcessMap.CHANGED_SINCE_NS);
            ProcessTableBuilder next = new ProcessTableBuilder(table, 64);
            int activeRows = map.read(next);
            long activeBytes = map.lastReadBytes();
            int merged = next.build().size();

            int batchEntries = batch.read((keys, values, count) -> { });
            long batchBytes = batchEntries * (batch.keySize() + batch.valueBufferSize());

            System.out.printf(Locale.ROOT, "bytes copied to user space per read of the process table (%d possible CPUs, %d-byte rows)%n",
                    map.cpus, row);
            if (fullRows != entries || activeRows != active || merged != entries || batchEntries != entries) {
                System.out.printf("unexpected counts: full %d, active %d, merged %d, batch %d%n", fullRows, activeRows, merged, batchEntries);
                ok = false;
            }
            if (!map.iterates()) {
                // The goals are the iterator's; without it the collector copies every entry's copies at each read.
                System.out.printf(Locale.ROOT, "  the kernel refuses map iterators: the collector's read copies the whole table here,"
                        + " %,d B with %,d active and %,d B with %,d active (the iterator's goals are not measured on this kernel)%n",
                        fullBytes, entries, activeBytes, active);
                System.out.printf(Locale.ROOT, "user_read_full_bytes=%d%nuser_read_active_bytes=%d%nbatch_bytes=%d%n", fullBytes, activeBytes, batchBytes);
                System.out.println(ok ? "read bytes: iterator goals not measured (kernel refuses map iterators)" : "read bytes: UNEXPECTED ROWS");
                System.exit(ok ? 0 : 1);
            }
            ok &= line(String.format(Locale.ROOT, "%,d active of %,d", entries, entries), fullRows, fullBytes, fullGoal,
                    String.format(Locale.ROOT, "%,d x %d", entries, row), batchBytes, batch.keySize(), map.cpus, map.processes.valueStride(), entries);
            ok &= line(String.format(Locale.ROOT, "%,d active of %,d", active, entries), activeRows, activeBytes, activeGoal,
                    String.format(Locale.ROOT, "1/50 of %,d x %d", entries, row), batchBytes, batch.keySize(), map.cpus, map.processes.valueStride(), entries);
            System.out.printf(Locale.ROOT, "iterator_full_bytes=%d%niterator_active_bytes=%d%nbatch_bytes=%d%n", fullBytes, activeBytes, batchBytes);
        }
        System.out.println(ok ? "read bytes: goals met" : "read bytes: GOAL MISSED");
        System.exit(ok ? 0 : 1);
    }

    private static boolean line(String what, int rows, long bytes, long goal, String goalText, long batchBytes,
                                int keySize, int cpus, long valueStride, int entries) {
        boolean met = bytes <= goal;
        System.out.printf(Locale.ROOT, "  %-22s iterator %,11d B (%,d rows)  goal <= %,11d B (%s): %s;  old batch read %,11d B (%,d x (%d + %d x %d)), %.1fx more%n",
                what, bytes, rows, goal, goalText, met ? "met" : "MISSED", batchBytes, entries, keySize, cpus, valueStride,
                bytes == 0 ? Double.POSITIVE_INFINITY : (double) batchBytes / bytes);
        return met;
    }
}
