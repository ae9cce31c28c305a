package io.ebpfnet.socket.groups;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Netdata's apps_groups.conf patterns and parent inheritance, on a fixture /proc. */
class AppGrouperTest {
    private static final AppsGroups GROUPS = AppsGroups.parse("""
            # comment
            web: nginx* httpd
            db: *sql
            -hidden: secret
            batch: *backup.sh*
            web: caddy
            """, "test");

    @TempDir
    Path proc;

    private void process(int pid, String comm, int ppid, String cmdline) throws IOException {
        Path dir = Files.createDirectories(proc.resolve(Integer.toString(pid)));
        Files.writeString(dir.resolve("stat"), pid + " (" + comm + ") S " + ppid + " 1 1 0 -1 4194560 0 0 0 0\n");
        Files.writeString(dir.resolve("cmdline"), cmdline.replace(' ', '\0') + "\0");
    }

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
    void childrenInheritTheirParentsGroupAndTheRestIsOther() throws IOException {
        process(100, "nginx", 1, "nginx: master");
        process(101, "lua-helper", 100, "lua-helper");
        process(102, "sh", 101, "sh -c true");
        process(200, "bash", 1, "bash");
        process(300, "backup-runner", 1, "/bin/sh /srv/backup.sh");
        AppGrouper grouper = new AppGrouper(GROUPS, new ProcFs(proc));
        assertEquals("web", grouper.groupOf(100, "nginx"));
        assertEquals("web", grouper.groupOf(101, "lua-helper"), "child of nginx");
        assertEquals("web", grouper.groupOf(102, "sh"), "grandchild of nginx");
        assertEquals(AppsGroups.OTHER, grouper.groupOf(200, "bash"));
        assertEquals("batch", grouper.groupOf(300, "backup-runner"));
    }

    @Test
    void anExitedProcessKeepsItsGroupUntilForgotten() throws IOException {
        process(500, "httpd", 1, "httpd");
        AppGrouper grouper = new AppGrouper(GROUPS, new ProcFs(proc));
        assertEquals("web", grouper.groupOf(500, "httpd"));
        Files.walk(proc.resolve("500")).sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        assertEquals("web", grouper.groupOf(500, "httpd"), "remembered after exit");
        grouper.forget(500);
        assertEquals("web", grouper.groupOf(500, "httpd"), "gone from /proc: matched by the command name it had");
        assertEquals(AppsGroups.OTHER, new AppGrouper(GROUPS, new ProcFs(proc)).groupOf(500, "unknown"));
    }

    @Test
    void badLinesAreRefusedAndTheDefaultsParse() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> AppsGroups.parse("web nginx\n", "f.conf"));
        assertTrue(e.getMessage().contains("f.conf:1"), e.getMessage());
        assertEquals("ssh", AppsGroups.defaults().match("sshd", ""));
        assertEquals("java", AppsGroups.defaults().match("java", ""));
    }
}
