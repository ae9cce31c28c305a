package io.ebpfnet.socket;

/** One collection interval: the snapshots at its two ends and the rates between them. */
public record SocketInterval(SocketSnapshot previous, SocketSnapshot current, SocketRates rates) {
}
