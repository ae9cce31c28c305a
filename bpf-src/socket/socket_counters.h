/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The global counters' adds, the same in both socket objects (socket.bpf.c, socket_legacy.bpf.c).
 * Included after the object declares `settings` (struct socket_settings) and the `global_counters` map.
 */
#ifndef EBPFNET_SOCKET_COUNTERS_H
#define EBPFNET_SOCKET_COUNTERS_H

/*
 * Two kinds of add. A per-CPU value is only written on its own CPU, but a softirq program (retransmit,
 * state change, socket destruction and its fold) can interrupt a process-context program there and write
 * the same value. So counters only process-context programs write (connects) take a plain add
 * (ADD_LOCAL), and counters a softirq program writes too always take an atomic one (ADD_SHARED). Shared
 * maps (`maps per core = no`) make every add atomic. docs/metrics.md lists which counter is which.
 */
#define ADD_LOCAL(field, value)                                                                                \
	do {                                                                                                   \
		if (settings.shared_maps)                                                                      \
			__sync_fetch_and_add(&(field), (value));                                               \
		else                                                                                           \
			(field) += (value);                                                                    \
	} while (0)
#define ADD_SHARED(field, value) __sync_fetch_and_add(&(field), (value))

/* This CPU's global counters (all of them when the maps are shared), or 0. */
static __always_inline __u64 *global_counters_here(void)
{
	__u32 zero = 0;
	struct global_counters *g = bpf_map_lookup_elem(&global_counters, &zero);

	return g ? g->counters : 0;
}

/* For a counter a softirq program may write too. */
static __always_inline void count_global_shared(enum global_counter index, __u64 value)
{
	__u64 *g = global_counters_here();

	if (g)
		ADD_SHARED(g[index], value);
}

#endif
