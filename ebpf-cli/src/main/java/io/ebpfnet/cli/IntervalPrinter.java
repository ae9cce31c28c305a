package io.ebpfnet.cli;

import io.ebpfnet.socket.SocketInterval;
import io.ebpfnet.socket.groups.SocketGroups;

/** Prints one collection interval in some output format. */
interface IntervalPrinter {
    /**
     * One interval: the snapshots and global rates, and the group totals at both ends (empty maps
     * when grouping is off).
     */
    record Interval(SocketInterval socket, SocketGroups.Totals groupsBefore, SocketGroups.Totals groupsNow, SocketGroups groups) {
    }

    void print(Interval interval);
}
