/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* Deliberately rejected by the verifier: a hash map value is dereferenced without a NULL check.
 * (A hash, not an array: recent kernels prove constant-key array lookups non-NULL.) */
#include "kernel_types.h"
#include <bpf/bpf_helpers.h>

char LICENSE[] SEC("license") = "Dual BSD/GPL";

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} values SEC(".maps");

SEC("raw_tp/sys_enter")
int unchecked_lookup(void *ctx)
{
	__u32 zero = 0;
	__u64 *value = bpf_map_lookup_elem(&values, &zero);
	*value += 1; /* the verifier rejects this: value may be NULL */
	return 0;
}
