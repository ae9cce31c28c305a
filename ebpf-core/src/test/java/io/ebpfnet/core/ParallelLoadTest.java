package io.ebpfnet.core;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** How a load is split over CPUs: pinned cases, and every program loaded exactly once. */
class ParallelLoadTest {
    // shaped like socket.bpf.o's tracepoint-mode programs: two equal large ones that must not share a group
    private static final Map<String, Long> SIZES = Map.of("set_state", 3000L, "set_state_nested", 3000L,
            "send_length", 2000L, "recv_length", 2000L, "destroy", 600L, "destroy_nested", 600L, "exit", 40L);

    private static List<List<String>> split(int cpus, long minimum) {
        return ParallelLoad.groups(List.copyOf(SIZES.keySet()), SIZES::get, cpus, minimum);
    }

    private static long size(List<String> group) {
        return group.stream().mapToLong(SIZES::get).sum();
    }

    @Test
    void oneCpuLoadsEverythingAsOneGroup() {
        assertEquals(1, split(1, 0).size());
    }

    @Test
    void aSmallObjectIsNotSplit() {
        assertEquals(1, split(8, ParallelLoad.MINIMUM_INSTRUCTIONS * 10).size());
    }

    @Test
    void twoCpusLoadEverythingAsOneGroup() {
        assertEquals(1, split(2, 0).size());
    }

    @Test
    void threeCpusGetThreeGroupsOfAboutEqualSize() {
        List<List<String>> groups = split(3, ParallelLoad.MINIMUM_INSTRUCTIONS);
        assertEquals(3, groups.size());
        // largest first, each to the lightest group: 3000+600+40, 3000+600, 2000+2000
        assertEquals(List.of(3600L, 3640L, 4000L), groups.stream().map(ParallelLoadTest::size).sorted().toList());
        // the two largest, identical programs go to different CPUs
        assertTrue(groups.stream().noneMatch(g -> g.contains("set_state") && g.contains("set_state_nested")), groups.toString());
    }

    @Test
    void neverMoreThanFourThreadsNorMoreGroupsThanPrograms() {
        assertEquals(ParallelLoad.MAXIMUM_THREADS, split(256, 0).size());
        assertEquals(2, ParallelLoad.groups(List.of("a", "b"), p -> 5000L, 64, 0).size());
    }

    @Test
    void everyProgramIsInExactlyOneGroup() {
        for (int cpus = 1; cpus <= 8; cpus++) {
            List<String> all = new ArrayList<>();
            split(cpus, 0).forEach(all::addAll);
            assertEquals(SIZES.keySet().stream().sorted().toList(), all.stream().sorted().toList(), "cpus " + cpus);
        }
    }
}
