package io.ebpfnet.cli.connections;

import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Locale;

/**
 * Netdata's {@code [network connections]} selection: which connections to show, by the service port
 * (the remote port of an outbound connection, the local port of an inbound one), the remote address,
 * and, when names are resolved, the remote host name; loopback on or off.
 *
 * <p>Ports: numbers and {@code a-b} ranges. IPs: addresses, CIDR blocks ({@code 10.0.0.0/8},
 * {@code fc00::/7}) and {@code a-b} ranges, IPv4 or IPv6. Host names: {@code *} wildcards. Each list
 * takes {@code !} exclusions, first match deciding.
 */
public final class ConnectionFilter {
    private final SimplePattern<Integer> ports;
    private final SimplePattern<InetAddress> ips;
    private final SimplePattern<String> hostnames;
    private final boolean loopback;

    public ConnectionFilter(String ports, String ips, String hostnames, boolean includeLoopback) {
        this.ports = SimplePattern.parse(ports, ConnectionFilter::portMatches);
        this.ips = SimplePattern.parse(ips, ConnectionFilter::ipMatches);
        this.hostnames = SimplePattern.parse(hostnames, ConnectionFilter::nameMatches);
        this.loopback = includeLoopback;
    }

    /** Everything, loopback included. */
    public static ConnectionFilter all() {
        return new ConnectionFilter("*", "*", "*", true);
    }

    /**
     * Whether to show a connection; {@code hostname} is the resolved remote name, or null when names
     * are not resolved (then the host name list is not applied).
     */
    public boolean accepts(int servicePort, InetAddress remote, boolean isLoopback, String hostname) {
        if (isLoopback && !loopback) {
            return false;
        }
        return ports.matches(servicePort) && ips.matches(remote) && (hostname == null || hostnames.matches(hostname));
    }

    static boolean portMatches(String term, Integer port) {
        try {
            int dash = term.indexOf('-');
            if (dash > 0) {
                return port >= Integer.parseInt(term.substring(0, dash)) && port <= Integer.parseInt(term.substring(dash + 1));
            }
            return port == Integer.parseInt(term);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + term + "' is not a port or port range");
        }
    }

    static boolean ipMatches(String term, InetAddress address) {
        try {
            int slash = term.indexOf('/');
            if (slash > 0) {
                InetAddress net = InetAddress.getByName(term.substring(0, slash));
                int bits = Integer.parseInt(term.substring(slash + 1));
                byte[] a = address.getAddress();
                byte[] n = net.getAddress();
                if (a.length != n.length) {
                    return false;
                }
                for (int i = 0; i < bits; i++) {
                    int mask = 0x80 >>> (i % 8);
                    if ((a[i / 8] & mask) != (n[i / 8] & mask)) {
                        return false;
                    }
                }
                return true;
            }
            int dash = term.indexOf('-');
            if (dash > 0 && !term.contains(":")) {
                BigInteger lo = new BigInteger(1, InetAddress.getByName(term.substring(0, dash)).getAddress());
                BigInteger hi = new BigInteger(1, InetAddress.getByName(term.substring(dash + 1)).getAddress());
                BigInteger v = new BigInteger(1, address.getAddress());
                return address.getAddress().length == 4 && v.compareTo(lo) >= 0 && v.compareTo(hi) <= 0;
            }
            return InetAddress.getByName(term).equals(address);
        } catch (UnknownHostException | NumberFormatException e) {
            throw new IllegalArgumentException("'" + term + "' is not an IP address, CIDR block or range");
        }
    }

    static boolean nameMatches(String term, String name) {
        String regex = "\\Q" + term.toLowerCase(Locale.ROOT).replace("*", "\\E.*\\Q") + "\\E";
        return name.toLowerCase(Locale.ROOT).matches(regex);
    }
}
