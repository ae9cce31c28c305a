package io.ebpfnet.socket;

import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The rows of exited processes still in the kernel's table, and the read that first reported each one:
 * a row is released (its kernel row deleted) once every open reader has taken a read at or after that
 * one, so that no reader misses a process's final counts and no row outlives its readers.
 * Exits are per process, not per event: the one object per exited row is not on a hot path.
 */
final class ExitedRows {
    /** A process table key. */
    record Key(int tgid, long startNanos, long cgroupId) {
        static Key of(ProcessTable table, int row) {
            return new Key(table.tgid(row), table.startNanos(row), table.cgroupId(row));
        }
    }

    /** Deletes a released row from the kernel's table. */
    @FunctionalInterface
    interface Release {
        void delete(Key key);
    }

    // insertion order is the order of the reads that reported them: released from the head
    private final Map<Key, Long> reported = new LinkedHashMap<>();
    private Set<Key> released = new HashSet<>();

    /** Notes the rows {@code table} (read number {@code read}) marks exited that no earlier read reported. */
    void note(ProcessTable table, long read) {
        if (!table.anyExited()) {
            return;
        }
        for (int row = 0; row < table.size(); row++) {
            if (table.exited(row)) {
                reported.putIfAbsent(Key.of(table, row), read);
            }
        }
    }

    /** Releases every row first reported by read {@code seenByAll} or earlier: every reader has had it. */
    void release(long seenByAll, Release release) {
        for (Iterator<Map.Entry<Key, Long>> it = reported.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<Key, Long> e = it.next();
            if (e.getValue() > seenByAll) {
                return;
            }
            release.delete(e.getKey());
            released.add(e.getKey());
            it.remove();
        }
    }

    /** The rows released since the last call: the next table leaves them out. */
    Set<Key> takeReleased() {
        if (released.isEmpty()) {
            return Set.of();
        }
        Set<Key> taken = released;
        released = new HashSet<>();
        return taken;
    }

    /** Rows reported exited and not yet released. */
    int pending() {
        return reported.size();
    }
}
