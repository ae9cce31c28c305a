package io.ebpfnet.cli;

import io.ebpfnet.core.testing.KernelTests;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * SIGTERM, SIGINT and SIGHUP stop the jar with exit code 0 whenever they come: as soon as it runs
 * its own code, while it loads, while it prints. In Netdata's format every chart it defined is made
 * obsolete, and none of the programs it held is left loaded.
 */
class StopSignalIT {
    /** When the signal is sent. */
    enum Moment { STARTED, LOADING, PRINTING }

    static Stream<Arguments> signalsAndMoments() {
        List<Arguments> all = new ArrayList<>();
        for (String signal : new String[] {"TERM", "INT", "HUP"}) {
            for (Moment moment : Moment.values()) {
                all.add(Arguments.of(signal, moment));
            }
        }
        return all.stream();
    }

    @ParameterizedTest(name = "SIG{0} when {1}")
    @MethodSource("signalsAndMoments")
    void stopsWithExitCodeZeroAndLeavesNothingLoaded(String signal, Moment moment) throws Exception {
        KernelTests.requireBpf();
        // The class-load log shows when main has run: RootCommand is loaded after the handlers are installed.
        try (JarProcess cli = JarProcess.start(null, List.of("-Xlog:class+load=info:file={dir}/classes.log"), "--format", "netdata",
                "--interval", "1")) {
            switch (moment) {
                case STARTED -> cli.awaitLine(cli.file("classes.log"), l -> l.contains(" io.ebpfnet.cli.RootCommand "), "main");
                // Detection is over, the collector's programs are being loaded.
                case LOADING -> cli.awaitLine(cli.file("stderr"), l -> l.contains("attach mode"), "the attach-mode line");
                case PRINTING -> cli.awaitLine(cli.file("stdout"), l -> l.equals("END"), "an interval's update");
            }
            Set<Integer> held = HeldPrograms.of(cli.pid());
            cli.signal(signal);
            assertEquals(0, cli.exitCode(60), "exit code after SIG" + signal + "; stderr:\n" + cli.stderr());
            assertFalse(cli.stderr().contains("error:"), cli.stderr());
            if (moment == Moment.PRINTING) {
                assertFalse(held.isEmpty(), "the collector held its programs while printing");
            }
            assertEveryChartObsolete(cli.stdout(), moment == Moment.PRINTING);
            HeldPrograms.awaitGone(held);
        }
    }

    /** Every chart defined is defined again with the option obsolete, after its last update. */
    private static void assertEveryChartObsolete(String out, boolean someDefined) {
        Set<String> defined = new HashSet<>();
        Set<String> obsolete = new HashSet<>();
        boolean updatedAfterObsolete = false;
        for (String line : out.lines().toList()) {
            String[] f = line.split(" ");
            if (f[0].equals("CHART")) {
                (line.contains(" 'obsolete' ") ? obsolete : defined).add(f[1]);
            } else if (f[0].equals("BEGIN") && obsolete.contains(f[1])) {
                updatedAfterObsolete = true;
            }
        }
        assertTrue(!someDefined || !defined.isEmpty(), "charts were defined:\n" + out);
        assertEquals(defined, obsolete, "every defined chart, and only those, made obsolete:\n" + out);
        assertFalse(updatedAfterObsolete, out);
    }
}
