package io.ebpfnet.core;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ProgramKindTest {
    @Test
    void sectionsMapToKindsAndTargets() {
        assertEquals(ProgramKind.TRACEPOINT, ProgramKind.ofSection("tracepoint/sock/inet_sock_set_state"));
        assertEquals("sock/inet_sock_set_state", ProgramKind.TRACEPOINT.target("tracepoint/sock/inet_sock_set_state"));
        assertEquals(ProgramKind.TRACEPOINT, ProgramKind.ofSection("tp/tcp/tcp_retransmit_skb"));
        assertEquals(ProgramKind.TP_BTF, ProgramKind.ofSection("tp_btf/sock_send_length"));
        assertEquals("sock_send_length", ProgramKind.TP_BTF.target("tp_btf/sock_send_length"));
        assertEquals(ProgramKind.RAW_TRACEPOINT, ProgramKind.ofSection("raw_tp/sys_enter"));
        assertEquals(ProgramKind.RAW_TRACEPOINT, ProgramKind.ofSection("raw_tracepoint/sys_enter"));
        assertEquals(ProgramKind.FENTRY, ProgramKind.ofSection("fentry/tcp_sendmsg"));
        assertEquals(ProgramKind.FEXIT, ProgramKind.ofSection("fexit/tcp_sendmsg"));
        assertEquals(ProgramKind.KPROBE, ProgramKind.ofSection("kprobe/tcp_sendmsg"));
        assertEquals("tcp_sendmsg", ProgramKind.KPROBE.target("kprobe/tcp_sendmsg"));
        assertEquals(ProgramKind.KRETPROBE, ProgramKind.ofSection("kretprobe/inet_csk_accept"));
        assertEquals(ProgramKind.CGROUP_SKB, ProgramKind.ofSection("cgroup_skb/egress"));
        assertEquals(ProgramKind.SOCKOPS, ProgramKind.ofSection("sockops"));
        assertEquals(ProgramKind.CGROUP_SOCK, ProgramKind.ofSection("cgroup/sock_create"));
        assertEquals(ProgramKind.ITERATOR, ProgramKind.ofSection("iter/bpf_map_elem"));
        assertEquals("bpf_map_elem", ProgramKind.ITERATOR.target("iter/bpf_map_elem"));
        assertEquals(ProgramKind.OTHER, ProgramKind.ofSection("lsm/file_open"));
    }

    @Test
    void onlyCgroupKindsAttachToCgroups() {
        assertTrue(ProgramKind.CGROUP_SKB.attachesToCgroup());
        assertTrue(ProgramKind.SOCKOPS.attachesToCgroup());
        assertTrue(ProgramKind.CGROUP_SOCK.attachesToCgroup());
        assertFalse(ProgramKind.KPROBE.attachesToCgroup());
        assertFalse(ProgramKind.TP_BTF.attachesToCgroup());
    }
}
