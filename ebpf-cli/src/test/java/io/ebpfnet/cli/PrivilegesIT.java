package io.ebpfnet.cli;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * As an unprivileged user (nobody): without CAP_BPF and CAP_PERFMON the jar stops with exit code 3 and says
 * what is missing and how to grant it to this process alone; with them as ambient capabilities of that one
 * process, as the message advises, it runs (without CAP_NET_ADMIN, skipping the cgroup release hook and
 * saying so). Run by the Netdata agent ({@code --format netdata}), the unprivileged run also says DISABLE.
 */
class PrivilegesIT {
    @Test
    void unprivilegedRunNamesTheCapabilitiesAndAWayToGrantThem() throws Exception {
        NobodyRun.Result run = asNobody("");
        assertEquals(ExitCode.MISSING_PRIVILEGES.code(), run.exitCode(), run.output());
        assertTrue(run.output().contains("CAP_BPF") && run.output().contains("CAP_PERFMON"), run.output());
        assertTrue(run.output().contains("AmbientCapabilities=") && run.output().contains("--ambient-caps"), run.output());
        assertFalse(run.output().contains("setcap cap_"), "never advises file capabilities on java: " + run.output());
    }

    @Test
    void asANetdataPluginAnUnprivilegedRunDisablesItself() throws Exception {
        NobodyRun.Result run = NobodyRun.run("", List.of("--format", "netdata", "--interval", "1"));
        assertEquals(ExitCode.MISSING_PRIVILEGES.code(), run.exitCode(), run.output());
        // stdout and stderr are merged here: DISABLE is a line of its own, and the last one.
        assertEquals("DISABLE", run.output().strip().lines().toList().getLast(), run.output());
    }

    @Test
    void theAdvisedAmbientCapabilitiesAreEnough() throws Exception {
        NobodyRun.Result minimal = asNobody("+bpf,+perfmon");
        assertEquals(0, minimal.exitCode(), minimal.output());
        assertTrue(minimal.output().contains("skipped socket_release: this process lacks CAP_NET_ADMIN"), minimal.output());
        NobodyRun.Result full = asNobody("+bpf,+perfmon,+net_admin");
        assertEquals(0, full.exitCode(), full.output());
        assertFalse(full.output().contains("skipped socket_release"), full.output());
    }

    private static NobodyRun.Result asNobody(String caps) throws Exception {
        return NobodyRun.run(caps, List.of("--count", "1", "--format", "json"));
    }
}
