package io.ebpfnet.socket.groups;

import io.ebpfnet.socket.ProcessCounter;
import io.ebpfnet.socket.ProcessTable;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.IntConsumer;

/**
 * Cumulative counters per group (application, cgroup or service), which never go backwards: a
 * process's last counts stay in its group's total after it exits and its row disappears. Feed it
 * every snapshot's process table in order.
 */
public final class GroupTotals {
    /** The group of a row of a process table, or null to leave the row out. */
    @FunctionalInterface
    public interface RowGroup {
        String of(ProcessTable table, int row);
    }

    private record RowKey(int tgid, long startNanos, long cgroupId) {
    }

    private static final class RowState {
        final String group;
        final long[] counts = new long[COUNTERS.length];

        RowState(String group) {
            this.group = group;
        }
    }

    private static final ProcessCounter[] COUNTERS = ProcessCounter.values();

    private final RowGroup grouping;
    private final IntConsumer onProcessGone;
    private final Map<RowKey, RowState> live = new HashMap<>();
    private final Map<String, long[]> retired = new HashMap<>();

    /**
     * @param grouping      the group of each row (decided the first time a row is seen)
     * @param onProcessGone called with the tgid of a process whose last row disappeared
     */
    public GroupTotals(RowGroup grouping, IntConsumer onProcessGone) {
        this.grouping = grouping;
        this.onProcessGone = onProcessGone;
    }

    /** Takes in one snapshot's table and returns every group's cumulative counters, by group name. */
    public Map<String, long[]> update(ProcessTable table) {
        Map<RowKey, RowState> seen = new HashMap<>();
        for (int row = 0; row < table.size(); row++) {
            RowKey key = new RowKey(table.tgid(row), table.startNanos(row), table.cgroupId(row));
            RowState state = live.get(key);
            if (state == null) {
                String group = grouping.of(table, row);
                if (group == null) {
                    continue;
                }
                state = new RowState(group);
            }
            for (int c = 0; c < COUNTERS.length; c++) {
                state.counts[c] = table.get(row, COUNTERS[c]);
            }
            seen.put(key, state);
        }
        List<Integer> gone = new ArrayList<>();
        for (Iterator<Map.Entry<RowKey, RowState>> it = live.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<RowKey, RowState> e = it.next();
            if (!seen.containsKey(e.getKey())) {
                add(retired.computeIfAbsent(e.getValue().group, g -> new long[COUNTERS.length]), e.getValue().counts);
                gone.add(e.getKey().tgid());
                it.remove();
            }
        }
        live.clear();
        live.putAll(seen);
        if (!gone.isEmpty()) {
            // One pass over the live rows, not one per gone process: a batch host retires thousands at once.
            Set<Integer> stillLive = new HashSet<>();
            live.keySet().forEach(k -> stillLive.add(k.tgid()));
            for (int tgid : gone) {
                if (!stillLive.contains(tgid)) {
                    onProcessGone.accept(tgid);
                }
            }
        }
        Map<String, long[]> totals = new TreeMap<>();
        retired.forEach((g, counts) -> add(totals.computeIfAbsent(g, x -> new long[COUNTERS.length]), counts));
        live.values().forEach(s -> add(totals.computeIfAbsent(s.group, x -> new long[COUNTERS.length]), s.counts));
        return totals;
    }

    /** The value of {@code counter} in a totals array. */
    public static long get(long[] totals, ProcessCounter counter) {
        return totals[counter.ordinal()];
    }

    private static void add(long[] into, long[] counts) {
        for (int i = 0; i < into.length; i++) {
            into[i] += counts[i];
        }
    }
}
