package io.ebpfnet.socket;

import io.ebpfnet.core.detect.AttachMode;

/**
 * What the collector loads and how big its tables are. The defaults are those of Netdata's socket collector.
 *
 * @param attachMode               the hooks (from {@code AttachModeChooser})
 * @param loadMode                 entry only, or entry and return (errors, bytes as transferred)
 * @param bandwidthTableSize       entries of the process table
 * @param ipv4ConnectionTableSize  IPv4 connections: sizes the closed-connection buffer (and probe mode's socket table)
 * @param ipv6ConnectionTableSize  IPv6 connections: likewise
 * @param udpConnectionTableSize   kprobe arguments awaiting their kretprobe
 * @param mapsPerCore              per-CPU maps (true) or shared maps updated atomically (false)
 * @param connections              keep the connection tables (false: the
 *                                 programs skip them, one map update less per call, and they take no memory).
 *                                 Always false in legacy mode, which keeps none (see {@link #connectionsOff()})
 * @param ignoreKernelBtf          act as on a kernel without BTF: read neither {@code /sys/kernel/btf/vmlinux}
 *                                 nor let libbpf need it; only the legacy attach mode can start so
 * @param syscallHooks              tracepoint mode: also count {@code splice()} reads from TCP sockets, which no
 *                                 socket tracepoint shows, at the system call's exit. Off by default: enabling
 *                                 any system-call tracepoint makes every system call of every process on the
 *                                 host slower (~65 ns here). The other modes count them anyway.
 */
public record SocketCollectorOptions(AttachMode attachMode, LoadMode loadMode, int bandwidthTableSize,
                                     int ipv4ConnectionTableSize, int ipv6ConnectionTableSize,
                                     int udpConnectionTableSize, boolean mapsPerCore, boolean connections,
                                     boolean ignoreKernelBtf, boolean syscallHooks) {
    /** The largest table size accepted: beyond it the kernel's memory, not the option, is the limit. */
    public static final int MAX_TABLE_SIZE = 1 << 22;

    /** Why legacy mode has no connection table, for the user. */
    public static final String LEGACY_HAS_NO_CONNECTIONS = "the legacy attach mode keeps no connection table: a connection's"
            + " addresses, ports and state are socket fields, which it cannot read without kernel BTF";

    public SocketCollectorOptions {
        if (attachMode == null || loadMode == null) {
            throw new IllegalArgumentException("attach mode and load mode are required");
        }
        checkSize("bandwidth table size", bandwidthTableSize);
        checkSize("ipv4 connection table size", ipv4ConnectionTableSize);
        checkSize("ipv6 connection table size", ipv6ConnectionTableSize);
        checkSize("udp connection table size", udpConnectionTableSize);
        connections &= attachMode != AttachMode.LEGACY;
    }

    /** The options without {@code splice()} reads from TCP sockets in tracepoint mode. */
    public SocketCollectorOptions(AttachMode attachMode, LoadMode loadMode, int bandwidthTableSize,
                                  int ipv4ConnectionTableSize, int ipv6ConnectionTableSize,
                                  int udpConnectionTableSize, boolean mapsPerCore, boolean connections,
                                  boolean ignoreKernelBtf) {
        this(attachMode, loadMode, bandwidthTableSize, ipv4ConnectionTableSize, ipv6ConnectionTableSize,
                udpConnectionTableSize, mapsPerCore, connections, ignoreKernelBtf, false);
    }

    /** The options of a collector that uses the kernel's BTF where its mode needs it. */
    public SocketCollectorOptions(AttachMode attachMode, LoadMode loadMode, int bandwidthTableSize,
                                  int ipv4ConnectionTableSize, int ipv6ConnectionTableSize,
                                  int udpConnectionTableSize, boolean mapsPerCore, boolean connections) {
        this(attachMode, loadMode, bandwidthTableSize, ipv4ConnectionTableSize, ipv6ConnectionTableSize,
                udpConnectionTableSize, mapsPerCore, connections, false);
    }

    /** Netdata's defaults with the given attach mode. */
    public static SocketCollectorOptions defaults(AttachMode attachMode) {
        return new SocketCollectorOptions(attachMode, LoadMode.ENTRY, 16384, 16384, 16384, 4096, true, true, false, false);
    }

    /** Why there is no connection table (legacy mode, or turned off), or null when it is kept. */
    public String connectionsOff() {
        if (attachMode == AttachMode.LEGACY) {
            return LEGACY_HAS_NO_CONNECTIONS;
        }
        return connections ? null : "the collector was started without connections";
    }

    public SocketCollectorOptions withLoadMode(LoadMode mode) {
        return new SocketCollectorOptions(attachMode, mode, bandwidthTableSize, ipv4ConnectionTableSize,
                ipv6ConnectionTableSize, udpConnectionTableSize, mapsPerCore, connections, ignoreKernelBtf, syscallHooks);
    }

    public SocketCollectorOptions withBandwidthTableSize(int size) {
        return new SocketCollectorOptions(attachMode, loadMode, size, ipv4ConnectionTableSize,
                ipv6ConnectionTableSize, udpConnectionTableSize, mapsPerCore, connections, ignoreKernelBtf, syscallHooks);
    }

    public SocketCollectorOptions withMapsPerCore(boolean perCore) {
        return new SocketCollectorOptions(attachMode, loadMode, bandwidthTableSize, ipv4ConnectionTableSize,
                ipv6ConnectionTableSize, udpConnectionTableSize, perCore, connections, ignoreKernelBtf, syscallHooks);
    }

    public SocketCollectorOptions withConnectionTableSizes(int ipv4, int ipv6) {
        return new SocketCollectorOptions(attachMode, loadMode, bandwidthTableSize, ipv4, ipv6,
                udpConnectionTableSize, mapsPerCore, connections, ignoreKernelBtf, syscallHooks);
    }

    public SocketCollectorOptions withConnections(boolean keep) {
        return new SocketCollectorOptions(attachMode, loadMode, bandwidthTableSize, ipv4ConnectionTableSize,
                ipv6ConnectionTableSize, udpConnectionTableSize, mapsPerCore, keep, ignoreKernelBtf, syscallHooks);
    }

    /** Act as on a kernel without BTF (only legacy mode starts then): for tests on kernels that have it. */
    public SocketCollectorOptions withIgnoreKernelBtf(boolean ignore) {
        return new SocketCollectorOptions(attachMode, loadMode, bandwidthTableSize, ipv4ConnectionTableSize,
                ipv6ConnectionTableSize, udpConnectionTableSize, mapsPerCore, connections, ignore, syscallHooks);
    }

    /** Tracepoint mode: count {@code splice()} reads from TCP sockets too (see {@link #syscallHooks()}: a cost to every system call). */
    public SocketCollectorOptions withSyscallHooks(boolean count) {
        return new SocketCollectorOptions(attachMode, loadMode, bandwidthTableSize, ipv4ConnectionTableSize,
                ipv6ConnectionTableSize, udpConnectionTableSize, mapsPerCore, connections, ignoreKernelBtf, count);
    }

    private static void checkSize(String name, int size) {
        if (size < 1 || size > MAX_TABLE_SIZE) {
            throw new IllegalArgumentException(name + " must be between 1 and " + MAX_TABLE_SIZE + ", not " + size);
        }
    }
}
