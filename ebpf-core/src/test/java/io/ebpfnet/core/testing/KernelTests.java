package io.ebpfnet.core.testing;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Gate for tests that need the real kernel. Without CAP_BPF and CAP_PERFMON (or CAP_SYS_ADMIN) the
 * test is skipped with the reason printed, unless {@code EBPFNET_REQUIRE_KERNEL_TESTS=1} (system
 * property {@code ebpfnet.requireKernel}), which CI sets: there a missing privilege fails the test.
 */
public final class KernelTests {
    private static final int CAP_SYS_ADMIN = 21;
    private static final int CAP_PERFMON = 38;
    private static final int CAP_BPF = 39;

    private KernelTests() {
    }

    /** Skips (or, in CI, fails) the calling test unless BPF programs can be loaded. */
    public static void requireBpf() {
        String missing = missingPrivileges();
        if (missing != null) {
            skipOrFail("needs " + missing + " to load BPF programs");
        }
    }

    /** Skips, or fails when kernel tests are required, with {@code reason} printed. */
    public static void skipOrFail(String reason) {
        if (required()) {
            Assertions.fail("kernel test cannot run but EBPFNET_REQUIRE_KERNEL_TESTS is set: " + reason);
        }
        System.out.println("SKIPPED kernel test: " + reason);
        Assumptions.abort(reason);
    }

    /** Whether CI asked for every kernel test to run. */
    public static boolean required() {
        String p = System.getProperty("ebpfnet.requireKernel", "");
        String env = System.getenv().getOrDefault("EBPFNET_REQUIRE_KERNEL_TESTS", "");
        return isTrue(p) || isTrue(env);
    }

    private static boolean isTrue(String s) {
        return s.equals("1") || s.equalsIgnoreCase("true") || s.equalsIgnoreCase("yes");
    }

    private static String missingPrivileges() {
        long mask;
        try {
            mask = Files.readAllLines(Path.of("/proc/self/status")).stream()
                    .filter(l -> l.startsWith("CapEff:"))
                    .map(l -> Long.parseUnsignedLong(l.substring(7).trim(), 16))
                    .findFirst().orElse(0L);
        } catch (IOException e) {
            return "a readable /proc/self/status";
        }
        if ((mask & (1L << CAP_SYS_ADMIN)) != 0) {
            return null;
        }
        boolean bpf = (mask & (1L << CAP_BPF)) != 0;
        boolean perfmon = (mask & (1L << CAP_PERFMON)) != 0;
        if (bpf && perfmon) {
            return null;
        }
        return (bpf ? "" : "CAP_BPF ") + (perfmon ? "" : "CAP_PERFMON ") + "(or CAP_SYS_ADMIN; run as root)";
    }
}
