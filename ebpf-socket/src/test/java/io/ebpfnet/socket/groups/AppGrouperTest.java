package io.ebpfnet.socket.groups;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Application rules applied up the process tree, on a fixture /proc. */
class AppGrouperTest {
    /** Rules as a name-pattern file would give them: a command name, a prefix, a command-line search. */
    private static final AppRules GROUPS = (comm, cmdline) -> comm.equals("httpd") || comm.startsWith("nginx") ? "web"
            : cmdline.contains("backup.sh") ? "batch" : null;

    @TempDir
    Path proc;

    private void process(int pid, String comm, int ppid, String cmdline) throws IOException {
        Path dir = Files.createDirectories(proc.resolve(Integer.toString(pid)));
        Files.writeString(dir.resolve("stat"), pid + " (" + comm + ") S " + ppid + " 1 1 0 -1 4194560 0 0 0 0\n");
        Files.writeString(dir.resolve("cmdline"), cmdline.replace(' ', '\0') + "\0");
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
        assertEquals(AppGrouper.OTHER, grouper.groupOf(200, "bash"));
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
        assertEquals(AppGrouper.OTHER, new AppGrouper(GROUPS, new ProcFs(proc)).groupOf(500, "unknown"));
    }
}
