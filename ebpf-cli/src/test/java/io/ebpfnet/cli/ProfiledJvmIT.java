package io.ebpfnet.cli;

import io.ebpfnet.core.testing.KernelTests;
import one.profiler.AsyncProfilerLoader;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The jar runs under a sampling profiler, as a continuously profiled service embedding the library does.
 * async-profiler signals a thread every interval of CPU time (SIGPROF) or of wall time (SIGVTALRM), the
 * kernel's verification of the thread's programs included; the verifier gives up on a pending signal
 * (EAGAIN) and libbpf retries five times, so a program that takes longer than the interval to verify
 * never loaded: "the kernel verifier rejected a program", exit code 1.
 */
class ProfiledJvmIT {
    @ParameterizedTest(name = "async-profiler event={0}")
    @ValueSource(strings = {"cpu", "wall"})
    void loadsAndCountsUnderTheProfilersSignals(String event) throws Exception {
        KernelTests.requireBpf();
        Path agent = Path.of(AsyncProfilerLoader.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        String options = "-javaagent:" + agent + "=start,event=" + event + ",interval=1ms,file={dir}/profile.txt";
        try (JarProcess cli = JarProcess.start(null, List.of(options), "--interval", "1", "--count", "1", "--format", "json")) {
            assertEquals(0, cli.exitCode(120), "exit code; stderr:\n" + cli.stderr());
            assertTrue(cli.stderr().contains("programs attached, counting"), cli.stderr());
            // The agent prints its own "Profiling started" line to stdout first.
            assertTrue(cli.stdout().lines().anyMatch(l -> l.startsWith("{\"time\":")), "one interval printed:\n" + cli.stdout());
        }
    }
}
