/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Programs and maps for ebpf-core's kernel tests. Every program is declared with SEC("?…"), so
 * autoload is off until a test turns on the ones it exercises.
 */
#include "kernel_types.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

char LICENSE[] SEC("license") = "Dual BSD/GPL";

/* The object's only read-only global: BpfMap.setInitialValue's test sets it before load. */
const volatile __u64 test_setting = 7;

#if defined(__TARGET_ARCH_x86)
#define NR_GETPPID 110
#elif defined(__TARGET_ARCH_arm64)
#define NR_GETPPID 173
#else
#error "add this architecture's getppid syscall number"
#endif

/* Counter slots in `counts`, one per attach kind. */
enum { SLOT_TP_BTF, SLOT_TRACEPOINT, SLOT_RAW_TP, SLOT_CGROUP_SKB, SLOT_FENTRY, SLOT_KPROBE, SLOT_COUNT };

/* A value whose size (12) is not a multiple of 8, to test per-CPU value rounding. */
struct odd_value {
	__u32 a;
	__u32 b;
	__u32 c;
};

struct test_value {
	__u64 count;
	__u32 tag;
};

/* Key 0 holds the tgid whose getppid() calls are counted. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} target SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, SLOT_COUNT);
	__type(key, __u32);
	__type(value, __u64);
} counts SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} percpu_counts SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16384);
	__type(key, __u32);
	__type(value, struct test_value);
} big_hash SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_HASH);
	__uint(max_entries, 4096);
	__type(key, __u32);
	__type(value, struct odd_value);
} percpu_hash SEC(".maps");

static __always_inline bool is_target(void)
{
	__u32 zero = 0;
	__u32 *tgid = bpf_map_lookup_elem(&target, &zero);
	return tgid && *tgid == (__u32)(bpf_get_current_pid_tgid() >> 32);
}

static __always_inline void bump(__u32 slot)
{
	__u64 *count = bpf_map_lookup_elem(&counts, &slot);
	if (count)
		__sync_fetch_and_add(count, 1);
}

SEC("?tp_btf/sys_enter")
int BPF_PROG(count_tp_btf, void *regs, long id)
{
	if (id == NR_GETPPID && is_target()) {
		__u32 zero = 0;
		__u64 *percpu = bpf_map_lookup_elem(&percpu_counts, &zero);
		if (percpu)
			*percpu += 1;
		bump(SLOT_TP_BTF);
	}
	return 0;
}

SEC("?tracepoint/syscalls/sys_enter_getppid")
int count_tracepoint(void *ctx)
{
	if (is_target())
		bump(SLOT_TRACEPOINT);
	return 0;
}

struct raw_tp_args {
	__u64 args[2];
};

SEC("?raw_tp/sys_enter")
int count_raw_tp(struct raw_tp_args *ctx)
{
	if (ctx->args[1] == NR_GETPPID && is_target())
		bump(SLOT_RAW_TP);
	return 0;
}

SEC("?cgroup_skb/egress")
int count_cgroup_skb(void *skb)
{
	bump(SLOT_CGROUP_SKB);
	return 1; /* let the packet through */
}

SEC("?fentry/tcp_sendmsg")
int BPF_PROG(count_fentry)
{
	if (is_target())
		bump(SLOT_FENTRY);
	return 0;
}

SEC("?kprobe/tcp_sendmsg")
int BPF_KPROBE(count_kprobe)
{
	if (is_target())
		bump(SLOT_KPROBE);
	return 0;
}

/* Rejected by every verifier: a hash table's looked-up value is used without the NULL check (an array's,
 * with a constant index, is never NULL to newer verifiers). For the failure path of a load split over
 * several loaders (ParallelLoadKernelTest). */
SEC("?raw_tp/sys_enter")
int rejected_by_verifier(void *ctx)
{
	__u32 key = 0;
	struct test_value *v = bpf_map_lookup_elem(&big_hash, &key);

	return *(__u64 *)v != 0;
}
