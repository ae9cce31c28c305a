/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The floor for benchmarks/overhead.sh: the least a per-process byte counter does on the same two
 * tracepoints as the collector's tracepoint mode (one per-CPU hash lookup by TGID and one add), and
 * an empty program beside it. Their bpf_stats cost on a machine says what the collector's own cost
 * there is made of: the empty one is the hook and the measurement, the counter one adds one map.
 */
#include "kernel_structs.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

char LICENSE[] SEC("license") = "Dual BSD/GPL";

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_HASH);
	__uint(max_entries, 16384);
	__type(key, __u32);
	__type(value, __u64);
} bytes_by_tgid SEC(".maps");

/* Attached before everything else on each tracepoint (this object loads before the collector, and its
 * programs attach in source order): the first program to run on an event takes the cache misses on the
 * socket's family and protocol, so neither the reference nor the collector is charged for them. */
static __always_inline int warm(struct sock *sk)
{
	return sk->__sk_common.skc_family + sk->sk_protocol == 0;
}

SEC("tp_btf/sock_send_length")
int BPF_PROG(warm_send_length, struct sock *sk, int ret, int flags)
{
	return warm(sk);
}

SEC("tp_btf/sock_recv_length")
int BPF_PROG(warm_recv_length, struct sock *sk, int ret, int flags)
{
	return warm(sk);
}

#ifndef WARM_ONLY /* -DWARM_ONLY builds the warming programs alone, to attach ahead of the collector */

static __always_inline void count(struct sock *sk, int ret)
{
	__u16 family = sk->__sk_common.skc_family;
	__u16 protocol = sk->sk_protocol;
	__u32 tgid;
	__u64 *bytes, first;

	if ((family != AF_INET && family != AF_INET6) || (protocol != IPPROTO_TCP && protocol != IPPROTO_UDP) || ret <= 0)
		return;
	tgid = bpf_get_current_pid_tgid() >> 32;
	bytes = bpf_map_lookup_elem(&bytes_by_tgid, &tgid);
	if (bytes) {
		__sync_fetch_and_add(bytes, ret);
	} else {
		first = ret;
		bpf_map_update_elem(&bytes_by_tgid, &tgid, &first, BPF_NOEXIST);
	}
}

SEC("tp_btf/sock_send_length")
int BPF_PROG(ref_send_length, struct sock *sk, int ret, int flags)
{
	count(sk, ret);
	return 0;
}

SEC("tp_btf/sock_recv_length")
int BPF_PROG(ref_recv_length, struct sock *sk, int ret, int flags)
{
	count(sk, ret);
	return 0;
}

SEC("tp_btf/sock_send_length")
int BPF_PROG(empty_send_length, struct sock *sk, int ret, int flags)
{
	return 0;
}
#endif
