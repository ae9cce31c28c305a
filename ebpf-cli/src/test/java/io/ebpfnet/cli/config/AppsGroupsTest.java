package io.ebpfnet.cli.config;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Netdata's apps_groups.conf: its pattern syntax and its errors. */
class AppsGroupsTest {
    private static final AppsGroups GROUPS = AppsGroups.parse("""
            # comment
            web: nginx* httpd
            db: *sql
            -hidden: secret
            batch: *backup.sh*
            web: caddy
            """, "test");

    @Test
    void patternsMatchLikeNetdata() {
        assertEquals("web", GROUPS.match("nginx", ""));
        assertEquals("web", GROUPS.match("nginx-worker", ""));
        assertEquals("web", GROUPS.match("httpd", ""));
        assertNull(GROUPS.match("httpd2", ""));
        assertEquals("db", GROUPS.match("mysql", ""));
        assertEquals("batch", GROUPS.match("sh", "/bin/sh /opt/nightly-backup.sh --full"));
        assertEquals("web", GROUPS.match("caddy", ""), "a group named twice keeps both lines");
        assertTrue(GROUPS.isHidden("hidden"));
        assertEquals("hidden", GROUPS.match("secret", ""));
    }

    @Test
    void badLinesAreRefusedAndTheDefaultsParse() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> AppsGroups.parse("web nginx\n", "f.conf"));
        assertTrue(e.getMessage().contains("f.conf:1"), e.getMessage());
        assertEquals("ssh", AppsGroups.defaults().match("sshd", ""));
        assertEquals("java", AppsGroups.defaults().match("java", ""));
    }
}
