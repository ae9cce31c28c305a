package io.ebpfnet.cli;

import io.ebpfnet.socket.SocketInterval;

/** Prints one collection interval in some output format. */
interface IntervalPrinter {
    void print(SocketInterval interval);
}
