/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Kernel ABI the socket programs of both objects use: UAPI constants and the kprobe register frame,
 * whose values and layouts never change. No CO-RE here: the legacy object (socket_legacy.bpf.c), which
 * must load without kernel BTF, includes this and not kernel_structs.h.
 */
#ifndef EBPFNET_KERNEL_ABI_H
#define EBPFNET_KERNEL_ABI_H

#define AF_INET 2
#define AF_INET6 10
#define IPPROTO_TCP 6
#define IPPROTO_UDP 17
#define IPPROTO_MPTCP 262
#define SOCK_STREAM 1
#define SOCK_DGRAM 2
#define MSG_PEEK 0x2
#define MSG_ERRQUEUE 0x2000
#define MSG_MORE 0x8000

#if defined(__TARGET_ARCH_x86)
/* The kprobe context: the x86-64 register frame, with the user-space (UAPI) names that
 * bpf_tracing.h expects when no vmlinux.h is included. The layout is ABI and never changes. */
struct pt_regs {
	unsigned long r15, r14, r13, r12, rbp, rbx, r11, r10, r9, r8;
	unsigned long rax, rcx, rdx, rsi, rdi, orig_rax, rip, cs, eflags, rsp, ss;
};
#else
#error "add this architecture's struct pt_regs (see the kernel's arch/*/include/asm/ptrace.h)"
#endif

#endif
