package io.ebpfnet.cli;

import io.ebpfnet.core.KernelDetection;
import io.ebpfnet.core.detect.AttachMode;
import io.ebpfnet.core.detect.AttachModeChooser;
import io.ebpfnet.core.detect.AttachModeException;
import io.ebpfnet.core.detect.AttachRequest;
import io.ebpfnet.core.testing.KernelTests;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The configuration options a Netdata user brings, applied by real runs: lifetime from the file, ebpf.d.conf and
 * network.conf from Netdata's directories under --netdata-plugin (update every: the larger of the agent's and the
 * configured), co-re tracing that falls back unless --strict-mode, and hidden apps groups.
 */
class NetdataConfigRunTest {
    @TempDir
    Path dir;

    private Path write(String name, String text) throws IOException {
        Files.createDirectories(dir.resolve(name).getParent());
        return Files.writeString(dir.resolve(name), text);
    }

    private static long lines(String text, String prefix) {
        return text.lines().filter(l -> l.startsWith(prefix)).count();
    }

    @Test
    void lifetimeFromTheFileStopsTheRunAndTheFlagOverridesIt() throws Exception {
        KernelTests.requireBpf();
        // No --count: only the file's lifetime can end this run. It counts from the start, loading included.
        Path conf = write("network.conf", "[global]\n    lifetime = 10\n");
        CliRun run = assertTimeoutPreemptively(Duration.ofSeconds(120),
                () -> CliRun.of("--config", conf.toString(), "--interval", "1", "--format", "json"));
        assertEquals(0, run.exitCode(), run.err());
        assertTrue(run.err().contains("stops after 10 s (lifetime = 10 in " + conf + ":2; --lifetime 0 runs until stopped)"), run.err());
        long outputs = lines(run.out(), "{\"time\"");
        assertTrue(outputs >= 1 && outputs <= 10, "a 10 s lifetime at 1 s intervals: " + outputs + " outputs\n" + run.out());

        // lifetime = 1 would end this one before its first output (loading takes part of that second)
        Path short1 = write("short.conf", "[global]\n    lifetime = 1\n");
        CliRun flag = CliRun.of("--config", short1.toString(), "--interval", "1", "--format", "json", "--count", "3", "--lifetime", "0");
        assertEquals(0, flag.exitCode(), flag.err());
        assertEquals(3, lines(flag.out(), "{\"time\""), "--lifetime 0 runs until --count, whatever the file says");
        assertFalse(flag.err().contains("stops after"), flag.err());
    }

    @Test
    void lifetimeHasTheSameBoundsInTheFileAndTheFlag() throws Exception {
        assertEquals(ExitCode.USAGE.code(), CliRun.of("--lifetime", "-1").exitCode());
        assertEquals(ExitCode.USAGE.code(), CliRun.of("--lifetime", "2147483648").exitCode());
        CliRun file = CliRun.of("--config", write("n.conf", "[global]\n    lifetime = -1\n").toString());
        assertEquals(ExitCode.USAGE.code(), file.exitCode());
        assertTrue(file.err().contains("lifetime = '-1' is out of range; expected a whole number from 0 to 2147483647"), file.err());
        CliRun flag = CliRun.of("--lifetime", "-1");
        assertTrue(flag.err().contains("--lifetime -1 is out of range; expected a whole number from 0 to 2147483647"), flag.err());
    }

    @Test
    void contradictoryOrMisplacedFlagsAreUsageErrors() throws Exception {
        assertEquals(ExitCode.USAGE.code(), CliRun.of("--strict-mode", "--allow-fallback").exitCode());
        CliRun json = CliRun.of("--netdata-plugin", "--format", "json");
        assertEquals(ExitCode.USAGE.code(), json.exitCode());
        assertTrue(json.err().contains("--netdata-plugin writes Netdata's plugin protocol"), json.err());
        // A bad value in the user's ebpf.d.conf stops the plugin before anything is loaded, naming the file.
        Path user = Files.createDirectories(dir.resolve("etc"));
        Path bad = write("etc/ebpf.d.conf", "[global]\n    apps = maybe\n");
        CliRun run = CliRun.withEnvironment(Map.of("NETDATA_USER_CONFIG_DIR", user.toString(),
                "NETDATA_STOCK_CONFIG_DIR", dir.resolve("none").toString()), "--netdata-plugin", "--interval", "1");
        assertEquals(ExitCode.USAGE.code(), run.exitCode(), run.err());
        assertEquals("error: " + bad + ":2: [global] apps = 'maybe' is not yes or no", run.err().strip());
    }

    @Test
    void asNetdataPluginEbpfDConfAndNetworkConfLayerAndUpdateEveryIsTheLarger() throws Exception {
        KernelTests.requireBpf();
        Path user = Files.createDirectories(dir.resolve("etc/netdata"));
        Path stock = Files.createDirectories(dir.resolve("usr/lib/netdata/conf.d"));
        Path global = write("etc/netdata/ebpf.d.conf", "[global]\n    apps = yes\n    update every = 2\n    lifetime = 1\n");
        Path module = write("usr/lib/netdata/conf.d/ebpf.d/network.conf", "[global]\n    ebpf type format = auto\n");
        write("usr/lib/netdata/conf.d/ebpf.d.conf", "[global]\n    apps = no\n    update every = 1\n"); // replaced by the user's
        Path groups = write("usr/lib/netdata/conf.d/apps_groups.conf", "javagroup: java\n");
        CliRun run;
        try (BackgroundTraffic ignored = new BackgroundTraffic()) {
            run = assertTimeoutPreemptively(Duration.ofSeconds(120), () -> CliRun.withEnvironment(
                    Map.of("NETDATA_USER_CONFIG_DIR", user.toString(), "NETDATA_STOCK_CONFIG_DIR", stock.toString()),
                    "--netdata-plugin", "--interval", "1", "--count", "2"));
        }
        assertEquals(0, run.exitCode(), run.err());
        assertTrue(run.err().contains("configuration from " + global + " then " + module), run.err());
        assertTrue(run.err().contains("apps groups from " + groups), run.err());
        assertTrue(run.err().contains("update every 2 s (" + global + ":3), the larger of it and the agent's 1 s"), run.err());
        assertTrue(run.err().contains("lifetime = 1 (" + global + ":4) does not apply"), run.err());
        // lifetime = 1 would have stopped it after one output
        assertEquals(2, lines(run.out(), "BEGIN ip.tcp_functions "), run.out());
        Matcher chart = Pattern.compile("^CHART ip\\.tcp_functions '' .* 'line' \\d+ (\\d+) ", Pattern.MULTILINE).matcher(run.out());
        assertTrue(chart.find(), run.out());
        assertEquals("2", chart.group(1), "charts declared at the interval in use");
        assertTrue(Pattern.compile("^CHART app\\.javagroup_\\S+ ", Pattern.MULTILINE).matcher(run.out()).find(),
                "apps = yes from ebpf.d.conf: this JVM's group is charted\n" + run.out());
    }

    @Test
    void coReTracingFromTheFileFallsBackUnlessStrict() throws Exception {
        KernelTests.requireBpf();
        boolean refused;
        try {
            AttachModeChooser.choose(AttachRequest.exactly(AttachMode.TRAMPOLINE, false), KernelDetection.detect());
            refused = false;
        } catch (AttachModeException e) {
            refused = true;
        }
        System.out.println("NetdataConfigRunTest: this kernel " + (refused ? "refuses" : "allows") + " trampolines");
        Path conf = write("network.conf", "[global]\n    ebpf type format = co-re\n    ebpf co-re tracing = trampoline\n");
        CliRun lenient = CliRun.of("--config", conf.toString(), "--interval", "1", "--count", "1");
        assertEquals(0, lenient.exitCode(), lenient.err());
        CliRun strict = CliRun.of("--config", conf.toString(), "--interval", "1", "--count", "1", "--strict-mode");
        if (refused) {
            assertTrue(lenient.err().contains("ebpf co-re tracing = trampoline (" + conf + ":3) is refused by this kernel: fell back to "),
                    lenient.err());
            assertFalse(lenient.err().contains("attach mode trampoline"), lenient.err());
            assertEquals(ExitCode.KERNEL_UNSUPPORTED.code(), strict.exitCode(), strict.err());
            CliRun mode = CliRun.of("--mode", "trampoline", "--interval", "1", "--count", "1");
            assertEquals(ExitCode.KERNEL_UNSUPPORTED.code(), mode.exitCode(), "--mode stays exact: " + mode.err());
        } else {
            assertTrue(lenient.err().contains("attach mode trampoline"), lenient.err());
            assertFalse(lenient.err().contains("fell back"), lenient.err());
            assertEquals(0, strict.exitCode(), strict.err());
        }
    }

    @Test
    void aHiddenGroupKeepsItsProcessesButIsNotShown() throws Exception {
        KernelTests.requireBpf();
        Path groups = write("groups.conf", "-quiet: java\n");
        Path conf = write("network.conf", "[global]\n    apps = yes\n    apps groups file = " + groups + "\n");
        CliRun run;
        try (BackgroundTraffic ignored = new BackgroundTraffic()) {
            run = CliRun.of("--config", conf.toString(), "--format", "json", "--interval", "1", "--count", "2");
        }
        assertEquals(0, run.exitCode(), run.err());
        String last = run.out().lines().reduce((a, b) -> b).orElseThrow();
        long pid = ProcessHandle.current().pid();
        assertTrue(last.contains("{\"pid\":" + pid + ",\"comm\":\"java\",\"app_group\":\"quiet\""),
                "this process is in the hidden group: " + last);
        Matcher apps = Pattern.compile("\"apps\":\\{(.*?)\\},\"cgroups\"").matcher(last);
        assertTrue(apps.find(), last);
        assertFalse(apps.group(1).contains("\"quiet\""), "a hidden group has no rates of its own: " + apps.group(1));
    }

    @Test
    void detectSaysWhichNetdataFilesWouldBeRead() throws Exception {
        KernelTests.requireBpf();
        Path user = Files.createDirectories(dir.resolve("user"));
        Path stock = Files.createDirectories(dir.resolve("stock"));
        Map<String, String> env = Map.of("NETDATA_USER_CONFIG_DIR", user.toString(), "NETDATA_STOCK_CONFIG_DIR", stock.toString());
        CliRun none = CliRun.withEnvironment(env, "detect", "--json");
        assertTrue(none.out().contains("\"netdata_config\":{\"user_dir\":\"" + user + "\",\"stock_dir\":\"" + stock
                + "\",\"ebpf_d_conf\":null,\"network_conf\":null,\"apps_groups_conf\":\"built-in\"}"), none.out());
        Path groups = write("stock/apps_groups.conf", "a: b\n");
        Path module = write("user/ebpf.d/network.conf", "[global]\n");
        CliRun found = CliRun.withEnvironment(env, "detect");
        assertTrue(found.out().contains("apps_groups.conf         " + groups), found.out());
        assertTrue(found.out().contains("ebpf.d/network.conf      " + module), found.out());
    }
}
