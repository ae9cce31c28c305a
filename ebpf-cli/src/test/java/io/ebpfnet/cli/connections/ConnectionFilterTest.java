package io.ebpfnet.cli.connections;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Netdata's [network connections] lists: ports, IPs and host names, with ! exclusions, first match deciding. */
class ConnectionFilterTest {
    private static InetAddress ip(String s) throws Exception {
        return InetAddress.getByName(s);
    }

    @Test
    void netdatasDefaultIpListKeepsPrivateRangesAndDropsLoopback() throws Exception {
        ConnectionFilter f = new ConnectionFilter("*", "!127.0.0.1/8 10.0.0.0/8 172.16.0.0/12 192.168.0.0/16 fc00::/7 !::1/128", "*", true);
        assertTrue(f.accepts(443, ip("10.1.2.3"), false, null));
        assertTrue(f.accepts(443, ip("192.168.7.7"), false, null));
        assertTrue(f.accepts(443, ip("fd00::1"), false, null));
        assertFalse(f.accepts(443, ip("127.0.0.5"), true, null));
        assertFalse(f.accepts(443, ip("8.8.8.8"), false, null), "matches no term: excluded");
    }

    @Test
    void portsAndRangesWithExclusions() throws Exception {
        ConnectionFilter f = new ConnectionFilter("!22 80 443 8000-8099", "*", "*", true);
        assertTrue(f.accepts(80, ip("1.2.3.4"), false, null));
        assertTrue(f.accepts(8042, ip("1.2.3.4"), false, null));
        assertFalse(f.accepts(22, ip("1.2.3.4"), false, null));
        assertFalse(f.accepts(8100, ip("1.2.3.4"), false, null));
        assertThrows(IllegalArgumentException.class, () -> new ConnectionFilter("http", "*", "*", true).accepts(80, ip("1.2.3.4"), false, null));
    }

    @Test
    void ipRangesAndHostnames() throws Exception {
        ConnectionFilter f = new ConnectionFilter("*", "10.0.0.1-10.0.0.9", "*.example.com !bad.example.com", true);
        assertTrue(f.accepts(1, ip("10.0.0.5"), false, "api.example.com"));
        assertFalse(f.accepts(1, ip("10.0.0.10"), false, "api.example.com"));
        assertTrue(f.accepts(1, ip("10.0.0.5"), false, null), "names are only checked when resolved");
        assertTrue(new ConnectionFilter("*", "*", "!bad.example.com *", true).accepts(1, ip("10.0.0.5"), false, "api.example.com"));
        assertFalse(new ConnectionFilter("*", "*", "!bad.example.com *", true).accepts(1, ip("10.0.0.5"), false, "bad.example.com"));
    }

    @Test
    void loopbackCanBeLeftOut() throws Exception {
        assertTrue(ConnectionFilter.all().accepts(80, ip("127.0.0.1"), true, null));
        assertFalse(new ConnectionFilter("*", "*", "*", false).accepts(80, ip("127.0.0.1"), true, null));
    }
}
