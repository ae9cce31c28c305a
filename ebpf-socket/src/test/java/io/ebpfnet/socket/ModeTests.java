package io.ebpfnet.socket;

import io.ebpfnet.core.BpfException;
import io.ebpfnet.core.BpfPermissionException;
import io.ebpfnet.core.BpfUnsupportedException;
import io.ebpfnet.core.KernelDetection;
import io.ebpfnet.core.detect.AttachMode;
import io.ebpfnet.core.detect.DetectionReport;
import io.ebpfnet.core.detect.ProbeResult;
import io.ebpfnet.core.testing.KernelTests;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.provider.Arguments;

import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Tests run in every attach mode and load mode ({@code @MethodSource("io.ebpfnet.socket.ModeTests#modes")}).
 * Where the kernel refuses a mode (our CI kernel: fentry at load, kprobes at attach), the collector must
 * fail with the typed error the probe predicted, and the test is skipped with that reason; the qemu kernel
 * matrix (scripts/kernel-matrix.sh) runs them fully.
 */
final class ModeTests {
    private static DetectionReport report;

    private ModeTests() {
    }

    static Stream<Arguments> modes() {
        return Stream.of(AttachMode.TRAMPOLINE, AttachMode.PROBE, AttachMode.TRACEPOINT)
                .flatMap(m -> Stream.of(Arguments.of(m, LoadMode.ENTRY), Arguments.of(m, LoadMode.RETURN)));
    }

    /**
     * {@link #modes()} and the legacy mode in both load modes: for the tests of what legacy mode counts as
     * the others do (per-process bytes, calls, connects, accepts, closes, errors).
     */
    static Stream<Arguments> modesWithLegacy() {
        return Stream.concat(modes(), Stream.of(AttachMode.LEGACY)
                .flatMap(m -> Stream.of(Arguments.of(m, LoadMode.ENTRY), Arguments.of(m, LoadMode.RETURN))));
    }

    /**
     * The options of {@code mode} and {@code load}; legacy mode's act as on a kernel without BTF (the
     * collector reads none and libbpf needs none), which is what legacy mode is for.
     */
    static SocketCollectorOptions options(AttachMode mode, LoadMode load) {
        return SocketCollectorOptions.defaults(mode).withLoadMode(load).withIgnoreKernelBtf(mode == AttachMode.LEGACY);
    }

    /** {@link #attachModes()} and legacy mode, in return mode. */
    static Stream<Arguments> attachModesWithLegacy() {
        return Stream.concat(attachModes(), Stream.of(Arguments.of(AttachMode.LEGACY, LoadMode.RETURN)));
    }

    /** Each attach mode once, in return mode (which sees errors too): for tests of what the load mode leaves alone. */
    static Stream<Arguments> attachModes() {
        return Stream.of(AttachMode.TRAMPOLINE, AttachMode.PROBE, AttachMode.TRACEPOINT)
                .map(m -> Arguments.of(m, LoadMode.RETURN));
    }

    /** The options of {@code mode} and {@code load}, once the kernel is known to allow the mode (else a skip). */
    static SocketCollectorOptions optionsOrSkip(AttachMode mode, LoadMode load) {
        SocketCollectorOptions options = options(mode, load);
        skipUnlessTheKernelAllows(mode, options);
        return options;
    }

    static synchronized void skipUnlessTheKernelAllows(AttachMode mode, SocketCollectorOptions options) {
        if (!selected(mode)) {
            String reason = mode.cliName() + " is not in EBPFNET_TEST_MODES=" + System.getenv("EBPFNET_TEST_MODES");
            System.out.println("SKIPPED: " + reason);
            Assumptions.abort(reason);
        }
        KernelTests.requireBpf();
        if (report == null) {
            report = KernelDetection.detect();
        }
        ProbeResult probe = report.probes().get(mode.requiredProbe());
        if (!probe.allowed()) {
            assertTrue(!requiredModes().contains(mode.cliName()),
                    mode.cliName() + " is required on this kernel (EBPFNET_REQUIRE_MODES) but refused: " + probe.summary());
            BpfException e = assertThrows(BpfException.class, () -> SocketCollector.start(options).close());
            if (probe.errno().equals("EPERM") || probe.errno().equals("EACCES")) {
                assertInstanceOf(BpfPermissionException.class, e);
            } else {
                assertInstanceOf(BpfUnsupportedException.class, e);
            }
            // The kernel's refusal, or (errno 0) the collector's own check that the hooks exist.
            assertTrue(e.errno() == 0 || probe.errno().equals(e.errnoName()), probe.errno() + " vs " + e.getMessage());
            String reason = mode.cliName() + " mode cannot run on this kernel: " + probe.summary();
            System.out.println("SKIPPED (kernel refuses the mode, as probed): " + reason);
            Assumptions.abort(reason);
        }
    }

    /** The modes EBPFNET_TEST_MODES (comma-separated) names, or all when it is unset: to run one mode's tests alone under qemu. */
    private static boolean selected(AttachMode mode) {
        String v = System.getenv().getOrDefault("EBPFNET_TEST_MODES", "");
        return v.isBlank() || List.of(v.split(",")).contains(mode.cliName());
    }

    /** Modes that must run here (comma-separated EBPFNET_REQUIRE_MODES); empty on our CI host. */
    static List<String> requiredModes() {
        String v = System.getenv().getOrDefault("EBPFNET_REQUIRE_MODES", "");
        return v.isBlank() ? List.of() : List.of(v.split(","));
    }
}
