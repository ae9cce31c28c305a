/**
 * The socket collector. {@link io.ebpfnet.socket.SocketCollector#start} loads and attaches the programs
 * {@link io.ebpfnet.socket.SocketCollectorOptions} select (an attach mode, a load mode, table sizes);
 * {@link io.ebpfnet.socket.SocketCollector#snapshot()} reads the global counters
 * ({@link io.ebpfnet.socket.GlobalCounter}) and one row per process and cgroup
 * ({@link io.ebpfnet.socket.ProcessTable}, {@link io.ebpfnet.socket.ProcessCounter}), copying only what
 * changed; {@link io.ebpfnet.socket.SocketRates} are per-second rates between two snapshots;
 * {@link io.ebpfnet.socket.SocketCollector#connections(boolean)} lists sockets and closed connections
 * ({@link io.ebpfnet.socket.ConnectionTable}). {@link io.ebpfnet.socket.SocketMonitor} polls on a thread
 * of its own. What each counter means in each attach mode: docs/metrics.md.
 */
package io.ebpfnet.socket;
