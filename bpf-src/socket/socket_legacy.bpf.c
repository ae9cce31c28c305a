/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The socket collector's legacy mode, for kernels without BTF: kprobes/kretprobes on the functions
 * Netdata hooks and three classic tracepoints, and no CO-RE at all (no preserve_access_index, no
 * BPF_CORE_READ, no BTF-typed program), so libbpf never needs the kernel's BTF to load it
 * (SocketLegacyObjectTest checks the object has no CO-RE relocation). It reads no kernel struct: what it
 * counts comes from the hooked functions' arguments and return values and from helpers (pid/tgid,
 * cgroup id, comm). docs/metrics.md lists what that leaves out.
 *
 * It fills the same maps as socket.bpf.c, with the structs of socket_shared.h, so user space reads both
 * with the same views: `global_counters`, and `processes` keyed by struct process_key, where start_ns is
 * 0 (the process's start time is a task_struct field). Every event adds to the calling process's row at
 * once (no socket state: a socket's fields cannot be read), except retransmits, which run in softirq and
 * are charged to the process that last sent on, connected or accepted the socket (`socket_owners`). No
 * connection table: a connection's addresses are socket fields.
 *
 * user space turns on the programs of its load mode (io.ebpfnet.socket.internal.ProgramSet, LEGACY):
 *   entry   sends counted at function entry with the requested size; connects at entry
 *   return  sends and connects at return, with their result (errors, bytes really sent)
 * Receives are counted at return in both (the bytes are only known then).
 */
#include "kernel_types.h"
#include "kernel_abi.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_endian.h>
#include "socket_shared.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

#define EEXIST 17

/* Written by user space at offset 0 of .rodata before load (the same struct as socket.bpf.o's): only
 * shared_maps and udp_flags_arg mean something here; udp_flags_arg is also tcp_recvmsg's flags index
 * (both lost their `noblock` parameter in Linux 5.19). */
const volatile struct socket_settings settings = { .shared_maps = 0, .udp_flags_arg = 3 };

/* Written by user space before each read: its clock stamps last_seen_ns, as in socket.bpf.c. */
struct reader_state reader = {};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct global_counters);
} global_counters SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_HASH);
	__uint(max_entries, 16384); /* `bandwidth table size` */
	__type(key, struct process_key);
	__type(value, struct process_stats);
} processes SEC(".maps");

/* A zeroed template for new process rows: one on the 512-byte BPF stack would not fit. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct process_stats);
} scratch_process SEC(".maps");

/* Socket address → the process that last sent on, connected or accepted it: who a retransmit (softirq)
 * is charged to. LRU: a socket's entry needs no delete when it goes, and a reused address is claimed by
 * its next owner. `ipv4 connection table size` + `ipv6 connection table size`. */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 32768);
	__type(key, __u64);
	__type(value, struct process_key);
} socket_owners SEC(".maps");

enum legacy_call {
	CALL_TCP_SENDMSG = 1,
	CALL_TCP_SENDPAGE = 2,
	CALL_UDP_SENDMSG = 3,
	CALL_UDP_OUTER = 4, /* udpv6_sendmsg or udp_sendpage, which call udp_sendmsg themselves */
	CALL_TCP_RECVMSG = 5,
	CALL_UDP_RECVMSG = 6,
	CALL_TCP_V4_CONNECT = 7,
	CALL_TCP_V6_CONNECT = 8,
};

struct call_key {
	__u64 pid_tgid;
	__u32 function; /* a thread can be inside two hooked functions (udpv6_sendmsg → udp_sendmsg) */
	__u32 reserved;
};

struct call_args {
	__u64 sk;
	__u64 arg; /* the size of a send; a receive's flags */
};

/* A kprobe'd call's arguments until its kretprobe (registers do not hold them at return): a plain hash, as
 * a per-CPU one would lose the entry when the task migrates while blocked. `udp connection table size`. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__type(key, struct call_key);
	__type(value, struct call_args);
} pending_calls SEC(".maps");

/* ---------------------------------------------------------------- counters */

#include "socket_counters.h" /* kprobes run with preemption off; the retransmit tracepoint is the softirq writer */

static __always_inline void count_global(enum global_counter index, __u64 value)
{
	__u64 *g = global_counters_here();

	if (g)
		ADD_LOCAL(g[index], value);
}

/* ---------------------------------------------------------------- processes */

/* The calling process: its TGID and cgroup v2 id from helpers; no start time without task_struct. */
static __always_inline void current_process(struct process_key *key)
{
	key->tgid = bpf_get_current_pid_tgid() >> 32;
	key->reserved = 0;
	key->start_ns = 0;
	key->cgroup_id = bpf_get_current_cgroup_id();
}

/* The calling thread's name (the group leader's is a task_struct field). */
static __always_inline void name_process(struct process_stats *p)
{
	bpf_get_current_comm(p->comm, sizeof(p->comm));
	p->comm_ns = bpf_ktime_get_ns();
}

static __always_inline struct process_stats *insert_process(const struct process_key *key, bool named)
{
	__u32 zero = 0;
	struct process_stats *stats = bpf_map_lookup_elem(&scratch_process, &zero);

	if (!stats)
		return 0;
	__builtin_memset(stats, 0, sizeof(*stats));
	stats->first_seen_ns = bpf_ktime_get_ns();
	stats->last_seen_ns = reader.clock_ns;
	if (named)
		name_process(stats);
	long err = bpf_map_update_elem(&processes, key, stats, BPF_NOEXIST);
	if (err && err != -EEXIST) {
		count_global_shared(FAILED_INSERT(GC_REFUSED_PROCESSES, err), 1);
		return 0;
	}
	return bpf_map_lookup_elem(&processes, key);
}

/* The calling process's row (key filled in), created on its first event. */
static __always_inline struct process_stats *process_of_current(struct process_key *key)
{
	struct process_stats *p;

	current_process(key);
	p = bpf_map_lookup_elem(&processes, key);
	if (!p)
		return insert_process(key, true);
	if (!p->comm_ns)
		name_process(p); /* this CPU's copy of a row a softirq event created */
	p->last_seen_ns = reader.clock_ns;
	return p;
}

/* The calling process owns sk from now on (for its retransmits); one lookup when it owned it already. */
static __always_inline void own_socket(void *sk, const struct process_key *key)
{
	__u64 address = (__u64)sk;
	struct process_key *owner = bpf_map_lookup_elem(&socket_owners, &address);

	if (owner && owner->tgid == key->tgid && owner->cgroup_id == key->cgroup_id)
		return;
	bpf_map_update_elem(&socket_owners, &address, key, BPF_ANY);
}

/* ---------------------------------------------------------------- the events */

/* A send (dir 0) or receive (dir 1) of the calling process: ret bytes moved (> 0), or none (then `error`
 * says whether it failed). A TCP send notes the socket's owner, for its retransmits. */
static __always_inline void count_call(void *sk, bool tcp, int dir, long ret, bool error)
{
	struct process_key key;
	struct process_stats *p = process_of_current(&key);
	__u64 *g = global_counters_here();
	__u64 bytes = ret > 0 ? ret : 0;

	if (g) {
		if (dir == 0) {
			ADD_LOCAL(g[tcp ? GC_TCP_SEND_CALLS : GC_UDP_SEND_CALLS], 1);
			ADD_LOCAL(g[tcp ? GC_TCP_SEND_BYTES : GC_UDP_SEND_BYTES], bytes);
			if (error)
				ADD_LOCAL(g[tcp ? GC_TCP_SEND_ERRORS : GC_UDP_SEND_ERRORS], 1);
		} else {
			ADD_LOCAL(g[tcp ? GC_TCP_RECV_CALLS : GC_UDP_RECV_CALLS], 1);
			ADD_LOCAL(g[tcp ? GC_TCP_RECV_BYTES : GC_UDP_RECV_BYTES], bytes);
			if (error)
				ADD_LOCAL(g[tcp ? GC_TCP_RECV_ERRORS : GC_UDP_RECV_ERRORS], 1);
		}
	}
	if (!p)
		return;
	if (tcp && dir == 0) {
		ADD_LOCAL(p->tcp_send_calls, 1);
		ADD_LOCAL(p->tcp_bytes_sent, bytes);
		if (error)
			ADD_LOCAL(p->tcp_send_errors, 1);
		own_socket(sk, &key);
	} else if (tcp) {
		ADD_LOCAL(p->tcp_recv_calls, 1);
		ADD_LOCAL(p->tcp_bytes_received, bytes);
		if (error)
			ADD_LOCAL(p->tcp_recv_errors, 1);
	} else if (dir == 0) {
		ADD_LOCAL(p->udp_send_calls, 1);
		ADD_LOCAL(p->udp_bytes_sent, bytes);
		if (error)
			ADD_LOCAL(p->udp_send_errors, 1);
	} else {
		ADD_LOCAL(p->udp_recv_calls, 1);
		ADD_LOCAL(p->udp_bytes_received, bytes);
		if (error)
			ADD_LOCAL(p->udp_recv_errors, 1);
	}
}

/* A send: ret is the requested size (entry) or the result, bytes or -errno (return: errors_known). */
static __always_inline void on_send(void *sk, bool tcp, long ret, bool errors_known)
{
	count_call(sk, tcp, 0, ret, ret < 0 && errors_known);
}

/* A receive's result with the call's flags: a MSG_PEEK leaves the data queued (a call, no bytes); a read
 * of the error queue (transmit timestamps, ICMP errors) is no received data and no receive at all. */
static __always_inline void on_receive(void *sk, bool tcp, long ret, __u64 flags)
{
	if (flags & MSG_ERRQUEUE)
		return;
	count_call(sk, tcp, 1, (flags & MSG_PEEK) && ret > 0 ? 0 : ret, ret < 0);
}

/* An outbound TCP connect by the calling process; ret < 0 (when known) is a failure. */
static __always_inline void on_connect(void *sk, bool v6, long ret)
{
	struct process_key key;
	struct process_stats *p = process_of_current(&key);

	count_global(v6 ? GC_TCP_CONNECT_V6 : GC_TCP_CONNECT_V4, 1);
	if (ret < 0)
		count_global(v6 ? GC_TCP_CONNECT_V6_ERRORS : GC_TCP_CONNECT_V4_ERRORS, 1);
	if (!p)
		return;
	if (v6)
		ADD_LOCAL(p->tcp_v6_connects, 1);
	else
		ADD_LOCAL(p->tcp_v4_connects, 1);
	if (ret < 0)
		ADD_LOCAL(p->tcp_connect_errors, 1);
	own_socket(sk, &key);
}

static __always_inline void remember_call(enum legacy_call function, void *sk, __u64 arg)
{
	struct call_key key = { .pid_tgid = bpf_get_current_pid_tgid(), .function = function };
	struct call_args args = { .sk = (__u64)sk, .arg = arg };

	long err = bpf_map_update_elem(&pending_calls, &key, &args, BPF_ANY);

	if (err)
		count_global_shared(FAILED_INSERT(GC_REFUSED_PENDING_CALLS, err), 1);
}

/* The arguments remembered at entry (sk 0 when there are none); the entry is consumed. */
static __always_inline struct call_args recall_call(enum legacy_call function)
{
	struct call_key key = { .pid_tgid = bpf_get_current_pid_tgid(), .function = function };
	struct call_args args = {};
	struct call_args *found = bpf_map_lookup_elem(&pending_calls, &key);

	if (found) {
		args = *found;
		bpf_map_delete_elem(&pending_calls, &key);
	}
	return args;
}

/*
 * udp_sendmsg is also called by udpv6_sendmsg (an IPv6 socket sending to an IPv4-mapped address) and, before
 * Linux 6.5, by udp_sendpage: those sends are the outer function's, counted there. socket.bpf.c reads the
 * socket's family to tell; here the outer function notes (thread, socket) at entry and udp_sendmsg looks.
 */
static __always_inline bool inside_outer_udp_send(void *sk)
{
	struct call_key key = { .pid_tgid = bpf_get_current_pid_tgid(), .function = CALL_UDP_OUTER };
	struct call_args *outer = bpf_map_lookup_elem(&pending_calls, &key);

	return outer && outer->sk == (__u64)sk;
}

/* The flags argument of tcp_recvmsg, udp_recvmsg and udpv6_recvmsg (see settings.udp_flags_arg): both
 * registers loaded at fixed offsets (a computed offset into the context is refused). */
static __always_inline __u64 receive_flags(struct pt_regs *ctx)
{
	__u64 fourth = PT_REGS_PARM4(ctx), fifth = PT_REGS_PARM5(ctx);

	return settings.udp_flags_arg == 4 ? fifth : fourth;
}

/* ---------------------------------------------------------------- TCP */

SEC("?kprobe/tcp_sendmsg")
int BPF_KPROBE(legacy_tcp_sendmsg_entry, void *sk, void *msg, size_t size)
{
	on_send(sk, true, size, false);
	return 0;
}

SEC("?kprobe/tcp_sendmsg")
int BPF_KPROBE(legacy_tcp_sendmsg_remember, void *sk, void *msg, size_t size)
{
	remember_call(CALL_TCP_SENDMSG, sk, size);
	return 0;
}

SEC("?kretprobe/tcp_sendmsg")
int BPF_KRETPROBE(legacy_tcp_sendmsg_return, int ret)
{
	struct call_args call = recall_call(CALL_TCP_SENDMSG);

	if (call.sk)
		on_send((void *)call.sk, true, ret, true);
	return 0;
}

/* sendfile() and splice() to a TCP socket before Linux 6.5 (later they go through tcp_sendmsg). */
SEC("?kprobe/tcp_sendpage")
int BPF_KPROBE(legacy_tcp_sendpage_entry, void *sk, void *page, int offset, size_t size)
{
	on_send(sk, true, size, false);
	return 0;
}

SEC("?kprobe/tcp_sendpage")
int BPF_KPROBE(legacy_tcp_sendpage_remember, void *sk, void *page, int offset, size_t size)
{
	remember_call(CALL_TCP_SENDPAGE, sk, size);
	return 0;
}

SEC("?kretprobe/tcp_sendpage")
int BPF_KRETPROBE(legacy_tcp_sendpage_return, int ret)
{
	struct call_args call = recall_call(CALL_TCP_SENDPAGE);

	if (call.sk)
		on_send((void *)call.sk, true, ret, true);
	return 0;
}

/* Both load modes: what a read copied is only known at return. */
SEC("?kprobe/tcp_recvmsg")
int BPF_KPROBE(legacy_tcp_recvmsg_remember, void *sk)
{
	remember_call(CALL_TCP_RECVMSG, sk, receive_flags(ctx));
	return 0;
}

SEC("?kretprobe/tcp_recvmsg")
int BPF_KRETPROBE(legacy_tcp_recvmsg_return, int ret)
{
	struct call_args call = recall_call(CALL_TCP_RECVMSG);

	if (call.sk)
		on_receive((void *)call.sk, true, ret, call.arg);
	return 0;
}

SEC("?kprobe/tcp_close")
int BPF_KPROBE(legacy_tcp_close, void *sk)
{
	struct process_key key;
	struct process_stats *p = process_of_current(&key);

	count_global_shared(GC_TCP_CLOSES, 1);
	if (p)
		ADD_LOCAL(p->tcp_closes, 1);
	return 0;
}

/* The accepted socket is the return value, in the accepting process. Any inet_csk_accept: without the
 * socket's protocol field, DCCP and MPTCP's subflow accepts are counted too (docs/metrics.md). */
SEC("?kretprobe/inet_csk_accept")
int BPF_KRETPROBE(legacy_inet_csk_accept_return, void *newsk)
{
	struct process_key key;
	struct process_stats *p;

	if (!newsk)
		return 0;
	p = process_of_current(&key);
	count_global(GC_TCP_ACCEPTS, 1);
	if (p) {
		ADD_LOCAL(p->tcp_accepts, 1);
		own_socket(newsk, &key);
	}
	return 0;
}

SEC("?kprobe/tcp_v4_connect")
int BPF_KPROBE(legacy_tcp_v4_connect_entry, void *sk)
{
	on_connect(sk, false, 0);
	return 0;
}

SEC("?kprobe/tcp_v4_connect")
int BPF_KPROBE(legacy_tcp_v4_connect_remember, void *sk)
{
	remember_call(CALL_TCP_V4_CONNECT, sk, 0);
	return 0;
}

SEC("?kretprobe/tcp_v4_connect")
int BPF_KRETPROBE(legacy_tcp_v4_connect_return, int ret)
{
	struct call_args call = recall_call(CALL_TCP_V4_CONNECT);

	if (call.sk)
		on_connect((void *)call.sk, false, ret);
	return 0;
}

/* struct sockaddr_in6 (UAPI): family, port, flow info, then the address at byte 8. */
#define SIN6_ADDR_OFFSET 8

/* tcp_v6_connect hands an IPv4-mapped destination (::ffff:a.b.c.d) to tcp_v4_connect, whose hook counts it. */
static __always_inline bool connects_to_v4_mapped(void *uaddr)
{
	__u32 words[3];

	if (bpf_probe_read(words, sizeof(words), (char *)uaddr + SIN6_ADDR_OFFSET))
		return false;
	return words[0] == 0 && words[1] == 0 && words[2] == bpf_htonl(0xffff);
}

SEC("?kprobe/tcp_v6_connect")
int BPF_KPROBE(legacy_tcp_v6_connect_entry, void *sk, void *uaddr)
{
	if (!connects_to_v4_mapped(uaddr))
		on_connect(sk, true, 0);
	return 0;
}

SEC("?kprobe/tcp_v6_connect")
int BPF_KPROBE(legacy_tcp_v6_connect_remember, void *sk, void *uaddr)
{
	if (!connects_to_v4_mapped(uaddr))
		remember_call(CALL_TCP_V6_CONNECT, sk, 0);
	return 0;
}

SEC("?kretprobe/tcp_v6_connect")
int BPF_KRETPROBE(legacy_tcp_v6_connect_return, int ret)
{
	struct call_args call = recall_call(CALL_TCP_V6_CONNECT);

	if (call.sk)
		on_connect((void *)call.sk, true, ret);
	return 0;
}

/* ---------------------------------------------------------------- UDP */

SEC("?kprobe/udp_sendmsg")
int BPF_KPROBE(legacy_udp_sendmsg_entry, void *sk, void *msg, size_t len)
{
	if (!inside_outer_udp_send(sk))
		on_send(sk, false, len, false);
	return 0;
}

SEC("?kprobe/udp_sendmsg")
int BPF_KPROBE(legacy_udp_sendmsg_remember, void *sk, void *msg, size_t len)
{
	if (!inside_outer_udp_send(sk))
		remember_call(CALL_UDP_SENDMSG, sk, len);
	return 0;
}

SEC("?kretprobe/udp_sendmsg")
int BPF_KRETPROBE(legacy_udp_sendmsg_return, int ret)
{
	struct call_args call = recall_call(CALL_UDP_SENDMSG);

	if (call.sk)
		on_send((void *)call.sk, false, ret, true);
	return 0;
}

/*
 * udpv6_sendmsg and udp_sendpage (before Linux 6.5): the outer sends. Entry mode counts at entry and notes
 * the call; return mode notes it at entry and counts at return; both forget it at return. The two never
 * nest, so they share one note per thread.
 */
SEC("?kprobe/udpv6_sendmsg")
int BPF_KPROBE(legacy_udpv6_sendmsg_entry, void *sk, void *msg, size_t len)
{
	remember_call(CALL_UDP_OUTER, sk, len);
	on_send(sk, false, len, false);
	return 0;
}

SEC("?kprobe/udpv6_sendmsg")
int BPF_KPROBE(legacy_udpv6_sendmsg_remember, void *sk, void *msg, size_t len)
{
	remember_call(CALL_UDP_OUTER, sk, len);
	return 0;
}

SEC("?kretprobe/udpv6_sendmsg")
int BPF_KRETPROBE(legacy_udpv6_sendmsg_return, int ret)
{
	struct call_args call = recall_call(CALL_UDP_OUTER);

	if (call.sk)
		on_send((void *)call.sk, false, ret, true);
	return 0;
}

SEC("?kretprobe/udpv6_sendmsg")
int BPF_KRETPROBE(legacy_udpv6_sendmsg_done)
{
	recall_call(CALL_UDP_OUTER);
	return 0;
}

SEC("?kprobe/udp_sendpage")
int BPF_KPROBE(legacy_udp_sendpage_entry, void *sk, void *page, int offset, size_t size)
{
	remember_call(CALL_UDP_OUTER, sk, size);
	on_send(sk, false, size, false);
	return 0;
}

SEC("?kprobe/udp_sendpage")
int BPF_KPROBE(legacy_udp_sendpage_remember, void *sk, void *page, int offset, size_t size)
{
	remember_call(CALL_UDP_OUTER, sk, size);
	return 0;
}

SEC("?kretprobe/udp_sendpage")
int BPF_KRETPROBE(legacy_udp_sendpage_return, int ret)
{
	struct call_args call = recall_call(CALL_UDP_OUTER);

	if (call.sk)
		on_send((void *)call.sk, false, ret, true);
	return 0;
}

SEC("?kretprobe/udp_sendpage")
int BPF_KRETPROBE(legacy_udp_sendpage_done)
{
	recall_call(CALL_UDP_OUTER);
	return 0;
}

/* udp_recvmsg and udpv6_recvmsg (an IPv6 socket's receives, mapped addresses included, never nest). */
SEC("?kprobe/udp_recvmsg")
int BPF_KPROBE(legacy_udp_recvmsg_remember, void *sk)
{
	remember_call(CALL_UDP_RECVMSG, sk, receive_flags(ctx));
	return 0;
}

SEC("?kretprobe/udp_recvmsg")
int BPF_KRETPROBE(legacy_udp_recvmsg_return, int ret)
{
	struct call_args call = recall_call(CALL_UDP_RECVMSG);

	if (call.sk)
		on_receive((void *)call.sk, false, ret, call.arg);
	return 0;
}

SEC("?kprobe/udpv6_recvmsg")
int BPF_KPROBE(legacy_udpv6_recvmsg_remember, void *sk)
{
	remember_call(CALL_UDP_RECVMSG, sk, receive_flags(ctx));
	return 0;
}

SEC("?kretprobe/udpv6_recvmsg")
int BPF_KRETPROBE(legacy_udpv6_recvmsg_return, int ret)
{
	struct call_args call = recall_call(CALL_UDP_RECVMSG);

	if (call.sk)
		on_receive((void *)call.sk, false, ret, call.arg);
	return 0;
}

/* ---------------------------------------------------------------- classic tracepoints */

/* tcp:tcp_retransmit_skb's record (include/trace/events/tcp.h): the common 8-byte header, the skb's and
 * the socket's addresses. It fires for a retransmit that was sent, as RetransSegs counts. */
struct tcp_retransmit_record {
	__u64 header;
	__u64 skbaddr;
	__u64 skaddr;
};

/* In softirq or a timer: charged to the socket's last owner (never created: an exited process's row
 * must not come back), else to the unknown owner (tgid 0). */
SEC("?tracepoint/tcp/tcp_retransmit_skb")
int legacy_tcp_retransmit_skb(struct tcp_retransmit_record *ctx)
{
	__u64 address = ctx->skaddr;
	struct process_key unknown = {};
	struct process_key *owner = bpf_map_lookup_elem(&socket_owners, &address);
	struct process_stats *p = owner ? bpf_map_lookup_elem(&processes, owner) : 0;

	count_global_shared(GC_TCP_RETRANSMITS, 1);
	if (!p) {
		p = bpf_map_lookup_elem(&processes, &unknown);
		if (!p)
			p = insert_process(&unknown, false);
	}
	if (p) {
		ADD_SHARED(p->tcp_retransmits, 1);
		p->last_seen_ns = reader.clock_ns;
	}
	return 0;
}

/*
 * A process's row is marked exited when its main thread (pid == tgid) exits: whether the whole thread
 * group is gone is a task_struct field. user space reports the row exited one read later (its sockets are
 * closed after this, by the last thread) and releases it, as in socket.bpf.c.
 */
SEC("?tracepoint/sched/sched_process_exit")
int legacy_process_exit(void *ctx)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	struct process_key key;
	struct process_stats *p;

	if ((__u32)pid_tgid != pid_tgid >> 32)
		return 0;
	current_process(&key);
	p = bpf_map_lookup_elem(&processes, &key);
	if (p) {
		p->exited = reader.clock_ns + 1;
		p->last_seen_ns = reader.clock_ns;
	}
	return 0;
}

/* exec() renames the process: its row takes the new name (this CPU's copy, the latest by comm_ns). */
SEC("?tracepoint/sched/sched_process_exec")
int legacy_process_exec(void *ctx)
{
	struct process_key key;
	struct process_stats *p;

	current_process(&key);
	p = bpf_map_lookup_elem(&processes, &key);
	if (p) {
		name_process(p);
		p->last_seen_ns = reader.clock_ns;
	}
	return 0;
}
