package io.ebpfnet.cli;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A bad flag is found before anything touches the kernel. Shown without privileges: the privilege
 * check is the first step of detection, so a usage error found after it would be exit code 3, not 2.
 */
class UsageBeforeKernelIT {
    @ParameterizedTest
    @ValueSource(strings = {"--prometheus bogus", "--prometheus 127.0.0.1:70000", "--interval 3601", "--lifetime -1",
            "--strict-mode --allow-fallback"})
    void unprivilegedUsageErrorIsExitCodeTwo(String flags) throws Exception {
        List<String> args = new ArrayList<>(List.of("--count", "1"));
        args.addAll(List.of(flags.split(" ")));
        NobodyRun.Result run = NobodyRun.run("", args);
        assertEquals(ExitCode.USAGE.code(), run.exitCode(), run.output());
        assertTrue(run.output().contains("error: " + flags.split(" ")[0]), run.output());
    }
}
