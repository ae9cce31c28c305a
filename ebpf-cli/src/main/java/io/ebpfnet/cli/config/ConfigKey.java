package io.ebpfnet.cli.config;

import java.util.List;
import java.util.Locale;

/**
 * Every configuration key: its Netdata name (in {@code network.conf}), its TOML name (the same in
 * snake_case), its section, what values it takes and its default. docs/configuration.md lists them.
 */
public enum ConfigKey {
    UPDATE_EVERY("global", "update every", Kind.INTEGER, "5", 1, 3600),
    EBPF_LOAD_MODE("global", "ebpf load mode", Kind.CHOICE, "entry", "entry", "return"),
    APPS("global", "apps", Kind.BOOLEAN, "no"),
    CGROUPS("global", "cgroups", Kind.BOOLEAN, "no"),
    BANDWIDTH_TABLE_SIZE("global", "bandwidth table size", Kind.INTEGER, "16384", 1, 4_194_304),
    IPV4_CONNECTION_TABLE_SIZE("global", "ipv4 connection table size", Kind.INTEGER, "16384", 1, 4_194_304),
    IPV6_CONNECTION_TABLE_SIZE("global", "ipv6 connection table size", Kind.INTEGER, "16384", 1, 4_194_304),
    UDP_CONNECTION_TABLE_SIZE("global", "udp connection table size", Kind.INTEGER, "4096", 1, 4_194_304),
    EBPF_TYPE_FORMAT("global", "ebpf type format", Kind.CHOICE, "auto", "auto", "legacy", "co-re"),
    EBPF_CORE_TRACING("global", "ebpf co-re tracing", Kind.CHOICE, "trampoline", "trampoline", "probe", "tracepoint"),
    MAPS_PER_CORE("global", "maps per core", Kind.BOOLEAN, "yes"),
    LIFETIME("global", "lifetime", Kind.INTEGER, "300", 0, Integer.MAX_VALUE),
    APPS_GROUPS_FILE("global", "apps groups file", Kind.STRING, ""),
    SYSCALL_HOOKS("global", "syscall hooks", Kind.BOOLEAN, "no"),
    CONNECTIONS_ENABLED("network connections", "enabled", Kind.BOOLEAN, "yes"),
    CONNECTIONS_PORTS("network connections", "ports", Kind.STRING, "*"),
    CONNECTIONS_IPS("network connections", "ips", Kind.STRING, "*"),
    CONNECTIONS_HOSTNAMES("network connections", "hostnames", Kind.STRING, "*"),
    CONNECTIONS_LOOPBACK("network connections", "include loopback", Kind.BOOLEAN, "yes"),
    RESOLVE_HOSTNAMES("network connections", "resolve hostnames", Kind.BOOLEAN, "no"),
    RESOLVE_SERVICE_NAMES("network connections", "resolve service names", Kind.BOOLEAN, "no");

    /**
     * The {@code [global]} keys Netdata's ebpf.plugin reads from {@code ebpf.d.conf} and lets each thread's file
     * ({@code network.conf} for the socket thread) override.
     */
    public static final java.util.Set<ConfigKey> EBPF_D_CONF_KEYS = java.util.Collections.unmodifiableSet(java.util.EnumSet.of(
            UPDATE_EVERY, EBPF_LOAD_MODE, APPS, CGROUPS, EBPF_TYPE_FORMAT, EBPF_CORE_TRACING, MAPS_PER_CORE, LIFETIME));

    /** How a value is checked. */
    public enum Kind { INTEGER, BOOLEAN, CHOICE, STRING }

    private final String section;
    private final String netdataName;
    private final Kind kind;
    private final String defaultValue;
    private final List<String> choices;
    private final long min;
    private final long max;

    ConfigKey(String section, String netdataName, Kind kind, String defaultValue, String... choices) {
        this(section, netdataName, kind, defaultValue, 0, 0, choices);
    }

    ConfigKey(String section, String netdataName, Kind kind, String defaultValue, long min, long max) {
        this(section, netdataName, kind, defaultValue, min, max, new String[0]);
    }

    ConfigKey(String section, String netdataName, Kind kind, String defaultValue, long min, long max, String[] choices) {
        this.section = section;
        this.netdataName = netdataName;
        this.kind = kind;
        this.defaultValue = defaultValue;
        this.min = min;
        this.max = max;
        this.choices = List.of(choices);
    }

    /** "global" or "network connections" (TOML: {@code [global]}, {@code [network_connections]}). */
    public String section() {
        return section;
    }

    public String netdataName() {
        return netdataName;
    }

    /** The TOML key: Netdata's name in snake_case ("update_every", "ebpf_co_re_tracing"). */
    public String tomlName() {
        return snake(netdataName);
    }

    public String tomlSection() {
        return snake(section);
    }

    public Kind kind() {
        return kind;
    }

    public String defaultValue() {
        return defaultValue;
    }

    public List<String> choices() {
        return choices;
    }

    public long min() {
        return min;
    }

    public long max() {
        return max;
    }

    /** What the key accepts, in words, for error messages. */
    public String allowed() {
        return switch (kind) {
            case INTEGER -> "a whole number from " + min + " to " + max;
            case BOOLEAN -> "yes or no";
            case CHOICE -> "one of " + String.join(", ", choices);
            case STRING -> "text";
        };
    }

    /** The sections, as Netdata's file ({@code toml} false) or TOML names them. */
    static List<String> sections(boolean toml) {
        return java.util.Arrays.stream(values()).map(k -> toml ? k.tomlSection() : k.section()).distinct().toList();
    }

    static String snake(String name) {
        return name.toLowerCase(Locale.ROOT).replace('-', '_').replace(' ', '_');
    }
}
