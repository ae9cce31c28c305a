package io.ebpfnet.cli.charts;

import io.ebpfnet.socket.GlobalCounter;
import io.ebpfnet.socket.LoadMode;
import io.ebpfnet.socket.SocketRates;

import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * The nine global charts of Netdata's socket collector, with the directions right: Netdata labels
 * the tcp_sendmsg counters "received" (and the reverse) in ip.tcp_functions and ip.tcp_error, and
 * draws UDP sent bytes as received in ip.total_udp_bandwidth. Here every dimension is the counter its
 * name says. The error charts exist in the return load mode only, as in Netdata.
 */
public enum GlobalChart {
    INBOUND_CONN("ip.inbound_conn", "Inbound connections.", Unit.CONNECTIONS_PER_SECOND, false,
            new Dimension("inet_csk_accept_tcp", "connection_tcp", GlobalCounter.TCP_ACCEPTS, false)),
    TCP_OUTBOUND_CONN("ip.tcp_outbound_conn", "TCP outbound connections.", Unit.CONNECTIONS_PER_SECOND, false,
            new Dimension("tcp_connect_v4", "connected_V4", GlobalCounter.TCP_CONNECT_V4, false),
            new Dimension("tcp_connect_v6", "connected_V6", GlobalCounter.TCP_CONNECT_V6, false)),
    TCP_FUNCTIONS("ip.tcp_functions", "Calls to internal functions", Unit.CALLS_PER_SECOND, false,
            new Dimension("tcp_cleanup_rbuf", "received", GlobalCounter.TCP_RECV_CALLS, false),
            new Dimension("tcp_sendmsg", "sent", GlobalCounter.TCP_SEND_CALLS, false),
            new Dimension("tcp_close", "closed", GlobalCounter.TCP_CLOSES, false)),
    TOTAL_TCP_BANDWIDTH("ip.total_tcp_bandwidth", "TCP bandwidth", Unit.KILOBITS_PER_SECOND, false,
            new Dimension("tcp_cleanup_rbuf", "received", GlobalCounter.TCP_RECV_BYTES, false),
            new Dimension("tcp_sendmsg", "sent", GlobalCounter.TCP_SEND_BYTES, true)),
    TCP_ERROR("ip.tcp_error", "TCP errors", Unit.CALLS_PER_SECOND, true,
            new Dimension("tcp_cleanup_rbuf", "received", GlobalCounter.TCP_RECV_ERRORS, false),
            new Dimension("tcp_sendmsg", "sent", GlobalCounter.TCP_SEND_ERRORS, false)),
    TCP_RETRANSMIT("ip.tcp_retransmit", "Packages retransmitted", Unit.CALLS_PER_SECOND, false,
            new Dimension("tcp_retransmit_skb", "retransmited", GlobalCounter.TCP_RETRANSMITS, false)),
    UDP_FUNCTIONS("ip.udp_functions", "UDP calls", Unit.CALLS_PER_SECOND, false,
            new Dimension("udp_recvmsg", "received", GlobalCounter.UDP_RECV_CALLS, false),
            new Dimension("udp_sendmsg", "sent", GlobalCounter.UDP_SEND_CALLS, false)),
    TOTAL_UDP_BANDWIDTH("ip.total_udp_bandwidth", "UDP bandwidth", Unit.KILOBITS_PER_SECOND, false,
            new Dimension("udp_recvmsg", "received", GlobalCounter.UDP_RECV_BYTES, false),
            new Dimension("udp_sendmsg", "sent", GlobalCounter.UDP_SEND_BYTES, true)),
    UDP_ERROR("ip.udp_error", "UDP errors", Unit.CALLS_PER_SECOND, true,
            new Dimension("udp_recvmsg", "received", GlobalCounter.UDP_RECV_ERRORS, false),
            new Dimension("udp_sendmsg", "sent", GlobalCounter.UDP_SEND_ERRORS, false));

    private final String id;
    private final String title;
    private final Unit unit;
    private final boolean returnModeOnly;
    private final List<Dimension> dimensions;

    GlobalChart(String id, String title, Unit unit, boolean returnModeOnly, Dimension... dimensions) {
        this.id = id;
        this.title = title;
        this.unit = unit;
        this.returnModeOnly = returnModeOnly;
        this.dimensions = List.of(dimensions);
    }

    /** Netdata's chart id (and context), e.g. "ip.total_tcp_bandwidth". */
    public String id() {
        return id;
    }

    public String title() {
        return title;
    }

    public Unit unit() {
        return unit;
    }

    /** Netdata's priority in {@code load}: 21070 upward, counting only the charts published. */
    public int priority(LoadMode load) {
        return 21070 + published(load).indexOf(this);
    }

    public List<Dimension> dimensions() {
        return dimensions;
    }

    /** Whether the chart is published in {@code load}: error charts need the return mode. */
    public boolean publishedIn(LoadMode load) {
        return !returnModeOnly || load == LoadMode.RETURN;
    }

    /** The dimension's value, per second in this chart's unit (never negative). */
    public double value(Dimension dimension, SocketRates rates) {
        return value(dimension, rates::perSecond);
    }

    /** The dimension's value in this chart's unit, from each counter's per-second rate. */
    public double value(Dimension dimension, ToDoubleFunction<GlobalCounter> perSecond) {
        return unit.convert(perSecond.applyAsDouble(dimension.source()));
    }

    /** The charts published in {@code load}, in priority order. */
    public static List<GlobalChart> published(LoadMode load) {
        return java.util.Arrays.stream(values()).filter(c -> c.publishedIn(load)).toList();
    }
}
