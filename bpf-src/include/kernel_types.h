/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The minimal kernel definitions our BPF programs need, instead of a generated vmlinux.h.
 *
 * Why: a vmlinux.h is megabytes of one kernel's types and ties the sources to the machine that
 * generated it. We need a handful of fixed UAPI constants and a few kernel structs, and the structs
 * are declared with preserve_access_index so libbpf relocates every field access against the running
 * kernel's BTF (CO-RE). See bpf-src/README.md.
 */
#ifndef EBPFNET_KERNEL_TYPES_H
#define EBPFNET_KERNEL_TYPES_H

typedef signed char __s8;
typedef unsigned char __u8;
typedef short __s16;
typedef unsigned short __u16;
typedef int __s32;
typedef unsigned int __u32;
typedef long long __s64;
typedef unsigned long long __u64;
typedef __u16 __be16;
typedef __u32 __be32;
typedef __u32 __wsum;
typedef unsigned long size_t;
typedef _Bool bool;
#define true 1
#define false 0

/* UAPI constants (include/uapi/linux/bpf.h); their values are ABI and never change. */
enum bpf_map_type {
	BPF_MAP_TYPE_HASH = 1,
	BPF_MAP_TYPE_ARRAY = 2,
	BPF_MAP_TYPE_PERCPU_HASH = 5,
	BPF_MAP_TYPE_PERCPU_ARRAY = 6,
	BPF_MAP_TYPE_LRU_HASH = 9,
	BPF_MAP_TYPE_LRU_PERCPU_HASH = 10,
	BPF_MAP_TYPE_SK_STORAGE = 24,
	BPF_MAP_TYPE_RINGBUF = 27,
};

#define BPF_ANY 0
#define BPF_NOEXIST 1
#define BPF_EXIST 2
#define BPF_F_NO_PREALLOC (1U << 0)
#define BPF_F_RDONLY_PROG (1U << 7) /* the programs only read the map (Linux 5.2+) */
#define BPF_SK_STORAGE_GET_F_CREATE (1ULL << 0)

#endif
