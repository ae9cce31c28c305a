/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The ebpf-core example's program: counts sendto() calls per process (tgid) in a per-CPU hash map.
 * A syscall tracepoint needs no kernel BTF and no CO-RE.
 */
#include "kernel_types.h"
#include <bpf/bpf_helpers.h>

char LICENSE[] SEC("license") = "Dual BSD/GPL";

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_HASH);
	__uint(max_entries, 1024);
	__type(key, __u32);
	__type(value, __u64);
} sends SEC(".maps");

SEC("tracepoint/syscalls/sys_enter_sendto")
int count_sendto(void *ctx)
{
	__u32 tgid = bpf_get_current_pid_tgid() >> 32;
	__u64 one = 1, *calls = bpf_map_lookup_elem(&sends, &tgid);

	if (calls)
		*calls += 1; /* this CPU's copy: no atomics needed */
	else
		bpf_map_update_elem(&sends, &tgid, &one, BPF_NOEXIST);
	return 0;
}
