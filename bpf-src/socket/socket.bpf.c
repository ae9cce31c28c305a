/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The socket collector: TCP and UDP calls, bytes, errors, connects, accepts, closes and retransmits,
 * globally, per process and per connection.
 *
 * One object holds the programs of every attach mode; every program is SEC("?…") (autoload off) and
 * user space turns on the set its attach mode and load mode need (io.ebpfnet.socket.ProgramSet):
 *   trampoline  fentry/fexit on the kernel functions Netdata hooks (plus udpv6_*, tcp_recvmsg errors)
 *   probe       kprobe/kretprobe on the same functions; kretprobes find their arguments in
 *               `pending_calls`, stored at entry (registers do not hold them at return)
 *   tracepoint  tp_btf sock_send_length / sock_recv_length / inet_sock_set_state / tcp_retransmit_skb
 * All modes share the accounting functions below, so a metric means the same thing in each, except
 * where docs/metrics.md says otherwise.
 *
 * Attribution: events in process context (send, receive, connect, accept, listen, close()) are
 * charged to the calling process (its TGID, never the thread), which is remembered as a TCP socket's
 * owner in `socket_owners`; events in softirq context (retransmits, passive opens, state changes) are
 * charged to that owner, or to the explicit unknown owner (tgid 0), never to the interrupted task.
 */
#include "kernel_structs.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_endian.h>
#include "socket_shared.h"

char LICENSE[] SEC("license") = "GPL";

#define EEXIST 17

/* The only read-only global: user space writes it at offset 0 of .rodata before load (SocketLayoutsBtfTest
 * checks the offset). */
const volatile struct socket_settings settings = { .connections = 1 };

/* Counters are added atomically: correct for the shared maps of `maps per core = no`, and the
 * per-CPU maps of `yes` lose nothing by it. User space may switch every map type before load. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, GC_COUNT);
	__type(key, enum global_counter); /* (a 4-byte key that also puts the enum in BTF for the Java test) */
	__type(value, __u64);
} global_counters SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_HASH);
	__uint(max_entries, 16384); /* `bandwidth table size` */
	__type(key, struct process_key);
	__type(value, struct process_stats);
} processes SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_HASH);
	__uint(max_entries, 16384); /* `ipv4 connection table size` */
	__type(key, struct connection_key_v4);
	__type(value, struct connection_stats);
} connections_v4 SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_HASH);
	__uint(max_entries, 16384); /* `ipv6 connection table size` */
	__type(key, struct connection_key_v6);
	__type(value, struct connection_stats);
} connections_v6 SEC(".maps");

/* socket address → owner. LRU: sockets come and go without a reliable last event. */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 32768);
	__type(key, __u64);
	__type(value, struct owner);
} socket_owners SEC(".maps");

/* (local port << 16 | protocol) → owner of the listening socket, for passive opens in softirq. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__type(key, __u32);
	__type(value, struct owner);
} listeners SEC(".maps");

enum pending_function {
	PENDING_TCP_SENDMSG = 1,
	PENDING_TCP_RECVMSG = 2,
	PENDING_UDP_SENDMSG = 3,
	PENDING_UDP_RECVMSG = 4,
	PENDING_TCP_V4_CONNECT = 5,
	PENDING_TCP_V6_CONNECT = 6,
};

struct pending_key {
	__u64 pid_tgid;
	__u32 function; /* a thread can be inside two hooked functions: TCP fast open connects inside tcp_sendmsg */
	__u32 reserved;
};

struct pending_call {
	__u64 sk;
	__u64 size;
};

/* Arguments of a kprobe'd call, kept until its kretprobe: a plain hash (a per-CPU one would lose
 * the entry when the task migrates while blocked). `udp connection table size`. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__type(key, struct pending_key);
	__type(value, struct pending_call);
} pending_calls SEC(".maps");

/* Zeroed templates for new entries: building them on the 512-byte BPF stack would not fit. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct process_stats);
} scratch_process SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct connection_stats);
} scratch_connection SEC(".maps");

/* The last task seen on each CPU, with what reading its start time and name cost: most events come
 * from the same task as the one before them. */
struct task_cache {
	__u64 task;
	__u64 start_ns;
	char comm[16];
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct task_cache);
} last_task SEC(".maps");

/* ---------------------------------------------------------------- kernel fields */

/*
 * Each reads a socket field: a direct, CO-RE-relocated load where the verifier knows the pointer's
 * BTF type (fentry/fexit and tp_btf arguments), bpf_probe_read_kernel where it does not (kprobe
 * arguments, pointers kept in maps or returned by helpers). `direct` is a constant in every program,
 * so the other branch is compiled away.
 */
static __always_inline __u16 sk_family(struct sock *sk, bool direct)
{
	return direct ? sk->__sk_common.skc_family : BPF_CORE_READ(sk, __sk_common.skc_family);
}

static __always_inline __u16 sk_protocol(struct sock *sk, bool direct)
{
	return direct ? sk->sk_protocol : BPF_CORE_READ(sk, sk_protocol);
}

static __always_inline __u32 sk_state(struct sock *sk, bool direct)
{
	return direct ? sk->__sk_common.skc_state : BPF_CORE_READ(sk, __sk_common.skc_state);
}

static __always_inline __u16 sk_local_port(struct sock *sk, bool direct)
{
	return direct ? sk->__sk_common.skc_num : BPF_CORE_READ(sk, __sk_common.skc_num);
}

static __always_inline __u16 sk_remote_port(struct sock *sk, bool direct)
{
	return bpf_ntohs(direct ? sk->__sk_common.skc_dport : BPF_CORE_READ(sk, __sk_common.skc_dport));
}

static __always_inline __u32 sk_local_v4(struct sock *sk, bool direct)
{
	return direct ? sk->__sk_common.skc_rcv_saddr : BPF_CORE_READ(sk, __sk_common.skc_rcv_saddr);
}

static __always_inline __u32 sk_remote_v4(struct sock *sk, bool direct)
{
	return direct ? sk->__sk_common.skc_daddr : BPF_CORE_READ(sk, __sk_common.skc_daddr);
}

static __always_inline void sk_local_v6(struct sock *sk, bool direct, __u8 *out)
{
	if (direct)
		__builtin_memcpy(out, sk->__sk_common.skc_v6_rcv_saddr.in6_u.u6_addr8, 16);
	else
		BPF_CORE_READ_INTO((__u8(*)[16])out, sk, __sk_common.skc_v6_rcv_saddr.in6_u.u6_addr8);
}

static __always_inline void sk_remote_v6(struct sock *sk, bool direct, __u8 *out)
{
	if (direct)
		__builtin_memcpy(out, sk->__sk_common.skc_v6_daddr.in6_u.u6_addr8, 16);
	else
		BPF_CORE_READ_INTO((__u8(*)[16])out, sk, __sk_common.skc_v6_daddr.in6_u.u6_addr8);
}

/* ---------------------------------------------------------------- counters and owners */

static __always_inline void count_global(enum global_counter index, __u64 value)
{
	__u64 *counter = bpf_map_lookup_elem(&global_counters, &index);
	if (counter)
		__sync_fetch_and_add(counter, value);
}

static __always_inline void owner_of_current(struct owner *o, __u32 direction)
{
	__u64 task = bpf_get_current_task();
	__u32 zero = 0;
	struct task_cache *cache = bpf_map_lookup_elem(&last_task, &zero);

	o->tgid = bpf_get_current_pid_tgid() >> 32;
	o->direction = direction;
	o->cgroup_id = bpf_get_current_cgroup_id(); /* every time: the process may have moved */
	if (cache && cache->task == task) {
		o->start_ns = cache->start_ns;
		__builtin_memcpy(o->comm, cache->comm, sizeof(o->comm));
		return;
	}
	struct task_struct *leader = BPF_CORE_READ((struct task_struct *)task, group_leader);
	o->start_ns = BPF_CORE_READ(leader, start_time);
	bpf_core_read_str(o->comm, sizeof(o->comm), &leader->comm);
	if (cache) {
		cache->task = task;
		cache->start_ns = o->start_ns;
		__builtin_memcpy(cache->comm, o->comm, sizeof(cache->comm));
	}
}

/*
 * Records o as sk's owner. Returns true when sk was accepted from a listener whose owner was unknown
 * (it listened before the collector started): the first process to use the socket is the one that
 * accepted it, and the caller charges it that accept.
 */
static __always_inline bool remember_owner(struct sock *sk, struct owner *o)
{
	__u64 key = (__u64)sk;
	struct owner *known = bpf_map_lookup_elem(&socket_owners, &key);
	bool accept_pending = false;

	if (known) {
		if (o->direction == DIRECTION_UNKNOWN)
			o->direction = known->direction;
		if (known->tgid == o->tgid && known->start_ns == o->start_ns && known->direction == o->direction)
			return false;
		accept_pending = known->tgid == 0 && known->direction == DIRECTION_INBOUND && o->tgid != 0;
	}
	bpf_map_update_elem(&socket_owners, &key, o, BPF_ANY);
	return accept_pending;
}

/* The owner recorded for sk, or the unknown owner (all zero). */
static __always_inline void owner_of_socket(struct sock *sk, struct owner *o)
{
	__u64 key = (__u64)sk;
	struct owner *known = bpf_map_lookup_elem(&socket_owners, &key);

	if (known)
		__builtin_memcpy(o, known, sizeof(*o));
	else
		__builtin_memset(o, 0, sizeof(*o));
}

static __always_inline struct process_stats *process_entry(const struct owner *o)
{
	struct process_key key = {
		.tgid = o->tgid,
		.start_ns = o->start_ns,
		.cgroup_id = o->cgroup_id,
	};
	struct process_stats *stats = bpf_map_lookup_elem(&processes, &key);
	__u32 zero = 0;

	if (stats)
		return stats;
	stats = bpf_map_lookup_elem(&scratch_process, &zero);
	if (!stats)
		return 0;
	__builtin_memset(stats, 0, sizeof(*stats));
	__builtin_memcpy(stats->comm, o->comm, sizeof(stats->comm));
	stats->first_seen_ns = bpf_ktime_get_ns();
	long err = bpf_map_update_elem(&processes, &key, stats, BPF_NOEXIST);
	if (err && err != -EEXIST) {
		count_global(GC_REFUSED_PROCESSES, 1);
		return 0;
	}
	return bpf_map_lookup_elem(&processes, &key);
}

static __always_inline struct connection_stats *connection_entry(void *map, void *key, __u32 refused_counter,
								  __u32 direction)
{
	struct connection_stats *stats = bpf_map_lookup_elem(map, key);
	__u32 zero = 0;

	if (stats)
		return stats;
	stats = bpf_map_lookup_elem(&scratch_connection, &zero);
	if (!stats)
		return 0;
	__builtin_memset(stats, 0, sizeof(*stats));
	stats->first_seen_ns = bpf_ktime_get_ns();
	stats->direction = direction;
	long err = bpf_map_update_elem(map, key, stats, BPF_NOEXIST);
	if (err && err != -EEXIST) {
		count_global(refused_counter, 1);
		return 0;
	}
	return bpf_map_lookup_elem(map, key);
}

/* ::ffff:a.b.c.d, an IPv4 address on an IPv6 socket (Java and other dual-stack runtimes use these). */
static __always_inline bool is_v4_mapped(const __u8 *a)
{
	return a[0] == 0 && a[1] == 0 && a[2] == 0 && a[3] == 0 && a[4] == 0 && a[5] == 0 && a[6] == 0 &&
	       a[7] == 0 && a[8] == 0 && a[9] == 0 && a[10] == 0xff && a[11] == 0xff;
}

/* Adds traffic to the connection sk is, as seen by owner o. */
static __always_inline void count_connection(struct sock *sk, bool direct, const struct owner *o, __u16 protocol,
					     __u64 sent, __u64 received, __u64 retransmits, __u64 now)
{
	__u16 family;
	struct connection_stats *c;

	if (!settings.connections)
		return; /* a constant at load: the verifier drops the rest */
	family = sk_family(sk, direct);
	if (family == AF_INET) {
		struct connection_key_v4 key = {
			.saddr = sk_local_v4(sk, direct),
			.daddr = sk_remote_v4(sk, direct),
			.sport = sk_local_port(sk, direct),
			.dport = sk_remote_port(sk, direct),
			.protocol = protocol,
			.tgid = o->tgid,
		};
		c = connection_entry(&connections_v4, &key, GC_REFUSED_CONNECTIONS_V4, o->direction);
	} else if (family == AF_INET6) {
		struct connection_key_v6 key = {
			.sport = sk_local_port(sk, direct),
			.dport = sk_remote_port(sk, direct),
			.protocol = protocol,
			.tgid = o->tgid,
		};
		sk_local_v6(sk, direct, key.saddr);
		sk_remote_v6(sk, direct, key.daddr);
		if (is_v4_mapped(key.daddr)) {
			/* IPv4 on the wire: file it with the IPv4 connections */
			struct connection_key_v4 key4 = {
				.saddr = *(__u32 *)&key.saddr[12],
				.daddr = *(__u32 *)&key.daddr[12],
				.sport = key.sport,
				.dport = key.dport,
				.protocol = protocol,
				.tgid = o->tgid,
			};
			c = connection_entry(&connections_v4, &key4, GC_REFUSED_CONNECTIONS_V4, o->direction);
		} else {
			c = connection_entry(&connections_v6, &key, GC_REFUSED_CONNECTIONS_V6, o->direction);
		}
	} else {
		return;
	}
	if (!c)
		return;
	if (sent) {
		__sync_fetch_and_add(&c->bytes_sent, sent);
		__sync_fetch_and_add(&c->send_calls, 1);
	}
	if (received) {
		__sync_fetch_and_add(&c->bytes_received, received);
		__sync_fetch_and_add(&c->recv_calls, 1);
	}
	if (retransmits)
		__sync_fetch_and_add(&c->retransmits, retransmits);
	if (o->direction != DIRECTION_UNKNOWN)
		c->direction = o->direction;
	c->state = protocol == IPPROTO_TCP ? sk_state(sk, direct) : 0;
	c->last_seen_ns = now;
}

/* The family of the connection on the wire: an IPv6 socket talking to a mapped address is IPv4. */
static __always_inline __u16 wire_family(struct sock *sk, bool direct)
{
	__u16 family = sk_family(sk, direct);
	__u8 daddr[16];

	if (family != AF_INET6)
		return family;
	sk_remote_v6(sk, direct, daddr);
	return is_v4_mapped(daddr) ? AF_INET : AF_INET6;
}

/* ---------------------------------------------------------------- the events */

/* A send call: ret is the byte count (or, at entry, the requested size) or -errno. */
static __always_inline void on_send(struct sock *sk, bool direct, __u16 protocol, long ret, bool errors_known)
{
	struct owner o;
	struct process_stats *p;

	owner_of_current(&o, DIRECTION_UNKNOWN);
	/* Only TCP sockets' owners are read back (retransmits, failed connects, closes and accepts are
	 * TCP's): UDP skips a hash lookup per call and leaves the table to TCP. */
	bool accept_pending = protocol == IPPROTO_TCP && remember_owner(sk, &o);
	p = process_entry(&o);
	if (accept_pending && p)
		__sync_fetch_and_add(&p->tcp_accepts, 1);
	if (protocol == IPPROTO_TCP) {
		count_global(GC_TCP_SEND_CALLS, 1);
		if (p)
			__sync_fetch_and_add(&p->tcp_send_calls, 1);
		if (ret < 0) {
			if (errors_known) {
				count_global(GC_TCP_SEND_ERRORS, 1);
				if (p)
					__sync_fetch_and_add(&p->tcp_send_errors, 1);
			}
		} else {
			count_global(GC_TCP_SEND_BYTES, ret);
			if (p)
				__sync_fetch_and_add(&p->tcp_bytes_sent, ret);
		}
	} else {
		count_global(GC_UDP_SEND_CALLS, 1);
		if (p)
			__sync_fetch_and_add(&p->udp_send_calls, 1);
		if (ret < 0) {
			if (errors_known) {
				count_global(GC_UDP_SEND_ERRORS, 1);
				if (p)
					__sync_fetch_and_add(&p->udp_send_errors, 1);
			}
		} else {
			count_global(GC_UDP_SEND_BYTES, ret);
			if (p)
				__sync_fetch_and_add(&p->udp_bytes_sent, ret);
		}
	}
	/* one clock read per event: the process and the connection were seen at the same time */
	__u64 now = bpf_ktime_get_ns();
	if (p)
		p->last_seen_ns = now;
	if (ret > 0)
		count_connection(sk, direct, &o, protocol, ret, 0, 0, now);
}

/* A receive: ret is the byte count or -errno; calls counts the call itself (0 for an error-only hook). */
static __always_inline void on_receive(struct sock *sk, bool direct, __u16 protocol, long ret, __u64 calls)
{
	struct owner o;
	struct process_stats *p;

	owner_of_current(&o, DIRECTION_UNKNOWN);
	/* Only TCP sockets' owners are read back (retransmits, failed connects, closes and accepts are
	 * TCP's): UDP skips a hash lookup per call and leaves the table to TCP. */
	bool accept_pending = protocol == IPPROTO_TCP && remember_owner(sk, &o);
	p = process_entry(&o);
	if (accept_pending && p)
		__sync_fetch_and_add(&p->tcp_accepts, 1);
	if (protocol == IPPROTO_TCP) {
		count_global(GC_TCP_RECV_CALLS, calls);
		if (p)
			__sync_fetch_and_add(&p->tcp_recv_calls, calls);
		if (ret < 0) {
			count_global(GC_TCP_RECV_ERRORS, 1);
			if (p)
				__sync_fetch_and_add(&p->tcp_recv_errors, 1);
		} else {
			count_global(GC_TCP_RECV_BYTES, ret);
			if (p)
				__sync_fetch_and_add(&p->tcp_bytes_received, ret);
		}
	} else {
		count_global(GC_UDP_RECV_CALLS, calls);
		if (p)
			__sync_fetch_and_add(&p->udp_recv_calls, calls);
		if (ret < 0) {
			count_global(GC_UDP_RECV_ERRORS, 1);
			if (p)
				__sync_fetch_and_add(&p->udp_recv_errors, 1);
		} else {
			count_global(GC_UDP_RECV_BYTES, ret);
			if (p)
				__sync_fetch_and_add(&p->udp_bytes_received, ret);
		}
	}
	/* one clock read per event: the process and the connection were seen at the same time */
	__u64 now = bpf_ktime_get_ns();
	if (p)
		p->last_seen_ns = now;
	if (ret > 0)
		count_connection(sk, direct, &o, protocol, 0, ret, 0, now);
}

/* An outbound TCP connect by the current process; ret < 0 (when known) is a failure. */
static __always_inline void on_connect(struct sock *sk, __u16 family, long ret)
{
	struct owner o;
	struct process_stats *p;
	bool v6 = family == AF_INET6;

	owner_of_current(&o, DIRECTION_OUTBOUND);
	remember_owner(sk, &o);
	p = process_entry(&o);
	count_global(v6 ? GC_TCP_CONNECT_V6 : GC_TCP_CONNECT_V4, 1);
	if (p) {
		if (v6)
			__sync_fetch_and_add(&p->tcp_v6_connects, 1);
		else
			__sync_fetch_and_add(&p->tcp_v4_connects, 1);
		p->last_seen_ns = bpf_ktime_get_ns();
	}
	if (ret < 0) {
		count_global(v6 ? GC_TCP_CONNECT_V6_ERRORS : GC_TCP_CONNECT_V4_ERRORS, 1);
		if (p)
			__sync_fetch_and_add(&p->tcp_connect_errors, 1);
	}
}

/* A failed connect learned after the fact (SYN_SENT → CLOSE): charged to the socket's owner. */
static __always_inline void on_connect_failed(struct sock *sk, bool direct)
{
	struct owner o;
	struct process_stats *p;

	owner_of_socket(sk, &o);
	count_global(wire_family(sk, direct) == AF_INET6 ? GC_TCP_CONNECT_V6_ERRORS : GC_TCP_CONNECT_V4_ERRORS, 1);
	p = process_entry(&o);
	if (p)
		__sync_fetch_and_add(&p->tcp_connect_errors, 1);
}

/* An accepted connection, charged to o (the accepting process, or the listener's owner). */
static __always_inline void on_accept(struct sock *newsk, struct owner *o)
{
	struct process_stats *p;

	o->direction = DIRECTION_INBOUND;
	remember_owner(newsk, o);
	count_global(GC_TCP_ACCEPTS, 1);
	p = process_entry(o);
	if (p) {
		__sync_fetch_and_add(&p->tcp_accepts, 1);
		p->last_seen_ns = bpf_ktime_get_ns();
	}
}

static __always_inline void on_close(struct sock *sk, struct owner *o)
{
	struct process_stats *p;

	count_global(GC_TCP_CLOSES, 1);
	p = process_entry(o);
	if (p) {
		__sync_fetch_and_add(&p->tcp_closes, 1);
		p->last_seen_ns = bpf_ktime_get_ns();
	}
}

/* Retransmits run in softirq or timer context: charge the socket's owner. */
static __always_inline void on_retransmit(struct sock *sk, bool direct)
{
	struct owner o;
	struct process_stats *p;

	owner_of_socket(sk, &o);
	count_global(GC_TCP_RETRANSMITS, 1);
	p = process_entry(&o);
	if (p)
		__sync_fetch_and_add(&p->tcp_retransmits, 1);
	count_connection(sk, direct, &o, IPPROTO_TCP, 0, 0, 1, bpf_ktime_get_ns());
}

static __always_inline void remember_call(__u32 function, void *sk, __u64 size)
{
	struct pending_key key = { .pid_tgid = bpf_get_current_pid_tgid(), .function = function };
	struct pending_call call = { .sk = (__u64)sk, .size = size };

	if (bpf_map_update_elem(&pending_calls, &key, &call, BPF_ANY))
		count_global(GC_REFUSED_PENDING_CALLS, 1);
}

/* The arguments remembered at entry (sk 0 when there are none); the entry is consumed. */
static __always_inline struct pending_call recall_call(__u32 function)
{
	struct pending_key key = { .pid_tgid = bpf_get_current_pid_tgid(), .function = function };
	struct pending_call call = {};
	struct pending_call *found = bpf_map_lookup_elem(&pending_calls, &key);

	if (found) {
		call = *found;
		bpf_map_delete_elem(&pending_calls, &key);
	}
	return call;
}

static __always_inline __u32 listener_key(__u16 port, __u16 protocol)
{
	return ((__u32)port << 16) | protocol;
}

/* ---------------------------------------------------------------- trampoline: fentry / fexit */

SEC("?fentry/tcp_sendmsg")
int BPF_PROG(tramp_tcp_sendmsg_entry, struct sock *sk, void *msg, size_t size)
{
	on_send(sk, true, IPPROTO_TCP, size, false);
	return 0;
}

SEC("?fexit/tcp_sendmsg")
int BPF_PROG(tramp_tcp_sendmsg_return, struct sock *sk, void *msg, size_t size, int ret)
{
	on_send(sk, true, IPPROTO_TCP, ret, true);
	return 0;
}

SEC("?fentry/tcp_cleanup_rbuf")
int BPF_PROG(tramp_tcp_cleanup_rbuf, struct sock *sk, int copied)
{
	if (copied > 0)
		on_receive(sk, true, IPPROTO_TCP, copied, 1);
	return 0;
}

/* Return mode only: receive errors (bytes come from tcp_cleanup_rbuf). */
SEC("?fexit/tcp_recvmsg")
int BPF_PROG(tramp_tcp_recvmsg_return, struct sock *sk)
{
	__u64 ret = 0;

	bpf_get_func_ret(ctx, &ret);
	if ((long)ret < 0)
		on_receive(sk, true, IPPROTO_TCP, (long)ret, 0);
	return 0;
}

SEC("?fentry/tcp_close")
int BPF_PROG(tramp_tcp_close, struct sock *sk)
{
	struct owner o;

	owner_of_current(&o, DIRECTION_UNKNOWN);
	on_close(sk, &o);
	return 0;
}

SEC("?fentry/tcp_retransmit_skb")
int BPF_PROG(tramp_tcp_retransmit_skb, struct sock *sk)
{
	on_retransmit(sk, true);
	return 0;
}

/* udpv6_sendmsg hands IPv4-mapped destinations to udp_sendmsg: count each call once, by family. */
SEC("?fentry/udp_sendmsg")
int BPF_PROG(tramp_udp_sendmsg_entry, struct sock *sk, void *msg, size_t len)
{
	if (sk_family(sk, true) == AF_INET)
		on_send(sk, true, IPPROTO_UDP, len, false);
	return 0;
}

SEC("?fexit/udp_sendmsg")
int BPF_PROG(tramp_udp_sendmsg_return, struct sock *sk, void *msg, size_t len, int ret)
{
	if (sk_family(sk, true) == AF_INET)
		on_send(sk, true, IPPROTO_UDP, ret, true);
	return 0;
}

SEC("?fentry/udpv6_sendmsg")
int BPF_PROG(tramp_udpv6_sendmsg_entry, struct sock *sk, void *msg, size_t len)
{
	on_send(sk, true, IPPROTO_UDP, len, false);
	return 0;
}

SEC("?fexit/udpv6_sendmsg")
int BPF_PROG(tramp_udpv6_sendmsg_return, struct sock *sk, void *msg, size_t len, int ret)
{
	on_send(sk, true, IPPROTO_UDP, ret, true);
	return 0;
}

/* Received bytes are only known at return (the length argument is the buffer size), in both modes. */
SEC("?fexit/udp_recvmsg")
int BPF_PROG(tramp_udp_recvmsg_return, struct sock *sk)
{
	__u64 ret = 0;

	bpf_get_func_ret(ctx, &ret);
	on_receive(sk, true, IPPROTO_UDP, (long)ret, 1);
	return 0;
}

SEC("?fexit/udpv6_recvmsg")
int BPF_PROG(tramp_udpv6_recvmsg_return, struct sock *sk)
{
	__u64 ret = 0;

	bpf_get_func_ret(ctx, &ret);
	on_receive(sk, true, IPPROTO_UDP, (long)ret, 1);
	return 0;
}

SEC("?fentry/tcp_v4_connect")
int BPF_PROG(tramp_tcp_v4_connect_entry, struct sock *sk)
{
	on_connect(sk, AF_INET, 0);
	return 0;
}

SEC("?fexit/tcp_v4_connect")
int BPF_PROG(tramp_tcp_v4_connect_return, struct sock *sk, void *uaddr, int addr_len, int ret)
{
	on_connect(sk, AF_INET, ret);
	return 0;
}

/* tcp_v6_connect passes an IPv4-mapped destination on to tcp_v4_connect, whose hook counts it. */
static __always_inline bool connects_to_v4_mapped(struct sockaddr_in6 *uaddr)
{
	__u8 addr[16];

	if (bpf_probe_read_kernel(&addr, sizeof(addr), &uaddr->sin6_addr))
		return false;
	return is_v4_mapped(addr);
}

SEC("?fentry/tcp_v6_connect")
int BPF_PROG(tramp_tcp_v6_connect_entry, struct sock *sk, struct sockaddr_in6 *uaddr)
{
	if (!connects_to_v4_mapped(uaddr))
		on_connect(sk, AF_INET6, 0);
	return 0;
}

SEC("?fexit/tcp_v6_connect")
int BPF_PROG(tramp_tcp_v6_connect_return, struct sock *sk, struct sockaddr_in6 *uaddr, int addr_len, int ret)
{
	if (!connects_to_v4_mapped(uaddr))
		on_connect(sk, AF_INET6, ret);
	return 0;
}

/* The accepted socket is the return value (the first argument is the listener); its signature
 * changed in 6.10, so the return value is read with bpf_get_func_ret. */
SEC("?fexit/inet_csk_accept")
int BPF_PROG(tramp_inet_csk_accept_return, struct sock *listener)
{
	__u64 ret = 0;
	struct owner o;

	bpf_get_func_ret(ctx, &ret);
	if (!ret || sk_protocol(listener, true) != IPPROTO_TCP)
		return 0;
	owner_of_current(&o, DIRECTION_INBOUND);
	on_accept((struct sock *)ret, &o);
	return 0;
}

/* ---------------------------------------------------------------- probe: kprobe / kretprobe */

SEC("?kprobe/tcp_sendmsg")
int BPF_KPROBE(probe_tcp_sendmsg_entry, struct sock *sk, void *msg, size_t size)
{
	on_send(sk, false, IPPROTO_TCP, size, false);
	return 0;
}

SEC("?kprobe/tcp_sendmsg")
int BPF_KPROBE(probe_tcp_sendmsg_remember, struct sock *sk, void *msg, size_t size)
{
	remember_call(PENDING_TCP_SENDMSG, sk, size);
	return 0;
}

SEC("?kretprobe/tcp_sendmsg")
int BPF_KRETPROBE(probe_tcp_sendmsg_return, int ret)
{
	struct pending_call call = recall_call(PENDING_TCP_SENDMSG);

	if (call.sk)
		on_send((struct sock *)call.sk, false, IPPROTO_TCP, ret, true);
	return 0;
}

SEC("?kprobe/tcp_cleanup_rbuf")
int BPF_KPROBE(probe_tcp_cleanup_rbuf, struct sock *sk, int copied)
{
	if (copied > 0)
		on_receive(sk, false, IPPROTO_TCP, copied, 1);
	return 0;
}

SEC("?kprobe/tcp_recvmsg")
int BPF_KPROBE(probe_tcp_recvmsg_remember, struct sock *sk)
{
	remember_call(PENDING_TCP_RECVMSG, sk, 0);
	return 0;
}

SEC("?kretprobe/tcp_recvmsg")
int BPF_KRETPROBE(probe_tcp_recvmsg_return, int ret)
{
	struct pending_call call = recall_call(PENDING_TCP_RECVMSG);

	if (call.sk && ret < 0)
		on_receive((struct sock *)call.sk, false, IPPROTO_TCP, ret, 0);
	return 0;
}

SEC("?kprobe/tcp_close")
int BPF_KPROBE(probe_tcp_close, struct sock *sk)
{
	struct owner o;

	owner_of_current(&o, DIRECTION_UNKNOWN);
	on_close(sk, &o);
	return 0;
}

SEC("?kprobe/tcp_retransmit_skb")
int BPF_KPROBE(probe_tcp_retransmit_skb, struct sock *sk)
{
	on_retransmit(sk, false);
	return 0;
}

SEC("?kprobe/udp_sendmsg")
int BPF_KPROBE(probe_udp_sendmsg_entry, struct sock *sk, void *msg, size_t len)
{
	if (sk_family(sk, false) == AF_INET)
		on_send(sk, false, IPPROTO_UDP, len, false);
	return 0;
}

SEC("?kprobe/udp_sendmsg")
int BPF_KPROBE(probe_udp_sendmsg_remember, struct sock *sk, void *msg, size_t len)
{
	if (sk_family(sk, false) == AF_INET)
		remember_call(PENDING_UDP_SENDMSG, sk, len);
	return 0;
}

SEC("?kretprobe/udp_sendmsg")
int BPF_KRETPROBE(probe_udp_sendmsg_return, int ret)
{
	struct pending_call call = recall_call(PENDING_UDP_SENDMSG);

	if (call.sk)
		on_send((struct sock *)call.sk, false, IPPROTO_UDP, ret, true);
	return 0;
}

SEC("?kprobe/udpv6_sendmsg")
int BPF_KPROBE(probe_udpv6_sendmsg_entry, struct sock *sk, void *msg, size_t len)
{
	on_send(sk, false, IPPROTO_UDP, len, false);
	return 0;
}

/* Shares PENDING_UDP_SENDMSG with udp_sendmsg: a mapped-address call nested in udpv6_sendmsg is
 * skipped by the udp_sendmsg hooks (family check), so the two never overlap. */
SEC("?kprobe/udpv6_sendmsg")
int BPF_KPROBE(probe_udpv6_sendmsg_remember, struct sock *sk, void *msg, size_t len)
{
	remember_call(PENDING_UDP_SENDMSG, sk, len);
	return 0;
}

SEC("?kretprobe/udpv6_sendmsg")
int BPF_KRETPROBE(probe_udpv6_sendmsg_return, int ret)
{
	struct pending_call call = recall_call(PENDING_UDP_SENDMSG);

	if (call.sk)
		on_send((struct sock *)call.sk, false, IPPROTO_UDP, ret, true);
	return 0;
}

SEC("?kprobe/udp_recvmsg")
int BPF_KPROBE(probe_udp_recvmsg_remember, struct sock *sk)
{
	remember_call(PENDING_UDP_RECVMSG, sk, 0);
	return 0;
}

SEC("?kretprobe/udp_recvmsg")
int BPF_KRETPROBE(probe_udp_recvmsg_return, int ret)
{
	struct pending_call call = recall_call(PENDING_UDP_RECVMSG);

	if (call.sk)
		on_receive((struct sock *)call.sk, false, IPPROTO_UDP, ret, 1);
	return 0;
}

SEC("?kprobe/udpv6_recvmsg")
int BPF_KPROBE(probe_udpv6_recvmsg_remember, struct sock *sk)
{
	remember_call(PENDING_UDP_RECVMSG, sk, 0);
	return 0;
}

SEC("?kretprobe/udpv6_recvmsg")
int BPF_KRETPROBE(probe_udpv6_recvmsg_return, int ret)
{
	struct pending_call call = recall_call(PENDING_UDP_RECVMSG);

	if (call.sk)
		on_receive((struct sock *)call.sk, false, IPPROTO_UDP, ret, 1);
	return 0;
}

SEC("?kprobe/tcp_v4_connect")
int BPF_KPROBE(probe_tcp_v4_connect_entry, struct sock *sk)
{
	on_connect(sk, AF_INET, 0);
	return 0;
}

SEC("?kprobe/tcp_v4_connect")
int BPF_KPROBE(probe_tcp_v4_connect_remember, struct sock *sk)
{
	remember_call(PENDING_TCP_V4_CONNECT, sk, 0);
	return 0;
}

SEC("?kretprobe/tcp_v4_connect")
int BPF_KRETPROBE(probe_tcp_v4_connect_return, int ret)
{
	struct pending_call call = recall_call(PENDING_TCP_V4_CONNECT);

	if (call.sk)
		on_connect((struct sock *)call.sk, AF_INET, ret);
	return 0;
}

SEC("?kprobe/tcp_v6_connect")
int BPF_KPROBE(probe_tcp_v6_connect_entry, struct sock *sk, struct sockaddr_in6 *uaddr)
{
	if (!connects_to_v4_mapped(uaddr))
		on_connect(sk, AF_INET6, 0);
	return 0;
}

SEC("?kprobe/tcp_v6_connect")
int BPF_KPROBE(probe_tcp_v6_connect_remember, struct sock *sk, struct sockaddr_in6 *uaddr)
{
	if (!connects_to_v4_mapped(uaddr))
		remember_call(PENDING_TCP_V6_CONNECT, sk, 0);
	return 0;
}

SEC("?kretprobe/tcp_v6_connect")
int BPF_KRETPROBE(probe_tcp_v6_connect_return, int ret)
{
	struct pending_call call = recall_call(PENDING_TCP_V6_CONNECT);

	if (call.sk)
		on_connect((struct sock *)call.sk, AF_INET6, ret);
	return 0;
}

SEC("?kretprobe/inet_csk_accept")
int BPF_KRETPROBE(probe_inet_csk_accept_return, struct sock *newsk)
{
	struct owner o;

	if (!newsk || sk_protocol(newsk, false) != IPPROTO_TCP)
		return 0;
	owner_of_current(&o, DIRECTION_INBOUND);
	on_accept(newsk, &o);
	return 0;
}

/* ---------------------------------------------------------------- tracepoint: tp_btf */

/* Fires in the sending process for every socket family; ret is bytes or -errno. */
SEC("?tp_btf/sock_send_length")
int BPF_PROG(tp_sock_send_length, struct sock *sk, int ret, int flags)
{
	__u16 protocol;

	__u16 family = sk_family(sk, true);

	if (family != AF_INET && family != AF_INET6)
		return 0;
	protocol = sk_protocol(sk, true);
	if (protocol == IPPROTO_TCP || protocol == IPPROTO_UDP)
		on_send(sk, true, protocol, ret, true);
	return 0;
}

SEC("?tp_btf/sock_recv_length")
int BPF_PROG(tp_sock_recv_length, struct sock *sk, int ret, int flags)
{
	__u16 protocol;

	__u16 family = sk_family(sk, true);

	if (family != AF_INET && family != AF_INET6)
		return 0;
	protocol = sk_protocol(sk, true);
	if (protocol != IPPROTO_TCP && protocol != IPPROTO_UDP)
		return 0;
	/* MSG_PEEK leaves the data queued: the call counts, its bytes do when really read. */
	on_receive(sk, true, protocol, (flags & MSG_PEEK) && ret > 0 ? 0 : ret, 1);
	return 0;
}

SEC("?tp_btf/inet_sock_set_state")
int BPF_PROG(tp_inet_sock_set_state, struct sock *sk, int oldstate, int newstate)
{
	struct owner o;
	__u32 key;

	if (sk_protocol(sk, true) != IPPROTO_TCP)
		return 0;
	if (oldstate == TCP_CLOSE && newstate == TCP_SYN_SENT) {
		/* connect(): process context */
		on_connect(sk, wire_family(sk, true), 0);
	} else if (newstate == TCP_LISTEN) {
		/* listen(): process context */
		owner_of_current(&o, DIRECTION_INBOUND);
		remember_owner(sk, &o);
		key = listener_key(sk_local_port(sk, true), IPPROTO_TCP);
		if (bpf_map_update_elem(&listeners, &key, &o, BPF_ANY))
			count_global(GC_REFUSED_LISTENERS, 1);
	} else if (oldstate == TCP_SYN_RECV && newstate == TCP_ESTABLISHED) {
		/* passive open, in softirq: charge the listener's owner; a listener from before the collector
		 * started is unknown, and the process that first uses the new socket is charged instead */
		key = listener_key(sk_local_port(sk, true), IPPROTO_TCP);
		struct owner *listener = bpf_map_lookup_elem(&listeners, &key);
		if (listener) {
			__builtin_memcpy(&o, listener, sizeof(o));
			on_accept(sk, &o);
		} else {
			count_global(GC_TCP_ACCEPTS, 1);
			__builtin_memset(&o, 0, sizeof(o));
			o.direction = DIRECTION_INBOUND;
			remember_owner(sk, &o);
		}
	}
	if (newstate == TCP_CLOSE) {
		if (oldstate == TCP_LISTEN) {
			key = listener_key(sk_local_port(sk, true), IPPROTO_TCP);
			bpf_map_delete_elem(&listeners, &key);
		}
		if (oldstate == TCP_SYN_SENT)
			on_connect_failed(sk, true);
		owner_of_socket(sk, &o);
		on_close(sk, &o);
	}
	return 0;
}

SEC("?tp_btf/tcp_retransmit_skb")
int BPF_PROG(tp_tcp_retransmit_skb, struct sock *sk)
{
	on_retransmit(sk, true);
	return 0;
}

/* ---------------------------------------------------------------- every BTF mode */

/* Marks the process's entry exited once its last thread is gone, so user space reads it once more
 * and then releases it. */
SEC("?tp_btf/sched_process_exit")
int BPF_PROG(on_process_exit, struct task_struct *task)
{
	struct task_struct *leader;
	struct process_key key = {};
	struct process_stats *p;

	if (BPF_CORE_READ(task, signal, live.counter) != 0)
		return 0;
	leader = BPF_CORE_READ(task, group_leader);
	key.tgid = BPF_CORE_READ(task, tgid);
	key.start_ns = BPF_CORE_READ(leader, start_time);
	key.cgroup_id = bpf_get_current_cgroup_id();
	p = bpf_map_lookup_elem(&processes, &key);
	if (p)
		p->exited = 1;
	return 0;
}
