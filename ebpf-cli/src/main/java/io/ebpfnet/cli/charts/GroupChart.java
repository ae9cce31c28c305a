package io.ebpfnet.cli.charts;

import io.ebpfnet.socket.ProcessCounter;

import java.util.List;

/**
 * The seed's per-group charts: one chart per group and metric, for applications ({@code app.*},
 * label {@code app_group}), cgroups ({@code cgroup.*}) and systemd services ({@code services.*}).
 * Bandwidth is TCP and UDP together.
 */
public enum GroupChart {
    CONN_IPV4("ebpf_call_tcp_v4_connection", "net_conn_ipv4", "net_conn_ipv4", Unit.CONNECTIONS_PER_SECOND,
            dim("connections", ProcessCounter.TCP_V4_CONNECTS)),
    CONN_IPV6("ebpf_call_tcp_v6_connection", "net_conn_ipv6", "net_conn_ipv6", Unit.CONNECTIONS_PER_SECOND,
            dim("connections", ProcessCounter.TCP_V6_CONNECTS)),
    BANDWIDTH("ebpf_sock_total_bandwidth", "net_total_bandwidth", "net_total_bandwidth", Unit.KILOBITS_PER_SECOND,
            dim("received", ProcessCounter.TCP_BYTES_RECEIVED, ProcessCounter.UDP_BYTES_RECEIVED),
            dim("sent", ProcessCounter.TCP_BYTES_SENT, ProcessCounter.UDP_BYTES_SENT)),
    TCP_SEND("ebpf_call_tcp_sendmsg", "net_tcp_send", "net_tcp_send", Unit.CALLS_PER_SECOND,
            dim("calls", ProcessCounter.TCP_SEND_CALLS)),
    TCP_RECV("ebpf_call_tcp_cleanup_rbuf", "net_tcp_recv", "net_tcp_recv", Unit.CALLS_PER_SECOND,
            dim("calls", ProcessCounter.TCP_RECV_CALLS)),
    RETRANSMIT("ebpf_call_tcp_retransmit", "net_retransmit", "net_tcp_retransmit", Unit.CALLS_PER_SECOND,
            dim("calls", ProcessCounter.TCP_RETRANSMITS)),
    UDP_SEND("ebpf_call_udp_sendmsg", "net_udp_send", "net_udp_send", Unit.CALLS_PER_SECOND,
            dim("calls", ProcessCounter.UDP_SEND_CALLS)),
    UDP_RECV("ebpf_call_udp_recvmsg", "net_udp_recv", "net_udp_recv", Unit.CALLS_PER_SECOND,
            dim("calls", ProcessCounter.UDP_RECV_CALLS));

    /** A dimension: its name and the counters summed into it. */
    public record Dim(String name, List<ProcessCounter> counters) {
        /** The dimension's cumulative value in a group's totals. */
        public long value(long[] totals) {
            long v = 0;
            for (ProcessCounter c : counters) {
                v += totals[c.ordinal()];
            }
            return v;
        }
    }

    /** Which kind of group. */
    public enum Scope {
        APPS("app"), CGROUPS("cgroup"), SERVICES("services");

        private final String prefix;

        Scope(String prefix) {
            this.prefix = prefix;
        }

        public String prefix() {
            return prefix;
        }
    }

    private final String app;
    private final String cgroup;
    private final String service;
    private final Unit unit;
    private final List<Dim> dims;

    GroupChart(String app, String cgroup, String service, Unit unit, Dim... dims) {
        this.app = app;
        this.cgroup = cgroup;
        this.service = service;
        this.unit = unit;
        this.dims = List.of(dims);
    }

    private static Dim dim(String name, ProcessCounter... counters) {
        return new Dim(name, List.of(counters));
    }

    /** The context, e.g. "app.ebpf_call_tcp_sendmsg", "cgroup.net_tcp_send", "services.net_tcp_send". */
    public String context(Scope scope) {
        return scope.prefix() + "." + switch (scope) {
            case APPS -> app;
            case CGROUPS -> cgroup;
            case SERVICES -> service;
        };
    }

    public Unit unit() {
        return unit;
    }

    public List<Dim> dimensions() {
        return dims;
    }
}
