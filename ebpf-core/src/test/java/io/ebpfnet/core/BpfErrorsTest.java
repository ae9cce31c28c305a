package io.ebpfnet.core;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Error translation: errno and context give the exception type and an actionable sentence. */
class BpfErrorsTest {
    @Test
    void epermAtLoadNamesTheCapabilitiesAndSuggestsAnotherMode() {
        BpfException e = BpfErrors.load("socket", 1, "");
        assertInstanceOf(BpfPermissionException.class, e);
        assertEquals("EPERM", e.errnoName());
        assertEquals(1, e.errno());
        assertTrue(e.getMessage().startsWith("load BPF object 'socket' failed (EPERM: Operation not permitted)"), e.getMessage());
        assertTrue(e.getMessage().contains("CAP_BPF") && e.getMessage().contains("CAP_PERFMON"), e.getMessage());
        assertTrue(e.getMessage().contains("another attach mode"), e.getMessage());
    }

    @Test
    void aRefusalBlamesMissingCapabilitiesOnlyWhenTheyAreMissing() {
        String lacking = BpfErrors.refusal(io.ebpfnet.core.detect.Capabilities.ofMask(0), "the policy");
        assertTrue(lacking.contains("lacks CAP_BPF and CAP_PERFMON") && lacking.contains("--ambient-caps"), lacking);
        assertTrue(!lacking.contains("the policy"), lacking);
        long bpfAndPerfmon = (1L << io.ebpfnet.core.detect.Capability.CAP_BPF.bit())
                | (1L << io.ebpfnet.core.detect.Capability.CAP_PERFMON.bit());
        String capable = BpfErrors.refusal(io.ebpfnet.core.detect.Capabilities.ofMask(bpfAndPerfmon), "the policy");
        assertTrue(capable.contains("has CAP_BPF and CAP_PERFMON") && capable.endsWith("the policy"), capable);
        assertTrue(!capable.contains("lacks") && !capable.contains("--ambient-caps"), capable);
    }

    @Test
    void verifierRejectionKeepsTheLog() {
        String log = "libbpf: prog 'p': -- BEGIN PROG LOAD LOG --\nR0 invalid mem access 'map_value_or_null'\n-- END PROG LOAD LOG --\n";
        BpfException e = BpfErrors.load("socket", 13, log);
        BpfVerifierException v = assertInstanceOf(BpfVerifierException.class, e);
        assertEquals(log, v.log());
        assertTrue(e.getMessage().contains("map_value_or_null"));
        assertEquals("EACCES", e.errnoName());
    }

    @Test
    void anInterruptedVerifierIsNotCalledARejection() {
        // What libbpf captured of a load the verifier gave up five times (EAGAIN): a log, cut short.
        String log = "libbpf: prog 'p': -- BEGIN PROG LOAD LOG --\nprocessed 406 insns\n-- END PROG LOAD LOG --\n";
        BpfException e = BpfErrors.load("socket", 11, log);
        assertEquals("EAGAIN", e.errnoName());
        assertTrue(e.getMessage().contains("interrupted by a signal") && !e.getMessage().contains("rejected"), e.getMessage());
    }

    @Test
    void missingKernelSymbolsAtLoadAreUnsupported() {
        assertInstanceOf(BpfUnsupportedException.class, BpfErrors.load("socket", 3, ""));
        assertInstanceOf(BpfUnsupportedException.class, BpfErrors.load("socket", 95, ""));
    }

    @Test
    void enoentAtKprobeAttachSaysTheKernelHasNoKprobes() {
        BpfException e = BpfErrors.attach("trace_tcp_sendmsg", ProgramKind.KPROBE, "tcp_sendmsg", 2);
        assertInstanceOf(BpfUnsupportedException.class, e);
        assertTrue(e.getMessage().contains("no kprobe support (CONFIG_KPROBES is off)"), e.getMessage());
        assertTrue(e.getMessage().startsWith("attach kprobe program 'trace_tcp_sendmsg' to tcp_sendmsg failed (ENOENT"), e.getMessage());
    }

    @Test
    void enoentAtTracepointAttachPointsAtTracefs() {
        BpfException e = BpfErrors.attach("p", ProgramKind.TRACEPOINT, "sock/inet_sock_set_state", 2);
        assertInstanceOf(BpfUnsupportedException.class, e);
        assertTrue(e.getMessage().contains("mount -t tracefs"), e.getMessage());
    }

    @Test
    void mapErrors() {
        assertTrue(BpfErrors.map("update", "tbl", 7).getMessage().contains("raise its table size"));
        assertInstanceOf(BpfUnsupportedException.class, BpfErrors.map("batch lookup", "tbl", 22));
        assertInstanceOf(BpfPermissionException.class, BpfErrors.map("look up", "tbl", 1));
    }

    @Test
    void errnoNames() {
        assertEquals("EPERM", Errno.nameOf(-1));
        assertEquals("ENOTSUPP", Errno.nameOf(524));
        assertEquals("LIBBPF_ERRNO__VERIFY", Errno.nameOf(4007));
        assertEquals("errno 9999", Errno.nameOf(9999));
    }
}
