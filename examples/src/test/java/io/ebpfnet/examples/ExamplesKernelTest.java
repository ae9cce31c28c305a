package io.ebpfnet.examples;

import io.ebpfnet.core.testing.KernelTests;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The README's examples run against the real kernel and print what they promise. */
class ExamplesKernelTest {
    @Test
    void countSendsCountsExactlyTheDatagramsThisProcessSent() throws Exception {
        KernelTests.requireBpf();
        assertEquals(25, CountSends.count(25));
        assertEquals(1, CountSends.count(1), "a fresh object counts from zero");
    }

    @Test
    void embeddedCollectorPrintsOneLinePerInterval() throws Exception {
        KernelTests.requireBpf();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        EmbeddedCollector.run(2, new PrintStream(bytes, true, StandardCharsets.UTF_8));
        List<String> lines = bytes.toString(StandardCharsets.UTF_8).lines().toList();
        assertEquals(3, lines.size(), lines.toString());
        assertTrue(lines.getFirst().matches("attach mode: (trampoline|probe|tracepoint|legacy) \\(.*: chosen, .*\\)"), lines.getFirst());
        for (String line : lines.subList(1, 3)) {
            assertTrue(line.matches("TCP sent \\d+\\.\\d kbit/s; most TCP bytes sent: (nobody|.+ \\(\\d+\\), \\d+ bytes)"), line);
        }
    }
}
