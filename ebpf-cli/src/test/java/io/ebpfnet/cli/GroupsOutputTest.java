package io.ebpfnet.cli;

import io.ebpfnet.core.testing.KernelTests;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** With apps and cgroups on, the JSON lines carry per-group rates and each process's group and cgroup. */
class GroupsOutputTest {
    @Test
    void appsAndCgroupsAppearInTheJson(@TempDir Path dir) throws Exception {
        KernelTests.requireBpf();
        Path conf = Files.writeString(dir.resolve("network.conf"), "[global]\n    apps = yes\n    cgroups = yes\n");
        CliRun run;
        try (BackgroundTraffic ignored = new BackgroundTraffic()) {
            run = CliRun.of("--config", conf.toString(), "--format", "json", "--interval", "1", "--count", "2");
        }
        assertEquals(0, run.exitCode(), run.err());
        String last = run.out().lines().reduce((a, b) -> b).orElseThrow();
        // this JVM is in the built-in "java" group, sending UDP all along
        Matcher sent = Pattern.compile("\"apps\":\\{.*\"java\":\\{.*?\"app.ebpf_sock_total_bandwidth\":\\{\"received\":([0-9.]+),\"sent\":([0-9.]+)\\}")
                .matcher(last);
        assertTrue(sent.find(), last);
        assertTrue(Double.parseDouble(sent.group(2)) > 0, "java sent kilobits/s in the last interval: " + sent.group(2));
        assertTrue(last.contains("\"app.ebpf_call_udp_sendmsg\":{\"calls\":"), last);
        long pid = ProcessHandle.current().pid();
        Matcher row = Pattern.compile("\\{\"pid\":" + pid + ",\"comm\":\"java\",\"app_group\":\"java\",\"cgroup\":\"([^\"]+)\"").matcher(last);
        assertTrue(row.find(), "this process with its group and cgroup: " + last);
        assertTrue(last.contains("\"cgroups\":{\"" ), last);
        assertTrue(last.contains("\"cgroup.net_total_bandwidth\""), last);
    }
}
