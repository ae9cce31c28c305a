package io.ebpfnet.cli.config;

import io.ebpfnet.cli.config.CoreTracing;
import io.ebpfnet.cli.config.TypeFormat;
import io.ebpfnet.socket.LoadMode;

import java.util.List;
import java.util.Map;

/**
 * The collector's configuration, checked: every option of Netdata's {@code network.conf} with the
 * same meaning and default, plus the connection-view and apps-groups settings, and where each was set.
 */
public record CollectorConfig(int updateEvery, LoadMode loadMode, boolean apps, boolean cgroups, int bandwidthTableSize,
                              int ipv4ConnectionTableSize, int ipv6ConnectionTableSize, int udpConnectionTableSize,
                              TypeFormat typeFormat, CoreTracing coreTracing, boolean mapsPerCore, int lifetime,
                              String appsGroupsFile, boolean syscallHooks, boolean connectionsEnabled, String connectionPorts,
                              String connectionIps, String connectionHostnames, boolean connectionsIncludeLoopback,
                              boolean resolveHostnames, boolean resolveServiceNames, String source,
                              List<String> warnings, Map<ConfigKey, String> origins) {

    /** Whether a file set {@code key} (otherwise its value is the default). */
    public boolean isSet(ConfigKey key) {
        return origins.containsKey(key);
    }

    /** Where a file set {@code key} ("FILE:LINE"), or "(default)". */
    public String origin(ConfigKey key) {
        return origins.getOrDefault(key, "(default)");
    }

    /** Every default. */
    public static CollectorConfig defaults() {
        try {
            return ConfigLoader.from(new RawConfig(), "(defaults)");
        } catch (ConfigException e) {
            throw new AssertionError("the defaults are invalid", e);
        }
    }
}
