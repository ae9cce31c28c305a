package io.ebpfnet.cli.prometheus;

import io.ebpfnet.socket.GlobalCounter;
import io.ebpfnet.socket.ProcessCounter;
import io.ebpfnet.socket.ProcessTable;
import io.ebpfnet.socket.SocketCollectorOptions;
import io.ebpfnet.socket.SocketSnapshot;

import io.ebpfnet.socket.groups.GroupTotals;
import io.ebpfnet.socket.groups.SocketGroups;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetEncoder;
import java.nio.charset.CoderResult;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;

/**
 * The Prometheus text exposition (format 0.0.4) of one snapshot: cumulative counters in base units
 * (bytes, not kilobits; calls; connections) named {@code *_total}, with direction, protocol and
 * family labels; per-process series with pid and command; and the collector's own state. One instance
 * renders every interval into the same buffers, so that an interval allocates little more than the
 * body it publishes (tens of kilobytes on a busy host), not the builder's growth and a String copy too.
 */
public final class PrometheusText {
    private final StringBuilder sb = new StringBuilder(8192);
    private final CharsetEncoder utf8 = StandardCharsets.UTF_8.newEncoder();
    private ByteBuffer encoded = ByteBuffer.allocate(8192);

    /**
     * Renders {@code snapshot} as UTF-8; {@code readSeconds} is how long the snapshot's read took. The
     * array is new at each call: the endpoint may still be sending the previous one.
     */
    public byte[] render(SocketSnapshot snapshot, SocketGroups.Totals groups, SocketCollectorOptions options,
                         int programsAttached, double readSeconds) {
        sb.setLength(0);
        family(sb, "ebpfnet_bytes_total", "Bytes sent and received by TCP and UDP calls, since the collector started.");
        counter(sb, "ebpfnet_bytes_total", snapshot.global(GlobalCounter.TCP_SEND_BYTES), "protocol", "tcp", "direction", "sent");
        counter(sb, "ebpfnet_bytes_total", snapshot.global(GlobalCounter.TCP_RECV_BYTES), "protocol", "tcp", "direction", "received");
        counter(sb, "ebpfnet_bytes_total", snapshot.global(GlobalCounter.UDP_SEND_BYTES), "protocol", "udp", "direction", "sent");
        counter(sb, "ebpfnet_bytes_total", snapshot.global(GlobalCounter.UDP_RECV_BYTES), "protocol", "udp", "direction", "received");
        family(sb, "ebpfnet_calls_total", "Send and receive calls on TCP and UDP sockets.");
        counter(sb, "ebpfnet_calls_total", snapshot.global(GlobalCounter.TCP_SEND_CALLS), "protocol", "tcp", "direction", "sent");
        counter(sb, "ebpfnet_calls_total", snapshot.global(GlobalCounter.TCP_RECV_CALLS), "protocol", "tcp", "direction", "received");
        counter(sb, "ebpfnet_calls_total", snapshot.global(GlobalCounter.UDP_SEND_CALLS), "protocol", "udp", "direction", "sent");
        counter(sb, "ebpfnet_calls_total", snapshot.global(GlobalCounter.UDP_RECV_CALLS), "protocol", "udp", "direction", "received");
        family(sb, "ebpfnet_call_errors_total", "Send and receive calls that returned an error (counted in the return load mode and by tracepoints).");
        counter(sb, "ebpfnet_call_errors_total", snapshot.global(GlobalCounter.TCP_SEND_ERRORS), "protocol", "tcp", "direction", "sent");
        counter(sb, "ebpfnet_call_errors_total", snapshot.global(GlobalCounter.TCP_RECV_ERRORS), "protocol", "tcp", "direction", "received");
        counter(sb, "ebpfnet_call_errors_total", snapshot.global(GlobalCounter.UDP_SEND_ERRORS), "protocol", "udp", "direction", "sent");
        counter(sb, "ebpfnet_call_errors_total", snapshot.global(GlobalCounter.UDP_RECV_ERRORS), "protocol", "udp", "direction", "received");
        family(sb, "ebpfnet_tcp_connects_total", "Outbound TCP connection attempts.");
        counter(sb, "ebpfnet_tcp_connects_total", snapshot.global(GlobalCounter.TCP_CONNECT_V4), "family", "ipv4");
        counter(sb, "ebpfnet_tcp_connects_total", snapshot.global(GlobalCounter.TCP_CONNECT_V6), "family", "ipv6");
        family(sb, "ebpfnet_tcp_connect_errors_total", "Outbound TCP connection attempts that failed.");
        counter(sb, "ebpfnet_tcp_connect_errors_total", snapshot.global(GlobalCounter.TCP_CONNECT_V4_ERRORS), "family", "ipv4");
        counter(sb, "ebpfnet_tcp_connect_errors_total", snapshot.global(GlobalCounter.TCP_CONNECT_V6_ERRORS), "family", "ipv6");
        family(sb, "ebpfnet_tcp_accepts_total", "Inbound TCP connections accepted.");
        counter(sb, "ebpfnet_tcp_accepts_total", snapshot.global(GlobalCounter.TCP_ACCEPTS));
        family(sb, "ebpfnet_tcp_closes_total", "TCP sockets closed.");
        counter(sb, "ebpfnet_tcp_closes_total", snapshot.global(GlobalCounter.TCP_CLOSES));
        family(sb, "ebpfnet_tcp_retransmits_total", "TCP retransmissions (one per retransmitted skb).");
        counter(sb, "ebpfnet_tcp_retransmits_total", snapshot.global(GlobalCounter.TCP_RETRANSMITS));

        ProcessTable p = snapshot.processes();
        family(sb, "ebpfnet_process_bytes_total", "Bytes sent and received per process (pid 0: sockets of unknown owner).");
        for (int row = 0; row < p.size(); row++) {
            String pid = Integer.toString(p.tgid(row));
            String comm = p.name(row);
            String cgroup = Long.toString(p.cgroupId(row));
            processCounter(sb, "ebpfnet_process_bytes_total", p.get(row, ProcessCounter.TCP_BYTES_SENT), pid, comm, cgroup, "tcp", "sent");
            processCounter(sb, "ebpfnet_process_bytes_total", p.get(row, ProcessCounter.TCP_BYTES_RECEIVED), pid, comm, cgroup, "tcp", "received");
            processCounter(sb, "ebpfnet_process_bytes_total", p.get(row, ProcessCounter.UDP_BYTES_SENT), pid, comm, cgroup, "udp", "sent");
            processCounter(sb, "ebpfnet_process_bytes_total", p.get(row, ProcessCounter.UDP_BYTES_RECEIVED), pid, comm, cgroup, "udp", "received");
        }

        groupFamily(sb, "ebpfnet_app_bytes_total", "app_group", "Bytes per application group (apps_groups.conf); exited processes stay counted.", groups.apps());
        groupFamily(sb, "ebpfnet_cgroup_bytes_total", "cgroup", "Bytes per cgroup v2; exited processes stay counted.", groups.cgroups());
        groupFamily(sb, "ebpfnet_service_bytes_total", "service", "Bytes per systemd service; exited processes stay counted.", groups.services());

        sb.append("# HELP ebpfnet_attach_mode_info The attach mode and load mode in use.\n# TYPE ebpfnet_attach_mode_info gauge\n");
        sample(sb, "ebpfnet_attach_mode_info", 1, "mode", options.attachMode().cliName(), "load_mode", options.loadMode().configName());
        sb.append("# HELP ebpfnet_programs_attached BPF programs attached.\n# TYPE ebpfnet_programs_attached gauge\n");
        sample(sb, "ebpfnet_programs_attached", programsAttached);
        family(sb, "ebpfnet_refused_inserts_total", "Entries a full kernel table refused (the global counters still count them).");
        for (GlobalCounter refused : GlobalCounter.REFUSED_INSERTS) {
            counter(sb, "ebpfnet_refused_inserts_total", snapshot.global(refused), "table", refused.refusedTable());
        }
        family(sb, "ebpfnet_insert_failures_total", "Inserts into kernel tables with room that the kernel failed (a lock or memory it could not get);"
                + " the global counters still count them.");
        counter(sb, "ebpfnet_insert_failures_total", snapshot.global(GlobalCounter.INSERTS_FAILED));
        family(sb, "ebpfnet_tcp_destroys_missed_total", "TCP sockets the kernel freed without tcp_destroy_sock; their final record came from their release.");
        counter(sb, "ebpfnet_tcp_destroys_missed_total", snapshot.global(GlobalCounter.TCP_DESTROYS_MISSED));
        sb.append("# HELP ebpfnet_last_read_duration_seconds How long the last read of the kernel maps took.\n")
                .append("# TYPE ebpfnet_last_read_duration_seconds gauge\n");
        sb.append("ebpfnet_last_read_duration_seconds ").append(String.format(Locale.ROOT, "%.6f", readSeconds)).append('\n');
        return encode();
    }

    private byte[] encode() {
        if (encoded.capacity() < sb.length() * 3) { // UTF-8 needs at most three bytes per char
            encoded = ByteBuffer.allocate(sb.length() * 3);
        }
        CoderResult result = utf8.reset().encode(CharBuffer.wrap(sb), encoded.clear(), true);
        if (!result.isUnderflow() || !utf8.flush(encoded).isUnderflow()) {
            throw new IllegalStateException("UTF-8 encoding of the metrics: " + result); // only with unpaired surrogates
        }
        return Arrays.copyOf(encoded.array(), encoded.position());
    }

    private static void groupFamily(StringBuilder sb, String name, String label, String help, Map<String, long[]> totals) {
        if (totals.isEmpty()) {
            return;
        }
        family(sb, name, help);
        for (Map.Entry<String, long[]> g : totals.entrySet()) {
            long[] t = g.getValue();
            counter(sb, name, GroupTotals.get(t, ProcessCounter.TCP_BYTES_SENT), label, g.getKey(), "protocol", "tcp", "direction", "sent");
            counter(sb, name, GroupTotals.get(t, ProcessCounter.TCP_BYTES_RECEIVED), label, g.getKey(), "protocol", "tcp", "direction", "received");
            counter(sb, name, GroupTotals.get(t, ProcessCounter.UDP_BYTES_SENT), label, g.getKey(), "protocol", "udp", "direction", "sent");
            counter(sb, name, GroupTotals.get(t, ProcessCounter.UDP_BYTES_RECEIVED), label, g.getKey(), "protocol", "udp", "direction", "received");
        }
    }

    private static void family(StringBuilder sb, String name, String help) {
        sb.append("# HELP ").append(name).append(' ').append(help).append('\n');
        sb.append("# TYPE ").append(name).append(" counter\n");
    }

    private static void counter(StringBuilder sb, String name, long value, String... labels) {
        sample(sb, name, value, labels);
    }

    private static void processCounter(StringBuilder sb, String name, long value, String pid, String comm, String cgroupId,
                                       String protocol, String direction) {
        sample(sb, name, value, "pid", pid, "comm", comm, "cgroup_id", cgroupId, "protocol", protocol, "direction", direction);
    }

    private static void sample(StringBuilder sb, String name, long value, String... labels) {
        sb.append(name);
        if (labels.length > 0) {
            sb.append('{');
            for (int i = 0; i < labels.length; i += 2) {
                if (i > 0) {
                    sb.append(',');
                }
                sb.append(labels[i]).append("=\"").append(escape(labels[i + 1])).append('"');
            }
            sb.append('}');
        }
        sb.append(' ').append(value).append('\n');
    }

    /** Label values escape backslash, double quote and newline. */
    static String escape(String value) {
        return value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }
}
