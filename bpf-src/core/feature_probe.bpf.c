/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * One trivial program per attach kind. Kernel detection loads and attaches them one at a time
 * (the others have autoload off), because kernel config flags do not tell what the kernel will
 * really allow: fentry can be refused at load even where the ftrace flags say it works.
 */
#include "kernel_types.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

char LICENSE[] SEC("license") = "Dual BSD/GPL";

__u64 hits = 0;

SEC("fentry/tcp_sendmsg")
int BPF_PROG(probe_fentry)
{
	__sync_fetch_and_add(&hits, 1);
	return 0;
}

SEC("kprobe/tcp_sendmsg")
int BPF_KPROBE(probe_kprobe)
{
	__sync_fetch_and_add(&hits, 1);
	return 0;
}

/* The tracepoint the socket collector's tracepoint mode needs (Linux 6.3+): a kernel without it
 * cannot run that mode, so the probe says so. */
SEC("tp_btf/sock_send_length")
int BPF_PROG(probe_tp_btf)
{
	__sync_fetch_and_add(&hits, 1);
	return 0;
}

/* Map iterators, which the socket collector reads and folds its tables with: a kernel can allow
 * BTF-typed programs and iterators over tasks or sockets and still refuse these at load. */
SEC("iter/bpf_map_elem")
int probe_map_iterator(void *ctx)
{
	return 0;
}

SEC("iter/bpf_sk_storage_map")
int probe_sk_storage_iterator(void *ctx)
{
	return 0;
}

SEC("tracepoint/sched/sched_process_exit")
int probe_tracepoint(void *ctx)
{
	__sync_fetch_and_add(&hits, 1);
	return 0;
}
