package io.ebpfnet.socket;

import io.ebpfnet.core.detect.AttachMode;

/**
 * What the collector loads and how big its tables are. Defaults are Netdata's ({@code network.conf}).
 *
 * @param attachMode               the hooks (from {@code AttachModeChooser})
 * @param loadMode                 {@code ebpf load mode}
 * @param bandwidthTableSize       {@code bandwidth table size}: per-process entries
 * @param ipv4ConnectionTableSize  {@code ipv4 connection table size}
 * @param ipv6ConnectionTableSize  {@code ipv6 connection table size}
 * @param udpConnectionTableSize   {@code udp connection table size}: kprobe arguments awaiting their kretprobe
 * @param mapsPerCore              {@code maps per core}: per-CPU maps (yes) or shared maps updated atomically (no)
 * @param connections              {@code [network connections] enabled}: keep the connection tables (no: the
 *                                 programs skip them, one map update less per call, and they take no memory)
 */
public record SocketCollectorOptions(AttachMode attachMode, LoadMode loadMode, int bandwidthTableSize,
                                     int ipv4ConnectionTableSize, int ipv6ConnectionTableSize,
                                     int udpConnectionTableSize, boolean mapsPerCore, boolean connections) {
    /** The largest table size accepted: beyond it the kernel's memory, not the option, is the limit. */
    public static final int MAX_TABLE_SIZE = 1 << 22;

    public SocketCollectorOptions {
        if (attachMode == null || loadMode == null) {
            throw new IllegalArgumentException("attach mode and load mode are required");
        }
        checkSize("bandwidth table size", bandwidthTableSize);
        checkSize("ipv4 connection table size", ipv4ConnectionTableSize);
        checkSize("ipv6 connection table size", ipv6ConnectionTableSize);
        checkSize("udp connection table size", udpConnectionTableSize);
    }

    /** Netdata's defaults with the given attach mode. */
    public static SocketCollectorOptions defaults(AttachMode attachMode) {
        return new SocketCollectorOptions(attachMode, LoadMode.ENTRY, 16384, 16384, 16384, 4096, true, true);
    }

    public SocketCollectorOptions withLoadMode(LoadMode mode) {
        return new SocketCollectorOptions(attachMode, mode, bandwidthTableSize, ipv4ConnectionTableSize,
                ipv6ConnectionTableSize, udpConnectionTableSize, mapsPerCore, connections);
    }

    public SocketCollectorOptions withBandwidthTableSize(int size) {
        return new SocketCollectorOptions(attachMode, loadMode, size, ipv4ConnectionTableSize,
                ipv6ConnectionTableSize, udpConnectionTableSize, mapsPerCore, connections);
    }

    public SocketCollectorOptions withMapsPerCore(boolean perCore) {
        return new SocketCollectorOptions(attachMode, loadMode, bandwidthTableSize, ipv4ConnectionTableSize,
                ipv6ConnectionTableSize, udpConnectionTableSize, perCore, connections);
    }

    public SocketCollectorOptions withConnectionTableSizes(int ipv4, int ipv6) {
        return new SocketCollectorOptions(attachMode, loadMode, bandwidthTableSize, ipv4, ipv6,
                udpConnectionTableSize, mapsPerCore, connections);
    }

    public SocketCollectorOptions withConnections(boolean keep) {
        return new SocketCollectorOptions(attachMode, loadMode, bandwidthTableSize, ipv4ConnectionTableSize,
                ipv6ConnectionTableSize, udpConnectionTableSize, mapsPerCore, keep);
    }

    private static void checkSize(String name, int size) {
        if (size < 1 || size > MAX_TABLE_SIZE) {
            throw new IllegalArgumentException(name + " must be between 1 and " + MAX_TABLE_SIZE + ", not " + size);
        }
    }
}
