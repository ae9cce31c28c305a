package io.ebpfnet.socket;

/** How much a counter grew between two snapshots, for this JVM's process or globally. */
final class Deltas {
    static final int PID = (int) ProcessHandle.current().pid();

    private Deltas() {
    }

    static long delta(SocketSnapshot before, SocketSnapshot after, ProcessCounter c) {
        return after.processes().sum(PID, c) - before.processes().sum(PID, c);
    }

    static long delta(SocketSnapshot before, SocketSnapshot after, GlobalCounter c) {
        return after.global(c) - before.global(c);
    }
}
