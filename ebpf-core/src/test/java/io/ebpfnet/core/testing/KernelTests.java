package io.ebpfnet.core.testing;

import io.ebpfnet.core.detect.Capabilities;
import io.ebpfnet.core.detect.SystemPaths;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * Gate for tests that need the real kernel. Without CAP_BPF and CAP_PERFMON (or CAP_SYS_ADMIN) the
 * test is skipped with the reason printed, unless {@code EBPFNET_REQUIRE_KERNEL_TESTS=1} (system
 * property {@code ebpfnet.requireKernel}), which CI sets: there a missing privilege fails the test.
 */
public final class KernelTests {
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

    /** What is missing to load BPF programs, or null (the same rule as detection's). */
    private static String missingPrivileges() {
        Capabilities caps = Capabilities.read(SystemPaths.live());
        return caps.canLoadBpf() ? null : caps.missingForBpf() + " (or CAP_SYS_ADMIN; run as root)";
    }
}
