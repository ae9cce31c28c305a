/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The socket collector: TCP and UDP calls, bytes, errors, connects, accepts, closes and retransmits,
 * globally, per process and per connection.
 *
 * One object holds the programs of every attach mode; every program is SEC("?…") (autoload off) and
 * user space turns on the set its attach mode and load mode need (io.ebpfnet.socket.ProgramSet):
 *   trampoline  fentry/fexit on the kernel functions Netdata hooks (plus udpv6_*, tcp_recvmsg errors)
 *   probe       kprobe/kretprobe on the same functions; kretprobes find their arguments in
 *               `pending_calls`, stored at entry (registers do not hold them at return)
 *   tracepoint  tp_btf sock_send_length / sock_recv_length / inet_sock_set_state, and the splice()
 *               system call's exit (syscalls:sys_exit_splice)
 * Every mode counts retransmits at tp_btf tcp_retransmit_skb (sent ones, as RetransSegs) and sees TCP
 * sockets destroyed at tp_btf tcp_destroy_sock. All modes share the accounting functions below, so a metric means the same thing in each, except
 * where docs/metrics.md says otherwise.
 *
 * Storage (bpf-src/README.md has the measurements behind it):
 *   sockets     socket storage (trampoline, tracepoint) or a preallocated table keyed by the socket's
 *               address (probe: kprobes cannot use socket storage): the owner, and the counters of its
 *               sends and receives; no per-CPU allocation per connection. A send or receive touches
 *               this state only: its process's row is found once, when the process claims the socket
 *   processes   per-CPU hash, one row per (tgid, start time, cgroup). Sockets' counts are folded into
 *               their owner's row at each read, when the socket changes hands and when it goes; the
 *               other events (connects, accepts, closes, retransmits) add to the row directly
 *   closed      a closed socket's final counters go to `closed_connections` (a ring buffer user space
 *               drains) and its state goes with it
 *   reads       iterators fold the sockets' counts, then sum the per-CPU copies of the process rows in
 *               the kernel and emit only rows that changed
 *
 * Attribution: events in process context (send, receive, connect, accept, listen, close()) are
 * charged to the calling process (its TGID, never the thread), which becomes the socket's owner;
 * events in softirq context (retransmits, passive opens, state changes) are charged to that owner,
 * or to the explicit unknown owner (tgid 0), never to the interrupted task.
 */
#include "kernel_structs.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_endian.h>
#include "socket_shared.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

#define EEXIST 17
#define READ_ONCE(x) (*(volatile typeof(x) *)&(x))

/* The only read-only global: user space writes it at offset 0 of .rodata before load (SocketLayoutsBtfTest
 * checks the offset). Constants for the verifier, which drops the code a setting turns off. */
const volatile struct socket_settings settings = { .connections = 1, .shared_maps = 0, .value_copies = 1,
						      .release_seen = 1 };

/* The only .bss global: what the next iterator read wants, written by user space before it. */
struct reader_state reader = {};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32); /* only key 0 (an array's key must be an integer type in BTF) */
	__type(value, struct global_counters);
} global_counters SEC(".maps");


struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_HASH);
	__uint(max_entries, 16384); /* `bandwidth table size` */
	__type(key, struct process_key);
	__type(value, struct process_stats);
} processes SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_SK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct socket_state);
} sockets SEC(".maps");

/* Probe mode's socket state: socket address → state, preallocated (no allocation per connection),
 * deleted when the socket is destroyed. `ipv4 connection table size` + `ipv6 connection table size`. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 32768);
	__type(key, __u64);
	__type(value, struct socket_state);
} socket_table SEC(".maps");

/* Final counters of closed sockets, read once by user space. Sized by user space from the tables' sizes. */
struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 1 << 22);
} closed_connections SEC(".maps");

/*
 * Tracepoint mode: the final record of each TCP socket its process has released (closed), built at the
 * release, by the socket's address, until the socket is destroyed. Under churn the kernel frees about one
 * orphaned socket in 300,000 without firing tcp_destroy_sock or its last state changes (seen on 6.18: the
 * programs' run counts one short of the releases; the peer's FIN then finds no socket). Its record is
 * queued from here when a new socket takes that address, or when two connection reads in a row walked
 * every socket their iterator sees without finding it alive (`sweep_released`): without the second way a
 * socket vanishing last, or whose address no socket took again, was never reported. Entries of sockets
 * still closing are evicted first.
 */
#define NOT_WALKED (~0ULL) /* alive_at_read of a socket no connection read walks (another network namespace) */
#define SWEEP_AFTER_NS 1000000000ULL /* and a record this young waits: its release may not have reached tcp_close */

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 16384);
	__type(key, __u64);
	__type(value, struct released_record);
} released_tcp SEC(".maps");

/* Tracepoint mode with the syscall hooks: the socket each thread's connect() sent a SYN for (SYN_SENT, in
 * the connecting thread), so that the connect() exit counts only a call that failed before any SYN. An
 * entry lives from the SYN to the call's exit; one whose call never exits through connect() (TCP Fast
 * Open's sendmsg, io_uring) is evicted. */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 4096);
	__type(key, __u64);   /* pid_tgid */
	__type(value, __u64); /* the socket's address */
} connecting SEC(".maps");

/* A zeroed record, never written: what `remember_released` inserts into `released_tcp` and then fills in
 * place (too big for the stack; a per-CPU scratch copy could be overwritten by a release program that
 * preempts it on a CONFIG_PREEMPT kernel, where cgroup programs run preemptible). */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__uint(map_flags, BPF_F_RDONLY_PROG);
	__type(key, __u32);
	__type(value, struct released_record);
} blank_record SEC(".maps");

/* Trampoline mode's accepted sockets, by address, from inet_csk_accept's return (a plain value there:
 * socket storage needs a typed pointer) until their state is created, which then says "inbound". */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 4096);
	__type(key, __u64);
	__type(value, __u32);
} accepted_sockets SEC(".maps");

/* (local port << 16 | protocol) → owner of the listening socket: who is charged for an accept when the
 * process that accepted it never touches the socket (tracepoint mode). */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__type(key, __u32);
	__type(value, struct process_key);
} listeners SEC(".maps");

enum pending_function {
	PENDING_TCP_SENDMSG = 1,
	PENDING_TCP_RECVMSG = 2,
	PENDING_UDP_SENDMSG = 3,
	PENDING_UDP_RECVMSG = 4,
	PENDING_TCP_V4_CONNECT = 5,
	PENDING_TCP_V6_CONNECT = 6,
	PENDING_TCP_SENDPAGE = 7,
	PENDING_UDP_SENDPAGE = 8,
	PENDING_MPTCP_SENDMSG = 9,
	PENDING_MPTCP_RECVMSG = 10,
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

/* How many udp_sendpage calls are running (all CPUs): while none is, a UDP send need not look for one. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} udp_sendpages SEC(".maps");

/* A zeroed template for new process rows: building one on the 512-byte BPF stack would not fit. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct process_stats);
} scratch_process SEC(".maps");

/* The key of the last process whose row this CPU found when it claimed a socket (see claimed_key). */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct process_key);
} last_claimed SEC(".maps");

/*
 * Programs that run both in process context and in softirq (state changes, socket destruction,
 * retransmits) can be interrupted on their CPU by a softirq that fires the same tracepoint, and the
 * kernel then skips the nested run of the same program (counted in its recursion_misses: a few per
 * 100,000 connections on a 2-CPU VM). So each such handler has a second program on the same
 * tracepoint, attached after it (named _nested): the outer run is inside at most one of them when a
 * softirq nests, so the kernel runs the other for the nested event. The events of one socket do not
 * nest (its lock defers softirq work), so a socket names its event. Each event must count once:
 * - state changes and destruction are idempotent: a state change is marked in its socket's state by its
 *   (old, new) pair, which two consecutive changes of one socket never share; a destruction by `gone`
 *   (and folding moves only what is not folded yet). Both programs run the same handler.
 * - a retransmit has no such mark (a loss probe's retransmit advances no per-socket counter, and one
 *   skb can be sent twice at one send time), so the first program notes its socket in a small per-CPU
 *   set once it has handled it; the second takes the note when it is there, else handles the event;
 *   a third (_forget) takes the note of an event whose second program the kernel skipped, which would
 *   otherwise make a later event of a socket at the same (reused) address look handled. Nesting is at
 *   most two deep (process, softirq), so four places are plenty; a place older than a jiffy is free.
 */
static __always_inline bool transition_seen(struct socket_state *s, int oldstate, int newstate)
{
	__u32 mark = 0x10000 | (oldstate & 0xff) << 8 | (newstate & 0xff);

	if (s->last_transition == mark)
		return true;
	s->last_transition = mark;
	return false;
}

struct handled_retransmits {
	__u64 sk[4]; /* sockets of retransmits the first program counted and the second has not seen; 0: free */
	__u64 at[4]; /* jiffies when noted */
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct handled_retransmits);
} handled SEC(".maps");

static __always_inline void note_handled(__u64 sk)
{
	__u32 zero = 0;
	struct handled_retransmits *he = bpf_map_lookup_elem(&handled, &zero);
	__u64 now = bpf_jiffies64();

	if (!he)
		return;
	for (int i = 0; i < 4; i++) {
		if (!he->sk[i] || now - he->at[i] > 1) {
			he->at[i] = now;
			he->sk[i] = sk; /* last: a nested note between the two stores takes the place and is gone again */
			return;
		}
	}
}

/* Whether the first program counted the retransmit of sk (and forgets it). */
static __always_inline bool was_handled(__u64 sk)
{
	__u32 zero = 0;
	struct handled_retransmits *he = bpf_map_lookup_elem(&handled, &zero);

	if (!he)
		return false;
	for (int i = 0; i < 4; i++) {
		if (he->sk[i] == sk) {
			he->sk[i] = 0;
			return true;
		}
	}
	return false;
}

/* The records iterators and the ring buffer write exist only as local variables, which have no BTF: this
 * one-entry map (never used) puts them and the counter enum in the object's BTF, so user space can check
 * its layouts. */
struct written_records {
	struct process_row process;
	struct closed_connection closed;
	enum global_counter counter; /* the counter indexes, for the Java test too */
	enum socket_count socket_count;
	__u32 reserved;
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct written_records);
} record_layouts SEC(".maps");

/* ---------------------------------------------------------------- kernel fields */

/*
 * Each reads a socket field: a direct, CO-RE-relocated load where the verifier knows the pointer's
 * BTF type (fentry/fexit, tp_btf and iterator arguments), bpf_probe_read_kernel where it does not
 * (kprobe arguments, addresses kept in maps). `direct` is a constant in every program, so the other
 * branch is compiled away.
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

/* ::ffff:a.b.c.d, an IPv4 address on an IPv6 socket (Java and other dual-stack runtimes use these). */
static __always_inline bool is_v4_mapped(const __u8 *a)
{
	return a[0] == 0 && a[1] == 0 && a[2] == 0 && a[3] == 0 && a[4] == 0 && a[5] == 0 && a[6] == 0 &&
	       a[7] == 0 && a[8] == 0 && a[9] == 0 && a[10] == 0xff && a[11] == 0xff;
}

static __always_inline bool is_unspecified(const __u8 *a)
{
	return *(__u64 *)a == 0 && *(__u64 *)&a[8] == 0;
}

/* An IPv6 socket's addresses are IPv4 on the wire: a mapped remote address, or none and a mapped local
 * one (an unconnected dual-stack UDP socket bound to an IPv4 address). */
static __always_inline bool mapped_pair(const __u8 *local, const __u8 *remote)
{
	return is_v4_mapped(remote) || (is_unspecified(remote) && is_v4_mapped(local));
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

/* ---------------------------------------------------------------- counters */

#include "socket_counters.h"

/* For process-context counters only. */
static __always_inline void count_global(__u64 *g, enum global_counter index, __u64 value)
{
	if (g)
		ADD_LOCAL(g[index], value);
}

/* ---------------------------------------------------------------- processes */

static __always_inline bool same_process(const struct process_key *a, const struct process_key *b)
{
	return a->tgid == b->tgid && a->start_ns == b->start_ns && a->cgroup_id == b->cgroup_id;
}

/*
 * current_process() where loads are direct (tp_btf, fentry/fexit, the syscall tracepoints). A global
 * function, so that the verifier checks its loads once per program: it checks each pointer loaded from a
 * task against its lists of trusted fields, each check a search of the kernel's BTF by name, and inlined
 * at every path that names a process those searches were most of the load's time (tracepoint mode's 14
 * programs: 194 -> 80 ms of verification). The call costs a few nanoseconds. The cgroup id comes from the
 * helper: ~20 ns more than loading task->cgroups->dfl_cgrp->kn->id, three pointers less to search for in
 * every program (the start's verification 42 -> 35 ms, measured against the build before this); the key is
 * made at connects, accepts, closes and claims, not per send.
 */
__noinline int current_process_direct(struct process_key *key)
{
	struct task_struct *task = bpf_get_current_task_btf();
	struct task_struct *leader = task->group_leader;

	if (!key)
		return 0;
	key->tgid = bpf_get_current_pid_tgid() >> 32;
	key->reserved = 0;
	key->start_ns = leader->start_time;
	key->cgroup_id = bpf_get_current_cgroup_id(); /* every time: the process may have moved */
	return 0;
}

/* The calling process, read from its task every time: a task address can be reused, a start time not. */
static __always_inline void current_process(struct process_key *key, bool direct)
{
	struct task_struct *leader;

	if (direct) {
		current_process_direct(key);
		return;
	}
	leader = BPF_CORE_READ(bpf_get_current_task_btf(), group_leader);
	key->tgid = bpf_get_current_pid_tgid() >> 32;
	key->reserved = 0;
	key->start_ns = BPF_CORE_READ(leader, start_time);
	key->cgroup_id = bpf_get_current_cgroup_id(); /* every time: the process may have moved */
}

/* Names row p after the calling process (its group leader's name). */
static __always_inline void name_process(struct process_stats *p)
{
	struct task_struct *leader = BPF_CORE_READ(bpf_get_current_task_btf(), group_leader);

	bpf_probe_read_kernel_str(p->comm, sizeof(p->comm), &leader->comm);
	p->comm_ns = bpf_ktime_get_ns(); /* rare (a new row, exec): the precise time orders CPUs' names */
}

/* Inserts a row for key, named after the calling process if `named` (not: a row created outside the
 * process, named later). */
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

/* The row of the calling process, whose key current_process gave, created on its first event. */
static __always_inline struct process_stats *row_of_current(const struct process_key *key)
{
	struct process_stats *p = bpf_map_lookup_elem(&processes, key);

	if (!p)
		return insert_process(key, true);
	if (!p->comm_ns)
		name_process(p); /* this CPU's copy of a row a softirq event created */
	return p;
}

/* The calling process's row (key filled in), created on its first event. */
static __always_inline struct process_stats *process_of_current(struct process_key *key, bool direct)
{
	current_process(key, direct);
	return row_of_current(key);
}

/*
 * The row of an owner learned earlier, for an event outside its process (softirq, timers). Never
 * creates the owner's row: a process that has exited and been released must not come back as a row
 * that never exits. What has no live owner row goes to the unknown owner (tgid 0).
 */
static __always_inline struct process_stats *process_of_owner(const struct process_key *owner)
{
	struct process_key unknown = {};
	struct process_stats *p = owner->tgid ? bpf_map_lookup_elem(&processes, owner) : 0;

	if (p)
		return p;
	p = bpf_map_lookup_elem(&processes, &unknown);
	return p ? p : insert_process(&unknown, false);
}

/* ---------------------------------------------------------------- sockets */

/*
 * The state kept for sk: socket storage where the program type may use it (`storage`, a constant per
 * program: fentry/fexit and tp_btf), else probe mode's table. Creates it when asked; a new state has
 * first_seen_ns 0.
 */
static __always_inline struct socket_state *socket_state(struct sock *sk, bool storage, bool create)
{
	struct socket_state *s;
	__u64 key = (__u64)sk;

	if (storage) {
		s = bpf_sk_storage_get(&sockets, sk, 0, create ? BPF_SK_STORAGE_GET_F_CREATE : 0);
		if (!s && create)
			count_global_shared(GC_REFUSED_SOCKETS, 1);
		return s;
	}
	s = bpf_map_lookup_elem(&socket_table, &key);
	if (s || !create)
		return s;
	struct socket_state fresh = {};
	long err = bpf_map_update_elem(&socket_table, &key, &fresh, BPF_NOEXIST);
	if (err && err != -EEXIST) {
		count_global_shared(FAILED_INSERT(GC_REFUSED_SOCKETS, err), 1);
		return 0;
	}
	return bpf_map_lookup_elem(&socket_table, &key);
}

/* The row of socket state s's owner (the unknown owner's when there is no state): for events outside its process. */
static __always_inline struct process_stats *process_of_socket(const struct socket_state *s)
{
	struct process_key unknown = {};

	return process_of_owner(s ? &s->owner : &unknown);
}

/* Who the calling task is, without a key: its group leader and cgroup set as addresses, and its TGID. */
struct owner_ids {
	__u64 leader;
	__u64 cgroups;
	__u32 tgid;
	__u32 reserved;
};

/*
 * owner_identity() where loads are direct. Global for the reason current_process_direct() is: each
 * pointer loaded from the task is a search of the kernel's BTF for the verifier, and inlined they were
 * searched at every path of every send, receive and claim (the state-change programs: 22 -> 9 ms of
 * verification each, the start's 72 -> 46 ms). The call costs a few nanoseconds.
 */
__noinline int owner_identity_direct(struct owner_ids *ids)
{
	struct task_struct *task = bpf_get_current_task_btf();

	if (!ids)
		return 0;
	ids->leader = (__u64)task->group_leader;
	ids->cgroups = (__u64)task->cgroups;
	ids->tgid = task->tgid;
	ids->reserved = 0;
	return 0;
}

/* Fills ids for the calling task. */
static __always_inline void owner_identity(bool direct, struct owner_ids *ids)
{
	struct task_struct *task;

	if (direct) {
		owner_identity_direct(ids);
		return;
	}
	task = bpf_get_current_task_btf();
	ids->leader = (__u64)BPF_CORE_READ(task, group_leader);
	ids->cgroups = (__u64)BPF_CORE_READ(task, cgroups);
	ids->tgid = BPF_CORE_READ(task, tgid);
	ids->reserved = 0;
}

/*
 * Adds traffic counts d (indexed by enum socket_count) to row p and to the global counters. Atomic: a
 * fold may run in softirq (a socket destroyed there) on a CPU whose copy process context is writing.
 * skip_zeros (a constant at each call): an event's counts, most of them constant zeros the verifier
 * knows, skip those adds for free; a fold's are all unknown, and a branch per counter doubled the paths
 * the verifier walks at each of them (fold_sockets: 6,344 instructions processed, 9.2 ms at load; adding
 * zeros: 2,249, 1.6 ms), for a few nanoseconds once per fold.
 */
static __always_inline void add_traffic(struct process_stats *p, bool tcp, const __u64 *d, bool skip_zeros)
{
	__u64 *g = global_counters_here();
	__u64 send_calls = d[SC_SEND_CALLS] + d[SC_EMPTY_SEND_CALLS];
	__u64 recv_calls = d[SC_RECV_CALLS] + d[SC_EMPTY_RECV_CALLS];

#define ADD_COUNT(field, value)                                                                                \
	do {                                                                                                   \
		if (!skip_zeros || (value))                                                                    \
			ADD_SHARED(field, value);                                                              \
	} while (0)
	if (g) {
		ADD_COUNT(g[tcp ? GC_TCP_SEND_BYTES : GC_UDP_SEND_BYTES], d[SC_BYTES_SENT]);
		ADD_COUNT(g[tcp ? GC_TCP_RECV_BYTES : GC_UDP_RECV_BYTES], d[SC_BYTES_RECEIVED]);
		ADD_COUNT(g[tcp ? GC_TCP_SEND_CALLS : GC_UDP_SEND_CALLS], send_calls);
		ADD_COUNT(g[tcp ? GC_TCP_RECV_CALLS : GC_UDP_RECV_CALLS], recv_calls);
		ADD_COUNT(g[tcp ? GC_TCP_SEND_ERRORS : GC_UDP_SEND_ERRORS], d[SC_SEND_ERRORS]);
		ADD_COUNT(g[tcp ? GC_TCP_RECV_ERRORS : GC_UDP_RECV_ERRORS], d[SC_RECV_ERRORS]);
	}
	if (!p)
		return;
	if (tcp) {
		ADD_COUNT(p->tcp_bytes_sent, d[SC_BYTES_SENT]);
		ADD_COUNT(p->tcp_bytes_received, d[SC_BYTES_RECEIVED]);
		ADD_COUNT(p->tcp_send_calls, send_calls);
		ADD_COUNT(p->tcp_recv_calls, recv_calls);
		ADD_COUNT(p->tcp_send_errors, d[SC_SEND_ERRORS]);
		ADD_COUNT(p->tcp_recv_errors, d[SC_RECV_ERRORS]);
		ADD_COUNT(p->tcp_accepts, d[SC_ACCEPTS]); /* the global count was taken at the accept */
	} else {
		ADD_COUNT(p->udp_bytes_sent, d[SC_BYTES_SENT]);
		ADD_COUNT(p->udp_bytes_received, d[SC_BYTES_RECEIVED]);
		ADD_COUNT(p->udp_send_calls, send_calls);
		ADD_COUNT(p->udp_recv_calls, recv_calls);
		ADD_COUNT(p->udp_send_errors, d[SC_SEND_ERRORS]);
		ADD_COUNT(p->udp_recv_errors, d[SC_RECV_ERRORS]);
	}
#undef ADD_COUNT
	p->last_seen_ns = reader.clock_ns;
}

/*
 * One pass of a fold: for each counter, takes the range between the folded mark and the count by
 * compare-and-swap on the mark, and adds it to d. Returns non-zero if another fold moved a mark first
 * (that range is the other fold's; what came after it is left). Free of branches that give a counter's
 * share a constant value: the verifier would then walk every combination of the nine counters.
 */
static __always_inline __u64 fold_pass(struct socket_state *s, __u64 *d)
{
	__u64 lost = 0;

	for (int i = 0; i < SC_COUNT; i++) {
		__u64 done = READ_ONCE(s->folded[i]);
		__u64 now = READ_ONCE(s->counts[i]);
		__u64 taken = now - done;

		/* barrier_var: clang would otherwise know taken is 0 when they are equal, and turn the mask
		 * below back into a comparison; both would be branches giving constants */
		barrier_var(taken);
		if (now != done) {
			__u64 raced = __sync_val_compare_and_swap(&s->folded[i], done, now) ^ done;
			__u64 moved = raced | -raced; /* top bit set if another fold moved the mark */

			barrier_var(moved);
			taken &= (moved >> 63) - 1; /* all of it, or nothing */
			lost |= raced;
		}
		d[i] += taken;
	}
	return lost;
}

/*
 * Moves what s counted since its last fold into its owner's row and the global counters. Any context,
 * and possibly on two CPUs at once for one socket (a read, a close, a new owner): each fold takes its
 * ranges by compare-and-swap, so no count moves twice; a pass that lost a race is run again (up to
 * three), so a socket's last fold leaves nothing behind. A global function: the verifier checks it
 * once, not at each of its callers' many paths.
 */
__noinline int fold_socket(struct socket_state *s)
{
	__u64 d[SC_COUNT] = {};
	__u64 any = 0;

	if (!s || s->counted_at_event) /* every event counted in its row already */
		return 0;
	if (fold_pass(s, d) && fold_pass(s, d))
		fold_pass(s, d);
	for (int i = 0; i < SC_COUNT; i++)
		any |= d[i];
	if (any) {
		/* on the stack: before 6.x a helper takes no key in a global function's argument memory */
		struct process_key owner = s->owner;
		add_traffic(process_of_owner(&owner), s->counted_protocol != IPPROTO_UDP, d, false);
	}
	return 0;
}

enum row_event { ROW_SEND = 0, ROW_RECEIVE = 1, ROW_ACCEPT = 2 };

/*
 * A socket no read folds (s->counted_at_event: the kernel refuses map iterators and the socket is in no
 * TCP or UDP table of the reader's network namespace): its events add their counts to its owner's row
 * too, at once, and fold_socket leaves it alone. A send or receive moved `bytes` (0: none, then `errors`
 * says whether it failed) in `calls` calls. A global function, so that its counts live in its own frame:
 * inlined, they pushed a kprobe's frame and fold_socket's past the verifier's 512 bytes (Linux 6.1).
 */
__noinline int count_in_row(struct socket_state *s, __u32 event, __u64 bytes, __u64 calls, __u64 errors)
{
	__u64 d[SC_COUNT] = {};

	if (!s)
		return 0;
	if (event == ROW_ACCEPT) {
		d[SC_ACCEPTS] = 1;
	} else if (event == ROW_SEND) {
		d[SC_BYTES_SENT] = bytes;
		d[SC_SEND_CALLS] = bytes ? calls : 0;
		d[SC_EMPTY_SEND_CALLS] = bytes ? 0 : calls;
		d[SC_SEND_ERRORS] = errors;
	} else {
		d[SC_BYTES_RECEIVED] = bytes;
		d[SC_RECV_CALLS] = bytes ? calls : 0;
		d[SC_EMPTY_RECV_CALLS] = bytes ? 0 : calls;
		d[SC_RECV_ERRORS] = errors;
	}
	/* on the stack: before 6.x a helper takes no key in a global function's argument memory */
	struct process_key owner = s->owner;
	add_traffic(process_of_owner(&owner), s->counted_protocol != IPPROTO_UDP, d, true);
	return 0;
}

/*
 * Whether a read folds sk's counts where the kernel refuses map iterators: the socket-table iterators
 * walk the TCP and UDP tables of the reader's network namespace (MPTCP and UDP-Lite sockets are in
 * neither). A TCP socket leaves its table at TCP_CLOSE: on_closed_state folds it then.
 */
static __always_inline bool folded_by_reads(struct sock *sk, bool direct)
{
	__u16 protocol = sk_protocol(sk, direct);
	struct net *net;
	__u32 inum;

	if (protocol != IPPROTO_TCP && protocol != IPPROTO_UDP)
		return false;
	if (!bpf_core_field_exists(sk->__sk_common.skc_net.net))
		return true; /* no network namespaces: one table for all */
	/* Read with a helper even where loads are direct: a pointer loaded from a trusted one (the socket) has the
	 * verifier search the kernel's BTF by name for its trust lists, at every path that reaches the load
	 * (tracepoint mode's programs: 150 -> 80-98 ms of verification). Asked once per connection, when its
	 * socket is first seen (first_seen_now). */
	net = BPF_CORE_READ(sk, __sk_common.skc_net.net);
	inum = BPF_CORE_READ(net, ns.inum);
	return inum == settings.reader_netns;
}

/*
 * Whether an event on a socket (state s) counts in its row at once: settings.no_map_iterators and no read
 * folds the socket, as decided when it was first seen (its protocol and namespace do not change). Where
 * the kernel allows map iterators the verifier drops it.
 */
static __always_inline bool counts_at_event(const struct socket_state *s)
{
	return settings.no_map_iterators && s->counted_at_event;
}

/* The socket is seen for the first time now; tracepoint mode keeps its address too, for `released_tcp`. */
static __always_inline void first_seen_now(struct socket_state *s, struct sock *sk, bool direct)
{
	s->first_seen_ns = bpf_ktime_get_ns();
	if (settings.release_hook)
		s->address = (__u64)sk;
	if (settings.no_map_iterators)
		s->counted_at_event = !folded_by_reads(sk, direct);
}

/*
 * The calling process's key, with its row made sure of (0 when the table refused it): the row its
 * claimed sockets' counts fold into. A per-CPU note of the last key whose row this CPU found spares
 * the hash lookup when one process claims socket after socket (a server accepting): rows are deleted
 * only after their process has exited, and a key (its start time) is never reused.
 */
static __always_inline bool claimed_key(struct process_key *key, bool direct)
{
	__u32 zero = 0;
	struct process_key *last = bpf_map_lookup_elem(&last_claimed, &zero);

	current_process(key, direct);
	if (last && same_process(last, key))
		return true;
	if (!row_of_current(key))
		return false;
	if (last)
		*last = *key;
	return true;
}

/*
 * A process-context event of process `key` on socket state s: the process becomes the socket's owner
 * (what the socket counted for a previous owner is folded into that one's row first), and if the socket
 * was accepted in softirq and not yet charged, this process accepted it.
 */
static __always_inline void claim_socket(struct sock *sk, struct socket_state *s, bool direct,
					 const struct process_key *key)
{
	struct owner_ids ids = {};

	if (!s->first_seen_ns) {
		first_seen_now(s, sk, direct); /* once per socket */
		if (settings.accepted_by_address) {
			__u64 address = (__u64)sk;
			if (bpf_map_lookup_elem(&accepted_sockets, &address)) {
				s->direction = DIRECTION_INBOUND;
				bpf_map_delete_elem(&accepted_sockets, &address);
			}
		}
	}
	if (!same_process(&s->owner, key)) {
		if (s->owner_leader)
			fold_socket(s); /* only a claimed socket has counts */
		s->owner = *key;
	}
	owner_identity(direct, &ids);
	s->owner_leader = ids.leader;
	s->owner_cgroups = ids.cgroups;
	if (s->accept_pending && __sync_fetch_and_and(&s->accept_pending, 0)) {
		ADD_SHARED(s->counts[SC_ACCEPTS], 1);
		if (counts_at_event(s))
			count_in_row(s, ROW_ACCEPT, 0, 0, 0);
	}
}

/* Copies sk's addresses and ports into s once its local port is set (for its final record). */
static __always_inline void remember_addresses(struct sock *sk, bool direct, struct socket_state *s)
{
	__u16 family = sk_family(sk, direct);

	s->local_port = sk_local_port(sk, direct);
	if (!s->local_port)
		return;
	s->remote_port = sk_remote_port(sk, direct);
	s->protocol = sk_protocol(sk, direct);
	if (family == AF_INET6) {
		sk_local_v6(sk, direct, s->local);
		sk_remote_v6(sk, direct, s->remote);
		if (mapped_pair(s->local, s->remote)) {
			__u32 local = *(__u32 *)&s->local[12];
			__u32 remote = *(__u32 *)&s->remote[12];
			/* keeps clang from sharing one load between this branch and the socket reads below,
			 * which the verifier refuses (one instruction, two kinds of pointer) */
			barrier_var(local);
			barrier_var(remote);
			*(__u32 *)s->local = local;
			*(__u32 *)s->remote = remote;
			family = AF_INET;
		}
	} else {
		__u32 local = sk_local_v4(sk, direct);
		__u32 remote = sk_remote_v4(sk, direct);
		barrier_var(local);
		barrier_var(remote);
		*(__u32 *)s->local = local;
		*(__u32 *)s->remote = remote;
	}
	s->family = family;
}

/*
 * sk's state, owned by the calling process, for a send or receive. The fast path: the process claimed
 * it already (same group leader, same cgroup set), so the event needs no process key and no row.
 * Otherwise it claims it now. 0 when no state is kept (the caller counts in the process row then).
 */
static __always_inline struct socket_state *owned_socket(struct sock *sk, bool direct, bool storage, __u16 protocol)
{
	struct process_key key;
	struct owner_ids ids = {};
	struct socket_state *s;

	/* a UDP or MPTCP socket's counts can only wait in its state if its end is seen, to fold them then */
	if (!settings.release_seen && sk_protocol(sk, direct) != IPPROTO_TCP)
		return 0;
	s = socket_state(sk, storage, true);
	if (!s)
		return 0;
	owner_identity(direct, &ids);
	/* the TGID too: a task address freed and reused by a process that got the socket is not the owner */
	if (s->owner_leader == ids.leader && s->owner_cgroups == ids.cgroups && s->owner.tgid == ids.tgid)
		return s;
	if (!claimed_key(&key, direct))
		return 0; /* the process table is full (counted as refused): the caller counts the totals */
	claim_socket(sk, s, direct, &key);
	s->counted_protocol = protocol;
	return s;
}

/*
 * A send (dir 0) or receive (dir 1) of the calling process on sk: ret bytes moved (> 0), or none (then
 * `error` says whether it failed); calls is 1, or 0 for a hook that sees only a call's error.
 */
static __always_inline void count_call(struct sock *sk, bool direct, bool storage, __u16 protocol, int dir, long ret,
				       __u64 calls, bool error)
{
	struct socket_state *s = owned_socket(sk, direct, storage, protocol);

	if (!s) {
		struct process_key key;
		__u64 d[SC_COUNT] = {};
		if (ret > 0) {
			d[SC_BYTES_SENT + dir] = ret;
			d[SC_SEND_CALLS + dir] = 1;
		} else {
			d[SC_EMPTY_SEND_CALLS + dir] = calls;
			d[SC_SEND_ERRORS + dir] = error;
		}
		add_traffic(process_of_current(&key, direct), protocol == IPPROTO_TCP, d, true);
		return;
	}
	/* atomic: threads on several CPUs may share a socket, and a fold may read it meanwhile */
	if (ret > 0) {
		ADD_SHARED(s->counts[SC_BYTES_SENT + dir], ret);
		ADD_SHARED(s->counts[SC_SEND_CALLS + dir], 1);
	} else {
		if (calls)
			ADD_SHARED(s->counts[SC_EMPTY_SEND_CALLS + dir], calls);
		if (error)
			ADD_SHARED(s->counts[SC_SEND_ERRORS + dir], 1);
	}
	if (counts_at_event(s))
		count_in_row(s, dir ? ROW_RECEIVE : ROW_SEND, ret > 0 ? ret : 0, ret > 0 ? 1 : calls, ret > 0 ? 0 : error);
	s->last_seen_ns = reader.clock_ns;
	if (settings.connections && !s->family)
		remember_addresses(sk, direct, s);
}

/* Fills the key of a connection row; returns the wire family (0: not IP). */
static __always_inline __u16 connection_key(struct sock *sk, bool direct, const struct socket_state *s,
					    struct closed_connection *r, bool closed)
{
	__u16 family, protocol, local_port, remote_port;

	/* a closed socket, or one closing (it has given its port back): the addresses copied while it was open */
	if (closed || (s->family && !sk_local_port(sk, direct))) {
		family = s->family;
		protocol = s->protocol;
		local_port = s->local_port;
		remote_port = s->remote_port;
		if (family == AF_INET) {
			r->row.v4.key.saddr = *(__u32 *)s->local;
			r->row.v4.key.daddr = *(__u32 *)s->remote;
		} else if (family == AF_INET6) {
			__builtin_memcpy(r->row.v6.key.saddr, s->local, 16);
			__builtin_memcpy(r->row.v6.key.daddr, s->remote, 16);
		} else {
			return 0;
		}
	} else {
		family = sk_family(sk, direct);
		protocol = sk_protocol(sk, direct);
		local_port = sk_local_port(sk, direct);
		remote_port = sk_remote_port(sk, direct);
		if (family == AF_INET6) {
			sk_local_v6(sk, direct, r->row.v6.key.saddr);
			sk_remote_v6(sk, direct, r->row.v6.key.daddr);
			if (mapped_pair(r->row.v6.key.saddr, r->row.v6.key.daddr)) {
				__u32 saddr = *(__u32 *)&r->row.v6.key.saddr[12];
				__u32 daddr = *(__u32 *)&r->row.v6.key.daddr[12];
				__builtin_memset(&r->row.v6, 0, sizeof(r->row.v6));
				r->row.v4.key.saddr = saddr;
				r->row.v4.key.daddr = daddr;
				family = AF_INET;
			}
		} else if (family == AF_INET) {
			r->row.v4.key.saddr = sk_local_v4(sk, direct);
			r->row.v4.key.daddr = sk_remote_v4(sk, direct);
		} else {
			return 0;
		}
	}
	if (family == AF_INET) {
		r->row.v4.key.sport = local_port;
		r->row.v4.key.dport = remote_port;
		r->row.v4.key.protocol = protocol;
		r->row.v4.key.tgid = s->owner.tgid;
	} else {
		r->row.v6.key.sport = local_port;
		r->row.v6.key.dport = remote_port;
		r->row.v6.key.protocol = protocol;
		r->row.v6.key.tgid = s->owner.tgid;
	}
	r->family = family;
	return family;
}

/* Fills a connection row from the socket and its state; returns the wire family (0: not IP). */
static __always_inline __u16 connection_row(struct sock *sk, bool direct, const struct socket_state *s,
					    struct closed_connection *r, bool closed)
{
	__u16 family = connection_key(sk, direct, s, r, closed);
	struct connection_stats *stats;

	if (!family)
		return 0;
	stats = family == AF_INET ? &r->row.v4.stats : &r->row.v6.stats;
	stats->bytes_sent = s->counts[SC_BYTES_SENT];
	stats->bytes_received = s->counts[SC_BYTES_RECEIVED];
	stats->send_calls = s->counts[SC_SEND_CALLS];
	stats->recv_calls = s->counts[SC_RECV_CALLS];
	stats->retransmits = s->retransmits;
	stats->first_seen_ns = s->first_seen_ns;
	stats->last_seen_ns = s->last_seen_ns;
	__u16 protocol = family == AF_INET ? r->row.v4.key.protocol : r->row.v6.key.protocol;
	/* the state is TCP's only; a final record's is CLOSE (queued at the CLOSE transition, the tracepoint
	 * fires before the socket's state changes) */
	stats->state = protocol == IPPROTO_TCP ? (sk && !closed ? sk_state(sk, direct) : TCP_CLOSE) : 0;
	stats->direction = s->direction;
	stats->closed = closed;
	return family;
}

/*
 * sk is being destroyed: an accept nobody claimed goes to the listener's owner, and the final counters
 * are queued for user space (when someone reads connections) before the state goes with the socket.
 */
/* Queues the final record of socket state s (its socket is going; sk may be NULL for a UDP socket). */
static __always_inline void queue_closed(struct sock *sk, bool direct, struct socket_state *s)
{
	/* an atomic exchange: queued once, and ordered before on_socket_gone's look at `released` */
	if (__sync_lock_test_and_set(&s->gone, 1))
		return; /* queued already (a UDP socket's release, then its destruction; a TCP socket's CLOSE, then its destruction) */
	if (!settings.connections || !reader.closed_wanted || !s->first_seen_ns)
		return;
	struct closed_connection *r = bpf_ringbuf_reserve(&closed_connections, sizeof(*r), 0);
	if (r) {
		__builtin_memset(r, 0, sizeof(*r));
		if (connection_row(sk, direct, s, r, true))
			bpf_ringbuf_submit(r, 0);
		else
			bpf_ringbuf_discard(r, 0);
	} else {
		count_global_shared(s->family == AF_INET6 ? GC_REFUSED_CONNECTIONS_V6 : GC_REFUSED_CONNECTIONS_V4, 1);
	}
}

/* sk's connection is over: its counts folded, its final record queued, its release record (if it made one) gone. */
static __always_inline void end_connection(struct sock *sk, bool direct, struct socket_state *s)
{
	__u64 key = (__u64)sk;

	fold_socket(s);
	queue_closed(sk, direct, s);
	/* queued as it should be: the release record goes (a record there of a socket that made none is a
	 * vanished predecessor's, which the sweep reports). After `gone` is set: a release running now on another
	 * CPU sets `released` and then looks at `gone` (see remember_released), so one of the two deletes it. */
	if (settings.release_hook && s->released)
		bpf_map_delete_elem(&released_tcp, &key);
}

static __always_inline void on_socket_gone(struct sock *sk, bool direct, bool storage)
{
	struct socket_state *s = socket_state(sk, storage, false);
	__u64 key = (__u64)sk;

	if (!s) {
		if (settings.accepted_by_address)
			bpf_map_delete_elem(&accepted_sockets, &key); /* accepted, closed untouched */
		return;
	}
	if (s->accept_pending && __sync_fetch_and_and(&s->accept_pending, 0)) {
		struct process_stats *p = process_of_owner(&s->owner);
		if (p)
			ADD_SHARED(p->tcp_accepts, 1);
	}
	end_connection(sk, direct, s);
	if (!storage)
		bpf_map_delete_elem(&socket_table, &key);
}

/* ---------------------------------------------------------------- the events */

/* A send call: ret is the byte count (or, at entry, the requested size) or -errno. */
static __always_inline void on_send(struct sock *sk, bool direct, bool storage, __u16 protocol, long ret,
				    bool errors_known)
{
	count_call(sk, direct, storage, protocol, 0, ret, 1, ret < 0 && errors_known);
}

/* A receive: ret is the byte count or -errno; calls counts the call itself (0 for an error-only hook). */
static __always_inline void on_receive(struct sock *sk, bool direct, bool storage, __u16 protocol, long ret,
				       __u64 calls)
{
	count_call(sk, direct, storage, protocol, 1, ret, calls, ret < 0);
}

/*
 * Trampoline and probe modes: tcp_cleanup_rbuf after a read of `copied` bytes. What the read consumed is
 * the advance of the socket's copied_seq since its last read: a MSG_PEEK advances nothing (a call
 * without bytes), a splice or a kTLS read advances it too. At a socket's first read here, what the
 * socket ever consumed (copied_seq - rcv_nxt + bytes_received: copied_seq's advance since the
 * handshake), but no more than `copied` (a socket older than the collector).
 */
static __always_inline void on_tcp_read(struct sock *sk, bool direct, bool storage, int copied)
{
	struct tcp_sock *tp = (struct tcp_sock *)sk;
	__u32 seq = BPF_CORE_READ(tp, copied_seq);
	struct socket_state *s = owned_socket(sk, direct, storage, IPPROTO_TCP);
	__u32 consumed;

	if (!s) {
		count_call(sk, direct, storage, IPPROTO_TCP, 1, copied, 1, false); /* no state: the row, as before */
		return;
	}
	if (s->read_seq_known) {
		consumed = seq - s->read_seq;
	} else {
		__u32 ever = seq - BPF_CORE_READ(tp, rcv_nxt) + (__u32)BPF_CORE_READ(tp, bytes_received);
		consumed = ever < (__u32)copied ? ever : (__u32)copied;
	}
	s->read_seq = seq;
	s->read_seq_known = 1;
	if (consumed) {
		ADD_SHARED(s->counts[SC_BYTES_RECEIVED], consumed);
		ADD_SHARED(s->counts[SC_RECV_CALLS], 1);
	} else {
		ADD_SHARED(s->counts[SC_EMPTY_RECV_CALLS], 1);
	}
	if (counts_at_event(s))
		count_in_row(s, ROW_RECEIVE, consumed, 1, 0);
	s->last_seen_ns = reader.clock_ns;
	if (settings.connections && !s->family)
		remember_addresses(sk, direct, s);
}

/* An outbound TCP connect by the current process; ret < 0 (when known) is a failure. */
static __always_inline void on_connect(struct sock *sk, bool direct, bool storage, __u16 family, long ret)
{
	struct process_key key;
	__u64 now = reader.clock_ns;
	struct process_stats *p = process_of_current(&key, direct);
	__u64 *g = global_counters_here();
	bool v6 = family == AF_INET6;
	struct socket_state *s = socket_state(sk, storage, true);

	if (s) {
		claim_socket(sk, s, direct, &key);
		s->direction = DIRECTION_OUTBOUND;
	}
	count_global(g, v6 ? GC_TCP_CONNECT_V6 : GC_TCP_CONNECT_V4, 1);
	if (p) {
		if (v6)
			ADD_LOCAL(p->tcp_v6_connects, 1);
		else
			ADD_LOCAL(p->tcp_v4_connects, 1);
		p->last_seen_ns = now;
	}
	if (ret < 0) {
		count_global_shared(v6 ? GC_TCP_CONNECT_V6_ERRORS : GC_TCP_CONNECT_V4_ERRORS, 1);
		if (p)
			ADD_SHARED(p->tcp_connect_errors, 1);
	}
}

/* A connect() that failed before any SYN, seen at the call's exit (tracepoint mode): an attempt and an error. */
static __always_inline void count_early_connect_failure(__u16 family)
{
	struct process_key key;
	struct process_stats *p = process_of_current(&key, true);
	__u64 *g = global_counters_here();
	bool v6 = family == AF_INET6;

	count_global(g, v6 ? GC_TCP_CONNECT_V6 : GC_TCP_CONNECT_V4, 1);
	count_global_shared(v6 ? GC_TCP_CONNECT_V6_ERRORS : GC_TCP_CONNECT_V4_ERRORS, 1);
	if (p) {
		if (v6)
			ADD_LOCAL(p->tcp_v6_connects, 1);
		else
			ADD_LOCAL(p->tcp_v4_connects, 1);
		ADD_SHARED(p->tcp_connect_errors, 1);
		p->last_seen_ns = reader.clock_ns;
	}
}

/* A failed connect learned after the fact (SYN_SENT → CLOSE, maybe in softirq): charged to the owner. */
static __always_inline void on_connect_failed(struct sock *sk, bool direct, bool storage)
{
	struct socket_state *s = socket_state(sk, storage, false);
	__u64 now = reader.clock_ns;
	struct process_stats *p = process_of_socket(s);

	count_global_shared(wire_family(sk, direct) == AF_INET6 ? GC_TCP_CONNECT_V6_ERRORS : GC_TCP_CONNECT_V4_ERRORS, 1);
	if (p) {
		ADD_SHARED(p->tcp_connect_errors, 1);
		p->last_seen_ns = now;
	}
}

/* An accept by the process of row p (atomic: tracepoint mode may charge one in softirq). */
static __always_inline void count_accept(struct process_stats *p)
{
	count_global_shared(GC_TCP_ACCEPTS, 1);
	if (p) {
		ADD_SHARED(p->tcp_accepts, 1);
		p->last_seen_ns = reader.clock_ns;
	}
}

/* newsk was accepted by the calling process (probe mode: inet_csk_accept's return). */
static __always_inline void on_accept(struct sock *newsk, bool direct, bool storage)
{
	struct process_key key;
	struct process_stats *p = process_of_current(&key, direct);
	struct socket_state *s = socket_state(newsk, storage, true);

	if (s) {
		claim_socket(newsk, s, direct, &key);
		s->direction = DIRECTION_INBOUND;
	}
	count_accept(p);
}

/* Trampoline mode: newsk, a plain address, was accepted by the calling process. */
static __always_inline void on_accept_returned(__u64 newsk)
{
	struct process_key key;
	struct process_stats *p = process_of_current(&key, true);
	__u32 one = 1;

	count_accept(p);
	bpf_map_update_elem(&accepted_sockets, &newsk, &one, BPF_ANY);
}

/* close() by the calling process (trampoline and probe modes: tcp_close). */
static __always_inline void on_close_call(struct sock *sk, bool direct, bool storage)
{
	struct process_key key;
	__u64 now = reader.clock_ns;
	struct process_stats *p = process_of_current(&key, direct);
	struct socket_state *s = socket_state(sk, storage, false);

	if (s) {
		claim_socket(sk, s, direct, &key);
		if (!s->family && settings.connections)
			remember_addresses(sk, direct, s); /* a connection that carried no data */
		fold_socket(s); /* its process is done with it: its counts need not wait for the next read */
	}
	count_global_shared(GC_TCP_CLOSES, 1);
	if (p) {
		ADD_SHARED(p->tcp_closes, 1);
		p->last_seen_ns = now;
	}
}

/* A TCP socket with state s (0: none) reached TCP_CLOSE (tracepoint mode; any context): charged to its owner. */
static __always_inline void on_closed_state(const struct socket_state *s)
{
	__u64 now = reader.clock_ns;
	struct process_stats *p = process_of_socket(s);

	count_global_shared(GC_TCP_CLOSES, 1);
	if (p) {
		ADD_SHARED(p->tcp_closes, 1);
		p->last_seen_ns = now;
	}
}

/* Retransmits run in softirq or timer context: charge the socket's owner. */
static __always_inline void on_retransmit(struct sock *sk, bool storage)
{
	struct socket_state *s = socket_state(sk, storage, false);
	__u64 now = reader.clock_ns;
	struct process_stats *p = process_of_socket(s);

	count_global_shared(GC_TCP_RETRANSMITS, 1);
	if (p) {
		ADD_SHARED(p->tcp_retransmits, 1);
		p->last_seen_ns = now;
	}
	if (s && settings.connections) {
		ADD_SHARED(s->retransmits, 1);
		s->last_seen_ns = now;
	}
}

static __always_inline void remember_call(__u32 function, void *sk, __u64 size)
{
	struct pending_key key = { .pid_tgid = bpf_get_current_pid_tgid(), .function = function };
	struct pending_call call = { .sk = (__u64)sk, .size = size };

	long err = bpf_map_update_elem(&pending_calls, &key, &call, BPF_ANY);

	if (err)
		count_global_shared(FAILED_INSERT(GC_REFUSED_PENDING_CALLS, err), 1);
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

/*
 * A receive that read the socket's error queue (transmit timestamps, ICMP errors): no data. The kernel
 * marks the message so when it read the queue (ip_recv_error, ipv6_recv_error), which spares reading
 * the flags argument, whose position changed in 5.19. An empty error queue (EAGAIN) is not marked.
 */
static __always_inline bool read_error_queue(struct msghdr *msg, bool direct)
{
	return (direct ? msg->msg_flags : BPF_CORE_READ(msg, msg_flags)) & MSG_ERRQUEUE;
}

SEC("?fentry/tcp_sendmsg")
int BPF_PROG(tramp_tcp_sendmsg_entry, struct sock *sk, void *msg, size_t size)
{
	on_send(sk, true, true, IPPROTO_TCP, size, false);
	return 0;
}

SEC("?fexit/tcp_sendmsg")
int BPF_PROG(tramp_tcp_sendmsg_return, struct sock *sk, void *msg, size_t size, int ret)
{
	on_send(sk, true, true, IPPROTO_TCP, ret, true);
	return 0;
}

/* A TCP socket that is an MPTCP subflow: its data is the MPTCP socket's, counted there (MPTCP also calls
 * tcp_cleanup_rbuf on its subflows to send ACKs, with a `copied` that is no read). */
static __always_inline bool mptcp_subflow(struct sock *sk)
{
	struct tcp_sock *tp = (void *)sk;

	if (!bpf_core_field_exists(tp->is_mptcp))
		return false;
	return BPF_CORE_READ(tp, is_mptcp);
}

SEC("?fentry/tcp_cleanup_rbuf")
int BPF_PROG(tramp_tcp_cleanup_rbuf, struct sock *sk, int copied)
{
	if (copied > 0 && !mptcp_subflow(sk))
		on_tcp_read(sk, true, true, copied);
	return 0;
}

/* Return mode only: receive errors (bytes come from tcp_cleanup_rbuf). */
SEC("?fexit/tcp_recvmsg")
int BPF_PROG(tramp_tcp_recvmsg_return, struct sock *sk)
{
	__u64 ret = 0;

	bpf_get_func_ret(ctx, &ret); /* an int in a 64-bit register: its upper half is not the sign */
	if ((int)ret < 0)
		on_receive(sk, true, true, IPPROTO_TCP, (int)ret, 0);
	return 0;
}

SEC("?fentry/tcp_close")
int BPF_PROG(tramp_tcp_close, struct sock *sk)
{
	on_close_call(sk, true, true);
	return 0;
}

/*
 * Before Linux 6.5, udp_sendpage (sendfile, splice) calls udp_sendmsg itself: with no data to set the
 * destination, and with the data when it falls back to sock_no_sendpage. Those sends are udp_sendpage's,
 * counted there: udp_sendpage's hooks note the thread in `pending_calls`, and a UDP send looks for the
 * note only while some udp_sendpage runs.
 */
static __always_inline bool inside_udp_sendpage(void)
{
	__u32 zero = 0;
	__u64 *running = bpf_map_lookup_elem(&udp_sendpages, &zero);
	struct pending_key key = { .pid_tgid = bpf_get_current_pid_tgid(), .function = PENDING_UDP_SENDPAGE };

	if (!running || !*running)
		return false;
	return bpf_map_lookup_elem(&pending_calls, &key) != 0;
}

static __always_inline void udp_sendpage_begins(struct sock *sk, size_t size)
{
	__u32 zero = 0;
	__u64 *running = bpf_map_lookup_elem(&udp_sendpages, &zero);

	if (running)
		__sync_fetch_and_add(running, 1);
	remember_call(PENDING_UDP_SENDPAGE, sk, size);
}

/* The end of a udp_sendpage udp_sendpage_begins saw: its socket (0 if unseen). */
static __always_inline struct sock *udp_sendpage_ends(void)
{
	__u32 zero = 0;
	struct pending_call call = recall_call(PENDING_UDP_SENDPAGE);
	__u64 *running = bpf_map_lookup_elem(&udp_sendpages, &zero);

	if (call.sk && running)
		__sync_fetch_and_add(running, -1);
	return (struct sock *)call.sk;
}

/* udpv6_sendmsg hands IPv4-mapped destinations to udp_sendmsg: count each call once, by family. */
SEC("?fentry/udp_sendmsg")
int BPF_PROG(tramp_udp_sendmsg_entry, struct sock *sk, struct msghdr *msg, size_t len)
{
	if (sk_family(sk, true) == AF_INET && !inside_udp_sendpage())
		on_send(sk, true, true, IPPROTO_UDP, len, false);
	return 0;
}

SEC("?fexit/udp_sendmsg")
int BPF_PROG(tramp_udp_sendmsg_return, struct sock *sk, struct msghdr *msg, size_t len, int ret)
{
	if (sk_family(sk, true) == AF_INET && !inside_udp_sendpage())
		on_send(sk, true, true, IPPROTO_UDP, ret, true);
	return 0;
}

/* Before Linux 6.5 sendfile() and splice() to a socket go through sendpage, not sendmsg (optional hooks:
 * later kernels have neither function, and count those through sendmsg). */
SEC("?fentry/tcp_sendpage")
int BPF_PROG(tramp_tcp_sendpage_entry, struct sock *sk, void *page, int offset, size_t size)
{
	on_send(sk, true, true, IPPROTO_TCP, size, false);
	return 0;
}

SEC("?fexit/tcp_sendpage")
int BPF_PROG(tramp_tcp_sendpage_return, struct sock *sk, void *page, int offset, size_t size, int flags, int ret)
{
	on_send(sk, true, true, IPPROTO_TCP, ret, true);
	return 0;
}

/*
 * MPTCP: the process sends and receives on its MPTCP socket, counted as TCP (its subflows are TCP sockets
 * the kernel drives, through functions these hooks do not see). mptcp_close is its close(): the end of
 * its state here (optional hooks: a kernel without MPTCP has none of these functions).
 */
SEC("?fentry/mptcp_sendmsg")
int BPF_PROG(tramp_mptcp_sendmsg_entry, struct sock *sk, struct msghdr *msg, size_t len)
{
	on_send(sk, true, true, IPPROTO_TCP, len, false);
	return 0;
}

SEC("?fexit/mptcp_sendmsg")
int BPF_PROG(tramp_mptcp_sendmsg_return, struct sock *sk, struct msghdr *msg, size_t len, int ret)
{
	on_send(sk, true, true, IPPROTO_TCP, ret, true);
	return 0;
}

SEC("?fexit/mptcp_recvmsg")
int BPF_PROG(tramp_mptcp_recvmsg_return, struct sock *sk)
{
	__u64 ret = 0;

	bpf_get_func_ret(ctx, &ret); /* the argument list changed in 5.19: the return value, not an argument */
	on_receive(sk, true, true, IPPROTO_TCP, (int)ret, 1);
	return 0;
}

SEC("?fentry/mptcp_close")
int BPF_PROG(tramp_mptcp_close, struct sock *sk)
{
	on_socket_gone(sk, true, true);
	return 0;
}

/* udp_sendpage: entry mode counts at entry (and marks), return mode marks at entry and counts at return. */
SEC("?fentry/udp_sendpage")
int BPF_PROG(tramp_udp_sendpage_entry, struct sock *sk, void *page, int offset, size_t size)
{
	udp_sendpage_begins(sk, size);
	on_send(sk, true, true, IPPROTO_UDP, size, false);
	return 0;
}

SEC("?fentry/udp_sendpage")
int BPF_PROG(tramp_udp_sendpage_mark, struct sock *sk, void *page, int offset, size_t size)
{
	udp_sendpage_begins(sk, size);
	return 0;
}

SEC("?fexit/udp_sendpage")
int BPF_PROG(tramp_udp_sendpage_return, struct sock *sk, void *page, int offset, size_t size, int flags, int ret)
{
	if (udp_sendpage_ends())
		on_send(sk, true, true, IPPROTO_UDP, ret, true);
	return 0;
}

SEC("?fexit/udp_sendpage")
int BPF_PROG(tramp_udp_sendpage_unmark, struct sock *sk)
{
	udp_sendpage_ends();
	return 0;
}

SEC("?fentry/udpv6_sendmsg")
int BPF_PROG(tramp_udpv6_sendmsg_entry, struct sock *sk, void *msg, size_t len)
{
	on_send(sk, true, true, IPPROTO_UDP, len, false);
	return 0;
}

SEC("?fexit/udpv6_sendmsg")
int BPF_PROG(tramp_udpv6_sendmsg_return, struct sock *sk, void *msg, size_t len, int ret)
{
	on_send(sk, true, true, IPPROTO_UDP, ret, true);
	return 0;
}

/* A UDP receive's return value as counted: a MSG_PEEK leaves the datagram queued (a call without bytes). */
static __always_inline int udp_received(int ret, __u64 flags)
{
	return (flags & MSG_PEEK) && ret > 0 ? 0 : ret;
}

/* udp_recvmsg's and udpv6_recvmsg's flags (see settings.udp_flags_arg); both indexes are arguments in
 * both signatures, and the verifier keeps only the one the setting names. */
static __always_inline __u64 udp_recv_flags(unsigned long long *ctx)
{
	__u64 third = ctx[3], fourth = ctx[4];

	/* both loaded at fixed offsets: a computed offset into the context is refused */
	barrier_var(third);
	barrier_var(fourth);
	return settings.udp_flags_arg == 4 ? fourth : third;
}

/* Received bytes are only known at return (the length argument is the buffer size), in both modes. */
SEC("?fexit/udp_recvmsg")
int BPF_PROG(tramp_udp_recvmsg_return, struct sock *sk, struct msghdr *msg)
{
	__u64 ret = 0;

	bpf_get_func_ret(ctx, &ret);
	if (!read_error_queue(msg, true))
		on_receive(sk, true, true, IPPROTO_UDP, udp_received((int)ret, udp_recv_flags(ctx)), 1);
	return 0;
}

SEC("?fexit/udpv6_recvmsg")
int BPF_PROG(tramp_udpv6_recvmsg_return, struct sock *sk, struct msghdr *msg)
{
	__u64 ret = 0;

	bpf_get_func_ret(ctx, &ret);
	if (!read_error_queue(msg, true))
		on_receive(sk, true, true, IPPROTO_UDP, udp_received((int)ret, udp_recv_flags(ctx)), 1);
	return 0;
}

SEC("?fentry/tcp_v4_connect")
int BPF_PROG(tramp_tcp_v4_connect_entry, struct sock *sk)
{
	on_connect(sk, true, true, AF_INET, 0);
	return 0;
}

SEC("?fexit/tcp_v4_connect")
int BPF_PROG(tramp_tcp_v4_connect_return, struct sock *sk, void *uaddr, int addr_len, int ret)
{
	on_connect(sk, true, true, AF_INET, ret);
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
		on_connect(sk, true, true, AF_INET6, 0);
	return 0;
}

SEC("?fexit/tcp_v6_connect")
int BPF_PROG(tramp_tcp_v6_connect_return, struct sock *sk, struct sockaddr_in6 *uaddr, int addr_len, int ret)
{
	if (!connects_to_v4_mapped(uaddr))
		on_connect(sk, true, true, AF_INET6, ret);
	return 0;
}

/* The accepted socket is the return value (the first argument is the listener); its signature
 * changed in 6.10, so the return value is read with bpf_get_func_ret. */
SEC("?fexit/inet_csk_accept")
int BPF_PROG(tramp_inet_csk_accept_return, struct sock *listener)
{
	__u64 ret = 0;

	bpf_get_func_ret(ctx, &ret);
	if (!ret || sk_protocol(listener, true) != IPPROTO_TCP)
		return 0;
	on_accept_returned(ret);
	return 0;
}

SEC("?fentry/udp_destroy_sock")
int BPF_PROG(tramp_udp_destroy_sock, struct sock *sk)
{
	on_socket_gone(sk, true, true);
	return 0;
}

SEC("?fentry/udpv6_destroy_sock")
int BPF_PROG(tramp_udpv6_destroy_sock, struct sock *sk)
{
	on_socket_gone(sk, true, true);
	return 0;
}

/* ---------------------------------------------------------------- probe: kprobe / kretprobe */

SEC("?kprobe/tcp_sendmsg")
int BPF_KPROBE(probe_tcp_sendmsg_entry, struct sock *sk, void *msg, size_t size)
{
	on_send(sk, false, false, IPPROTO_TCP, size, false);
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
		on_send((struct sock *)call.sk, false, false, IPPROTO_TCP, ret, true);
	return 0;
}

SEC("?kprobe/tcp_cleanup_rbuf")
int BPF_KPROBE(probe_tcp_cleanup_rbuf, struct sock *sk, int copied)
{
	if (copied > 0 && !mptcp_subflow(sk))
		on_tcp_read(sk, false, false, copied);
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
		on_receive((struct sock *)call.sk, false, false, IPPROTO_TCP, ret, 0);
	return 0;
}

SEC("?kprobe/tcp_close")
int BPF_KPROBE(probe_tcp_close, struct sock *sk)
{
	on_close_call(sk, false, false);
	return 0;
}

SEC("?kprobe/udp_sendmsg")
int BPF_KPROBE(probe_udp_sendmsg_entry, struct sock *sk, struct msghdr *msg, size_t len)
{
	if (sk_family(sk, false) == AF_INET && !inside_udp_sendpage())
		on_send(sk, false, false, IPPROTO_UDP, len, false);
	return 0;
}

SEC("?kprobe/udp_sendmsg")
int BPF_KPROBE(probe_udp_sendmsg_remember, struct sock *sk, struct msghdr *msg, size_t len)
{
	if (sk_family(sk, false) == AF_INET && !inside_udp_sendpage())
		remember_call(PENDING_UDP_SENDMSG, sk, len);
	return 0;
}

/* sendfile() and splice() to a socket before Linux 6.5 (see the trampoline's sendpage hooks). */
SEC("?kprobe/tcp_sendpage")
int BPF_KPROBE(probe_tcp_sendpage_entry, struct sock *sk, void *page, int offset, size_t size)
{
	on_send(sk, false, false, IPPROTO_TCP, size, false);
	return 0;
}

SEC("?kprobe/tcp_sendpage")
int BPF_KPROBE(probe_tcp_sendpage_remember, struct sock *sk, void *page, int offset, size_t size)
{
	remember_call(PENDING_TCP_SENDPAGE, sk, size);
	return 0;
}

SEC("?kretprobe/tcp_sendpage")
int BPF_KRETPROBE(probe_tcp_sendpage_return, int ret)
{
	struct pending_call call = recall_call(PENDING_TCP_SENDPAGE);

	if (call.sk)
		on_send((struct sock *)call.sk, false, false, IPPROTO_TCP, ret, true);
	return 0;
}

SEC("?kprobe/mptcp_sendmsg")
int BPF_KPROBE(probe_mptcp_sendmsg_entry, struct sock *sk, struct msghdr *msg, size_t len)
{
	on_send(sk, false, false, IPPROTO_TCP, len, false);
	return 0;
}

SEC("?kprobe/mptcp_sendmsg")
int BPF_KPROBE(probe_mptcp_sendmsg_remember, struct sock *sk, struct msghdr *msg, size_t len)
{
	remember_call(PENDING_MPTCP_SENDMSG, sk, len);
	return 0;
}

SEC("?kretprobe/mptcp_sendmsg")
int BPF_KRETPROBE(probe_mptcp_sendmsg_return, int ret)
{
	struct pending_call call = recall_call(PENDING_MPTCP_SENDMSG);

	if (call.sk)
		on_send((struct sock *)call.sk, false, false, IPPROTO_TCP, ret, true);
	return 0;
}

SEC("?kprobe/mptcp_recvmsg")
int BPF_KPROBE(probe_mptcp_recvmsg_remember, struct sock *sk)
{
	remember_call(PENDING_MPTCP_RECVMSG, sk, 0);
	return 0;
}

SEC("?kretprobe/mptcp_recvmsg")
int BPF_KRETPROBE(probe_mptcp_recvmsg_return, int ret)
{
	struct pending_call call = recall_call(PENDING_MPTCP_RECVMSG);

	if (call.sk)
		on_receive((struct sock *)call.sk, false, false, IPPROTO_TCP, ret, 1);
	return 0;
}

SEC("?kprobe/mptcp_close")
int BPF_KPROBE(probe_mptcp_close, struct sock *sk)
{
	on_socket_gone(sk, false, false);
	return 0;
}

SEC("?kprobe/udp_sendpage")
int BPF_KPROBE(probe_udp_sendpage_entry, struct sock *sk, void *page, int offset, size_t size)
{
	udp_sendpage_begins(sk, size);
	on_send(sk, false, false, IPPROTO_UDP, size, false);
	return 0;
}

SEC("?kprobe/udp_sendpage")
int BPF_KPROBE(probe_udp_sendpage_remember, struct sock *sk, void *page, int offset, size_t size)
{
	udp_sendpage_begins(sk, size);
	return 0;
}

SEC("?kretprobe/udp_sendpage")
int BPF_KRETPROBE(probe_udp_sendpage_return, int ret)
{
	struct sock *sk = udp_sendpage_ends();

	if (sk)
		on_send(sk, false, false, IPPROTO_UDP, ret, true);
	return 0;
}

SEC("?kretprobe/udp_sendpage")
int BPF_KRETPROBE(probe_udp_sendpage_done)
{
	udp_sendpage_ends();
	return 0;
}

SEC("?kretprobe/udp_sendmsg")
int BPF_KRETPROBE(probe_udp_sendmsg_return, int ret)
{
	struct pending_call call = recall_call(PENDING_UDP_SENDMSG);

	if (call.sk)
		on_send((struct sock *)call.sk, false, false, IPPROTO_UDP, ret, true);
	return 0;
}

SEC("?kprobe/udpv6_sendmsg")
int BPF_KPROBE(probe_udpv6_sendmsg_entry, struct sock *sk, void *msg, size_t len)
{
	on_send(sk, false, false, IPPROTO_UDP, len, false);
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
		on_send((struct sock *)call.sk, false, false, IPPROTO_UDP, ret, true);
	return 0;
}

/* Probe mode: a UDP receive's message (for its flags at return), its lowest bit set for a MSG_PEEK (a
 * msghdr is 8-byte aligned). */
static __always_inline void remember_udp_receive(struct pt_regs *ctx, struct sock *sk, struct msghdr *msg)
{
	__u64 fourth = PT_REGS_PARM4(ctx), fifth = PT_REGS_PARM5(ctx);
	__u64 flags;

	/* both loaded at fixed offsets: a computed offset into the context is refused */
	barrier_var(fourth);
	barrier_var(fifth);
	flags = settings.udp_flags_arg == 4 ? fifth : fourth;
	remember_call(PENDING_UDP_RECVMSG, sk, (__u64)msg | (flags & MSG_PEEK ? 1 : 0));
}

static __always_inline void count_udp_receive(int ret)
{
	struct pending_call call = recall_call(PENDING_UDP_RECVMSG);

	if (call.sk && !read_error_queue((struct msghdr *)(call.size & ~1ULL), false))
		on_receive((struct sock *)call.sk, false, false, IPPROTO_UDP, udp_received(ret, call.size & 1 ? MSG_PEEK : 0), 1);
}

SEC("?kprobe/udp_recvmsg")
int BPF_KPROBE(probe_udp_recvmsg_remember, struct sock *sk, struct msghdr *msg)
{
	remember_udp_receive(ctx, sk, msg);
	return 0;
}

SEC("?kretprobe/udp_recvmsg")
int BPF_KRETPROBE(probe_udp_recvmsg_return, int ret)
{
	count_udp_receive(ret);
	return 0;
}

SEC("?kprobe/udpv6_recvmsg")
int BPF_KPROBE(probe_udpv6_recvmsg_remember, struct sock *sk, struct msghdr *msg)
{
	remember_udp_receive(ctx, sk, msg);
	return 0;
}

SEC("?kretprobe/udpv6_recvmsg")
int BPF_KRETPROBE(probe_udpv6_recvmsg_return, int ret)
{
	count_udp_receive(ret);
	return 0;
}

SEC("?kprobe/tcp_v4_connect")
int BPF_KPROBE(probe_tcp_v4_connect_entry, struct sock *sk)
{
	on_connect(sk, false, false, AF_INET, 0);
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
		on_connect((struct sock *)call.sk, false, false, AF_INET, ret);
	return 0;
}

SEC("?kprobe/tcp_v6_connect")
int BPF_KPROBE(probe_tcp_v6_connect_entry, struct sock *sk, struct sockaddr_in6 *uaddr)
{
	if (!connects_to_v4_mapped(uaddr))
		on_connect(sk, false, false, AF_INET6, 0);
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
		on_connect((struct sock *)call.sk, false, false, AF_INET6, ret);
	return 0;
}

SEC("?kretprobe/inet_csk_accept")
int BPF_KRETPROBE(probe_inet_csk_accept_return, struct sock *newsk)
{
	if (!newsk || sk_protocol(newsk, false) != IPPROTO_TCP)
		return 0;
	on_accept(newsk, false, false);
	return 0;
}

SEC("?kprobe/udp_destroy_sock")
int BPF_KPROBE(probe_udp_destroy_sock, struct sock *sk)
{
	on_socket_gone(sk, false, false);
	return 0;
}

SEC("?kprobe/udpv6_destroy_sock")
int BPF_KPROBE(probe_udpv6_destroy_sock, struct sock *sk)
{
	on_socket_gone(sk, false, false);
	return 0;
}

/* tp_btf beside the kprobes: the tracepoint gives a typed socket, but probe mode keeps its state in the
 * table. Attached twice (see transition_seen): on_socket_gone is idempotent. */
SEC("?tp_btf/tcp_destroy_sock")
int BPF_PROG(probe_tcp_destroy_sock, struct sock *sk)
{
	on_socket_gone(sk, true, false);
	return 0;
}

SEC("?tp_btf/tcp_destroy_sock")
int BPF_PROG(probe_tcp_destroy_sock_nested, struct sock *sk)
{
	on_socket_gone(sk, true, false);
	return 0;
}

/* ---------------------------------------------------------------- tracepoint: tp_btf */

/*
 * What the sock_*_length tracepoints count, which fire for every socket: IPv4/IPv6 stream sockets of TCP
 * (and MPTCP, whose traffic the process sends and receives on its MPTCP socket; its subflows are TCP
 * sockets the kernel drives) as TCP, datagram sockets of UDP as UDP. Raw sockets of protocol TCP or UDP
 * (sniffers) and ICMP ping sockets are not socket traffic of those protocols: 0.
 */
static __always_inline __u16 counted_protocol(struct sock *sk)
{
	__u16 family = sk_family(sk, true);
	__u16 protocol = sk_protocol(sk, true);
	__u16 type = sk->sk_type;

	if (family != AF_INET && family != AF_INET6)
		return 0;
	if (type == SOCK_STREAM && (protocol == IPPROTO_TCP || protocol == IPPROTO_MPTCP))
		return IPPROTO_TCP;
	if (type == SOCK_DGRAM && protocol == IPPROTO_UDP)
		return IPPROTO_UDP;
	return 0;
}

/* Fires in the sending process; ret is bytes or -errno. */
SEC("?tp_btf/sock_send_length")
int BPF_PROG(tp_sock_send_length, struct sock *sk, int ret, int flags)
{
	__u16 protocol = counted_protocol(sk);

	if (protocol)
		on_send(sk, true, true, protocol, ret, true);
	return 0;
}

SEC("?tp_btf/sock_recv_length")
int BPF_PROG(tp_sock_recv_length, struct sock *sk, int ret, int flags)
{
	__u16 protocol;

	/* The error queue (transmit timestamps, ICMP errors) is not data the socket received. */
	if (flags & MSG_ERRQUEUE)
		return 0;
	protocol = counted_protocol(sk);
	if (!protocol)
		return 0;
	/* MSG_PEEK leaves the data queued: the call counts, its bytes do when really read. */
	on_receive(sk, true, true, protocol, (flags & MSG_PEEK) && ret > 0 ? 0 : ret, 1);
	return 0;
}

/* A classic tracepoint's record at a system call's exit (include/trace/events/syscalls.h): the common
 * 8-byte header, the call's number, its return value. */
struct syscall_exit {
	__u64 header;
	long id;
	long ret;
};

#define S_IFMT 00170000
#define S_IFSOCK 0140000

/* The socket behind the current process's file descriptor fd, or 0. */
static __always_inline struct sock *socket_of_fd(struct task_struct *task, int fd)
{
	struct fdtable *fdt = BPF_CORE_READ(task, files, fdt);
	struct file *file;
	struct file **fds;

	if (!fdt || fd < 0 || (unsigned int)fd >= BPF_CORE_READ(fdt, max_fds))
		return 0;
	fds = BPF_CORE_READ(fdt, fd);
	if (bpf_probe_read_kernel(&file, sizeof(file), &fds[fd]) || !file)
		return 0;
	if ((BPF_CORE_READ(file, f_inode, i_mode) & S_IFMT) != S_IFSOCK)
		return 0;
	struct socket *sock = BPF_CORE_READ(file, private_data);

	return BPF_CORE_READ(sock, sk);
}

/*
 * Tracepoint mode: splice() from a TCP socket (HAProxy's splicing, os.splice) reads it with tcp_read_sock,
 * which no tracepoint of the socket layer shows; the system call's exit does. Its bytes and the call are
 * the process's, counted in its row (the socket's own counters, and so the connection table, miss them).
 * Attached only when asked (syscall hooks): turning on a syscall tracepoint puts every system call of
 * every process on the kernel's slow path (getppid() +64 ns here). The descriptor is the call's first argument.
 */
/*
 * The IPv4 or IPv6 TCP socket whose descriptor is the first argument of the system call this thread is
 * leaving, or 0 (another kind of file or socket); *regs: the call's registers, for its other arguments.
 */
static __always_inline struct sock *tcp_socket_of_syscall(struct pt_regs **regs)
{
	struct task_struct *task = bpf_get_current_task_btf();
	struct sock *sk;
	__u16 family;

	*regs = (struct pt_regs *)bpf_task_pt_regs(task);
	sk = socket_of_fd(task, (int)PT_REGS_PARM1_SYSCALL(*regs));
	if (!sk)
		return 0;
	family = sk_family(sk, false);
	if ((family != AF_INET && family != AF_INET6) || BPF_CORE_READ(sk, sk_type) != SOCK_STREAM ||
	    sk_protocol(sk, false) != IPPROTO_TCP)
		return 0;
	return sk;
}

SEC("?tracepoint/syscalls/sys_exit_splice")
int tp_splice_exit(struct syscall_exit *ctx)
{
	long ret = ctx->ret;
	struct pt_regs *regs;
	struct process_key key;

	if (ret <= 0 || !tcp_socket_of_syscall(&regs))
		return 0;
	__u64 d[SC_COUNT] = {};
	d[SC_BYTES_RECEIVED] = ret;
	d[SC_RECV_CALLS] = 1;
	add_traffic(process_of_current(&key, true), true, d, true);
	return 0;
}

#define EINPROGRESS 115

/* connect()'s destination, in the caller's memory: an IPv4-mapped IPv6 address. */
static __always_inline bool user_connects_to_v4_mapped(struct sockaddr_in6 *uaddr)
{
	__u8 addr[16];

	if (bpf_probe_read_user(&addr, sizeof(addr), &uaddr->sin6_addr))
		return false;
	return is_v4_mapped(addr);
}

/*
 * Tracepoint mode with the syscall hooks: a TCP connect() that failed before any SYN (ENETUNREACH for a
 * multicast, broadcast or unroutable address, EADDRNOTAVAIL, a cgroup program's EPERM) changes no socket
 * state, so no socket tracepoint sees it. Its exit does: a failed call whose socket is still CLOSE and
 * sent no SYN in this thread (`connecting`) is an attempt and an error, IPv4 for an IPv4-mapped address,
 * as in the other modes. A call that sent a SYN was counted at SYN_SENT (and its failure at CLOSE).
 */
SEC("?tracepoint/syscalls/sys_exit_connect")
int tp_connect_exit(struct syscall_exit *ctx)
{
	__u64 thread = bpf_get_current_pid_tgid();
	__u64 *syn_for = bpf_map_lookup_elem(&connecting, &thread);
	long ret = ctx->ret;
	struct pt_regs *regs;
	struct sock *sk;
	__u16 family;

	if (syn_for) {
		bpf_map_delete_elem(&connecting, &thread);
		return 0; /* this call sent a SYN: its socket's state changes count it */
	}
	if (ret >= 0 || ret == -EINPROGRESS)
		return 0;
	sk = tcp_socket_of_syscall(&regs);
	if (!sk || sk_state(sk, false) != TCP_CLOSE)
		return 0; /* not TCP, or already connecting or connected (EALREADY, EISCONN) */
	family = sk_family(sk, false);
	if (family == AF_INET6 && user_connects_to_v4_mapped((struct sockaddr_in6 *)PT_REGS_PARM2_SYSCALL(regs)))
		family = AF_INET;
	count_early_connect_failure(family);
	return 0;
}

/* The record of a released socket that went without tcp_destroy_sock, queued once (see `released_tcp`). */
static __always_inline void queue_released(struct released_record *r, __u64 *address)
{
	if (__sync_val_compare_and_swap(&r->taken, 0, 1) != 0)
		return; /* the other way queued it */
	count_global_shared(GC_TCP_DESTROYS_MISSED, 1);
	if (bpf_ringbuf_output(&closed_connections, &r->record, sizeof(r->record), 0))
		count_global_shared(r->record.family == AF_INET6 ? GC_REFUSED_CONNECTIONS_V6 : GC_REFUSED_CONNECTIONS_V4, 1);
	bpf_map_delete_elem(&released_tcp, address);
}

/* A new socket at this address: a released socket there before it went without tcp_destroy_sock. */
static __always_inline void queue_vanished(__u64 address)
{
	struct released_record *r = bpf_map_lookup_elem(&released_tcp, &address);

	if (r)
		queue_released(r, &address);
}

/* SOCK_DEAD: the socket's process has closed it (sk_flags went into sock_common in Linux 6.18). */
static __always_inline bool sk_orphan(struct sock *sk)
{
	unsigned long flags;

	if (bpf_core_field_exists(sk->__sk_common.skc_flags))
		flags = BPF_CORE_READ(sk, __sk_common.skc_flags);
	else
		flags = BPF_CORE_READ(sk, sk_flags);
	return flags & 1;
}

/* Socket state s, whose connection is over and reported, for the socket's next connection: what it counted
 * is in its owner's row first; its counts, addresses and first-seen time start again. */
static __always_inline void renew_state(struct socket_state *s)
{
	fold_socket(s);
	__builtin_memset(s->counts, 0, sizeof(s->counts));
	__builtin_memset(s->folded, 0, sizeof(s->folded));
	s->retransmits = 0;
	s->first_seen_ns = 0;
	s->family = 0;
	s->direction = 0;
	s->read_seq_known = 0;
	s->accept_pending = 0;
	s->released = 0;
	s->gone = 0;
}

static __always_inline void on_state_change(struct sock *sk, int oldstate, int newstate)
{
	struct process_key key;
	struct socket_state *s;
	__u32 port;

	if (sk_protocol(sk, true) != IPPROTO_TCP)
		return;
	/* the state is made here if need be, for the mark and every branch below (refused: counted, and the
	 * change handled unmarked) */
	s = socket_state(sk, true, true);
	if (s && transition_seen(s, oldstate, newstate))
		return; /* the other program of the pair handled it */
	if (s && s->gone && oldstate == TCP_CLOSE && newstate != TCP_CLOSE)
		renew_state(s); /* connected again after a disconnect (connect() with AF_UNSPEC): a new connection */
	if (settings.release_hook && (newstate == TCP_SYN_SENT || newstate == TCP_SYN_RECV || newstate == TCP_LISTEN) &&
	    oldstate != newstate)
		queue_vanished((__u64)sk);
	if (oldstate == TCP_CLOSE && newstate == TCP_SYN_SENT) {
		/* connect(): process context */
		on_connect(sk, true, true, wire_family(sk, true), 0);
		if (settings.syscall_hooks) {
			__u64 thread = bpf_get_current_pid_tgid();
			__u64 address = (__u64)sk;

			bpf_map_update_elem(&connecting, &thread, &address, BPF_ANY);
		}
	} else if (newstate == TCP_LISTEN) {
		/* listen(): process context; the listener's own close is charged to this process */
		current_process(&key, true);
		if (s && !same_process(&s->owner, &key)) {
			s->owner = key;
			if (!s->first_seen_ns)
				first_seen_now(s, sk, true);
		}
		/* listen() without bind() takes its port after this change: such a listener is not remembered */
		__u16 local_port = sk_local_port(sk, true);

		if (local_port) {
			port = listener_key(local_port, IPPROTO_TCP);
			long err = bpf_map_update_elem(&listeners, &port, &key, BPF_ANY);

			if (err)
				count_global_shared(FAILED_INSERT(GC_REFUSED_LISTENERS, err), 1);
		}
	} else if (oldstate == TCP_SYN_RECV && newstate == TCP_ESTABLISHED) {
		/* passive open, in softirq: the accept is counted now and charged to the process that accepted,
		 * which is the first to use the socket (or close it); the listener's owner stands in until then */
		count_global_shared(GC_TCP_ACCEPTS, 1);
		if (s) {
			port = listener_key(sk_local_port(sk, true), IPPROTO_TCP);
			struct process_key *listener = bpf_map_lookup_elem(&listeners, &port);
			if (listener)
				s->owner = *listener;
			s->direction = DIRECTION_INBOUND;
			first_seen_now(s, sk, true);
			s->accept_pending = 1;
			if (settings.connections)
				remember_addresses(sk, true, s);
		}
	} else if (oldstate == TCP_SYN_SENT && newstate == TCP_ESTABLISHED) {
		/* connected: the local port is set now, so a connection that carries no data is listed too */
		if (s && !s->family && settings.connections)
			remember_addresses(sk, true, s);
	} else if (newstate == TCP_FIN_WAIT1 || newstate == TCP_LAST_ACK) {
		/* close() or shutdown(): process context, the socket's process */
		if (s && s->accept_pending) {
			if (claimed_key(&key, true))
				claim_socket(sk, s, true, &key);
		}
	}
	if (newstate == TCP_CLOSE) {
		if (oldstate == TCP_LISTEN) {
			/* an ephemeral port has been given back already (skc_num 0): the bound port is in inet_sport */
			__u16 local_port = sk_local_port(sk, true);

			if (!local_port)
				local_port = bpf_ntohs(BPF_CORE_READ((struct inet_sock *)sk, inet_sport));
			port = listener_key(local_port, IPPROTO_TCP);
			bpf_map_delete_elem(&listeners, &port);
		}
		if (oldstate == TCP_SYN_SENT)
			on_connect_failed(sk, true, true);
		on_closed_state(s);
		/* The connection is over: its record is queued now (and again at tcp_destroy_sock: idempotent),
		 * not at the socket's destruction. An orphan (its process closed it) is destroyed right after
		 * this, in tcp_done. A socket its process still holds (the peer closed or reset it, or the last
		 * ACK came before close()) may be kept closed for long, and under churn the kernel has been seen
		 * to free such a socket without its release or tcp_destroy_sock (a record there was lost: one
		 * socket in ~6 million, on 6.18). A connect that never connected has no addresses: it is left to
		 * the destruction (for sockets freed with neither, see `released_tcp`). */
		if (sk_orphan(sk))
			on_socket_gone(sk, true, true);
		else if (s && s->family)
			end_connection(sk, true, s); /* an accept nobody claimed yet waits for the process that accepts it */
		else
			fold_socket(s); /* its counts into its row now: out of the TCP table, no read's fold may see it again */
	}
}

SEC("?tp_btf/inet_sock_set_state")
int BPF_PROG(tp_inet_sock_set_state, struct sock *sk, int oldstate, int newstate)
{
	on_state_change(sk, oldstate, newstate);
	return 0;
}

/* The same, attached after it: the events the kernel skipped for it (see transition_seen). */
SEC("?tp_btf/inet_sock_set_state")
int BPF_PROG(tp_inet_sock_set_state_nested, struct sock *sk, int oldstate, int newstate)
{
	on_state_change(sk, oldstate, newstate);
	return 0;
}

/*
 * Retransmits, in every mode from the tcp:tcp_retransmit_skb tracepoint: it fires for a retransmitted skb
 * that was sent, as the kernel's RetransSegs counts (a call of tcp_retransmit_skb may send nothing: -EBUSY
 * while the skb is still queued in the device, -EAGAIN, ...). Since Linux 6.18 it also fires for those
 * attempts, with their error: only err == 0 counts. User space loads the _err programs where the
 * tracepoint has that third argument. `storage`: the socket's state is its storage (trampoline,
 * tracepoint) or probe mode's table entry.
 */
#define RETRANSMIT_PROGRAMS(prefix, storage)                                                                   \
	SEC("?tp_btf/tcp_retransmit_skb")                                                                      \
	int BPF_PROG(prefix##_tcp_retransmit_skb, struct sock *sk)                                             \
	{                                                                                                      \
		on_retransmit(sk, storage);                                                                    \
		note_handled((__u64)sk);                                                                       \
		return 0;                                                                                      \
	}                                                                                                      \
	SEC("?tp_btf/tcp_retransmit_skb")                                                                      \
	int BPF_PROG(prefix##_tcp_retransmit_skb_nested, struct sock *sk)                                      \
	{                                                                                                      \
		if (!was_handled((__u64)sk))                                                                   \
			on_retransmit(sk, storage);                                                            \
		return 0;                                                                                      \
	}                                                                                                      \
	SEC("?tp_btf/tcp_retransmit_skb")                                                                      \
	int BPF_PROG(prefix##_tcp_retransmit_skb_forget, struct sock *sk)                                      \
	{                                                                                                      \
		was_handled((__u64)sk);                                                                        \
		return 0;                                                                                      \
	}                                                                                                      \
	SEC("?tp_btf/tcp_retransmit_skb")                                                                      \
	int BPF_PROG(prefix##_tcp_retransmit_skb_err, struct sock *sk, void *skb, int err)                     \
	{                                                                                                      \
		if (!err) {                                                                                    \
			on_retransmit(sk, storage);                                                            \
			note_handled((__u64)sk);                                                               \
		}                                                                                              \
		return 0;                                                                                      \
	}                                                                                                      \
	SEC("?tp_btf/tcp_retransmit_skb")                                                                      \
	int BPF_PROG(prefix##_tcp_retransmit_skb_err_nested, struct sock *sk, void *skb, int err)              \
	{                                                                                                      \
		if (!err && !was_handled((__u64)sk))                                                           \
			on_retransmit(sk, storage);                                                            \
		return 0;                                                                                      \
	}

RETRANSMIT_PROGRAMS(tp, true)
RETRANSMIT_PROGRAMS(probe, false)

/* ---------------------------------------------------------------- every BTF mode */

/* Trampoline and tracepoint modes: the socket's storage goes with it; its final counters first.
 * Attached twice (see transition_seen): on_socket_gone is idempotent. */
SEC("?tp_btf/tcp_destroy_sock")
int BPF_PROG(tp_tcp_destroy_sock, struct sock *sk)
{
	on_socket_gone(sk, true, true);
	return 0;
}

SEC("?tp_btf/tcp_destroy_sock")
int BPF_PROG(tp_tcp_destroy_sock_nested, struct sock *sk)
{
	on_socket_gone(sk, true, true);
	return 0;
}

/* Marks the process's row exited once its last thread is gone, so user space reads it once more
 * and then releases it. */
SEC("?tp_btf/sched_process_exit")
int BPF_PROG(on_process_exit, struct task_struct *task)
{
	struct process_key key;
	struct process_stats *p;

	if (BPF_CORE_READ(task, signal, live.counter) != 0)
		return 0;
	current_process(&key, true);
	p = bpf_map_lookup_elem(&processes, &key);
	if (p) {
		/* the read clock, + 1 so that it is never 0: read_processes reports the row exited one read
		 * later, once the process's sockets, released after this tracepoint, have been folded in */
		p->exited = reader.clock_ns + 1;
		p->last_seen_ns = reader.clock_ns;
	}
	return 0;
}

/* exec() renames the process: its row takes the new name (this CPU's copy, the latest by comm_ns). */
SEC("?tp_btf/sched_process_exec")
int BPF_PROG(on_process_exec, struct task_struct *task)
{
	struct process_key key;
	struct process_stats *p;

	current_process(&key, true);
	p = bpf_map_lookup_elem(&processes, &key);
	if (p) {
		name_process(p);
		p->last_seen_ns = reader.clock_ns;
	}
	return 0;
}

/*
 * Tracepoint mode: a cgroup program on the cgroup v2 root runs when any process's inet socket is
 * released (its last close(), in that process). A UDP or MPTCP socket's counts are folded and its final
 * counters queued there, since no tracepoint sees one destroyed. A TCP socket's counts are folded (its
 * process is done with it), but it may not be closed yet: it runs before tcp_close, and the close itself
 * (FIN_WAIT1, LAST_ACK, …) takes until the peer acknowledges it. So it stays listed in its state now, and
 * its CLOSE (or tcp_destroy_sock) queues its final record, as for every TCP socket (and charges an accept
 * nobody claimed). A socket already closed was queued at its CLOSE.
 */
/*
 * A TCP socket released: its final record, should the kernel free it without tcp_destroy_sock (see
 * `released_tcp`). Inserted blank and filled in place; released_ns is written last, and until then the
 * sweep leaves the record alone.
 */
static __always_inline void remember_released(struct socket_state *s)
{
	const struct released_record *blank;
	__u64 address = s->address;
	struct released_record *r;
	__u32 zero = 0;
	long err;

	if (!address || !settings.connections || !reader.closed_wanted || !s->first_seen_ns || s->gone ||
	    (s->family != AF_INET && s->family != AF_INET6))
		return;
	blank = bpf_map_lookup_elem(&blank_record, &zero);
	if (!blank)
		return;
	err = bpf_map_update_elem(&released_tcp, &address, blank, BPF_NOEXIST);
	if (err == -EEXIST) {
		/* a predecessor's record: that socket went without tcp_destroy_sock, and this one passed none of
		 * the changes that queue it (SYN_SENT, SYN_RECV, LISTEN) */
		queue_vanished(address);
		err = bpf_map_update_elem(&released_tcp, &address, blank, BPF_NOEXIST);
	}
	r = err ? 0 : bpf_map_lookup_elem(&released_tcp, &address);
	if (!r)
		return; /* tcp_destroy_sock queues its record, as for every socket */
	connection_row(0, false, s, &r->record, true);
	r->alive_at_read = s->counted_at_event ? NOT_WALKED : reader.connection_read;
	__sync_lock_test_and_set(&s->released, 1);
	__sync_lock_test_and_set(&r->released_ns, bpf_ktime_get_ns()); /* an ordered store: the record is whole */
	/* the connection ended on another CPU meanwhile (a CLOSE in softirq) and its record is queued: this
	 * one goes, unless on_socket_gone saw `released` and deleted it already */
	if (s->gone)
		bpf_map_delete_elem(&released_tcp, &address);
}

SEC("?cgroup/sock_release")
int socket_release(struct bpf_sock *ctx)
{
	struct socket_state *s;

	if (ctx->protocol != IPPROTO_UDP && ctx->protocol != IPPROTO_TCP && ctx->protocol != IPPROTO_MPTCP)
		return 1;
	s = bpf_sk_storage_get(&sockets, ctx, 0, 0);
	if (s) {
		fold_socket(s);
		if (ctx->protocol != IPPROTO_TCP)
			queue_closed(0, false, s);
		else
			remember_released(s);
	}
	return 1; /* a release program cannot refuse anything; 1 says "go on" */
}

/* ---------------------------------------------------------------- reads: iterators */

/* Before each read of the process table: every socket's counts into its owner's row. */
SEC("?iter/bpf_sk_storage_map")
int fold_sockets(struct bpf_iter__bpf_sk_storage_map *ctx)
{
	struct socket_state *s = ctx->value;

	if (s)
		fold_socket(s);
	return 0;
}

/* The same over probe mode's table. */
SEC("?iter/bpf_map_elem")
int fold_socket_table(struct bpf_iter__bpf_map_elem *ctx)
{
	struct socket_state *s = ctx->value;

	if (ctx->key && s)
		fold_socket(s);
	return 0;
}

#define MAX_VALUE_COPIES 8192 /* a bound for the loop; the verifier walks settings.value_copies, a constant */

/*
 * One row per process that changed since reader.changed_since_ns (or exited): the per-CPU copies
 * (settings.value_copies of them, 8-byte aligned, in ctx->value) summed here, so user space copies
 * one merged value per changed process, whatever the number of CPUs.
 */
SEC("?iter/bpf_map_elem")
int read_processes(struct bpf_iter__bpf_map_elem *ctx)
{
	struct process_key *key = ctx->key;
	__u8 *values = ctx->value;
	struct process_row row = {};
	__u64 comm_ns = 0;

	if (!key || !values)
		return 0;
	/* First whether the row changed: on a many-CPU host most rows have not, and summing is the dear part. */
	__u64 last_seen = 0, exited_at = 0;
	for (__u32 c = 0; c < settings.value_copies && c < MAX_VALUE_COPIES; c++) {
		struct process_stats *v = (void *)(values + c * sizeof(struct process_stats));
		if (v->last_seen_ns > last_seen)
			last_seen = v->last_seen_ns;
		if (v->exited > exited_at)
			exited_at = v->exited;
	}
	if (last_seen < reader.changed_since_ns && !exited_at)
		return 0;
	row.key = *key;
	row.stats.last_seen_ns = last_seen;
	/* Exited once a whole read passed since the mark: a process's sockets are released (and their
	 * counts folded in) just after the exit tracepoint, and a read between the two must not report
	 * the row's last counts and drop it. Until then the row is written as live. */
	row.stats.exited = exited_at && exited_at - 1 <= reader.changed_since_ns ? 1 : 0;
	for (__u32 c = 0; c < settings.value_copies && c < MAX_VALUE_COPIES; c++) {
		struct process_stats *v = (void *)(values + c * sizeof(struct process_stats));
		row.stats.tcp_bytes_sent += v->tcp_bytes_sent;
		row.stats.tcp_bytes_received += v->tcp_bytes_received;
		row.stats.udp_bytes_sent += v->udp_bytes_sent;
		row.stats.udp_bytes_received += v->udp_bytes_received;
		row.stats.tcp_send_calls += v->tcp_send_calls;
		row.stats.tcp_recv_calls += v->tcp_recv_calls;
		row.stats.udp_send_calls += v->udp_send_calls;
		row.stats.udp_recv_calls += v->udp_recv_calls;
		row.stats.tcp_send_errors += v->tcp_send_errors;
		row.stats.tcp_recv_errors += v->tcp_recv_errors;
		row.stats.udp_send_errors += v->udp_send_errors;
		row.stats.udp_recv_errors += v->udp_recv_errors;
		row.stats.tcp_retransmits += v->tcp_retransmits;
		row.stats.tcp_closes += v->tcp_closes;
		row.stats.tcp_v4_connects += v->tcp_v4_connects;
		row.stats.tcp_v6_connects += v->tcp_v6_connects;
		row.stats.tcp_connect_errors += v->tcp_connect_errors;
		row.stats.tcp_accepts += v->tcp_accepts;
		if (v->first_seen_ns && (!row.stats.first_seen_ns || v->first_seen_ns < row.stats.first_seen_ns))
			row.stats.first_seen_ns = v->first_seen_ns;
		if (v->comm_ns > comm_ns) {
			comm_ns = v->comm_ns;
			__builtin_memcpy(row.stats.comm, v->comm, sizeof(row.stats.comm));
		}
	}
	row.stats.comm_ns = comm_ns;
	bpf_seq_write(ctx->meta->seq, &row, sizeof(row));
	return 0;
}

/* Writes the connection of sk (family reader.family) with its state s. */
static __always_inline void write_connection(struct seq_file *seq, struct sock *sk, bool direct, struct socket_state *s)
{
	struct closed_connection r = {};

	if (!s->first_seen_ns || s->gone || !settings.connections)
		return;
	/* a listening socket is no connection (its state only names who listens) */
	if (sk_protocol(sk, direct) == IPPROTO_TCP && sk_state(sk, direct) == TCP_LISTEN)
		return;
	if (connection_row(sk, direct, s, &r, false) != reader.family)
		return;
	if (r.family == AF_INET)
		bpf_seq_write(seq, &r.row.v4, sizeof(r.row.v4));
	else
		bpf_seq_write(seq, &r.row.v6, sizeof(r.row.v6));
}

/* A connection read found released socket s alive: its record in `released_tcp` is no vanished one's. */
static __always_inline void note_alive(struct socket_state *s)
{
	struct released_record *r;

	if (!settings.release_hook || !s->released || s->gone)
		return;
	r = bpf_map_lookup_elem(&released_tcp, &s->address);
	if (r)
		r->alive_at_read = reader.connection_read;
}

static long sweep_released_one(struct bpf_map *map, __u64 *address, struct released_record *r, __u64 *now)
{
	if (r->released_ns && r->alive_at_read != NOT_WALKED && r->alive_at_read + 2 <= reader.connection_read &&
	    *now - r->released_ns >= SWEEP_AFTER_NS)
		queue_released(r, address);
	return 0;
}

/*
 * The end of a connection read that walked every socket its iterator sees: a released socket neither this
 * read nor the one before found alive, released over SWEEP_AFTER_NS ago, is gone without tcp_destroy_sock
 * (a socket between its release and tcp_close, which destroys a closed one at once, is not alive in a
 * table for that long). Its record is queued; the next read reports it.
 */
static __always_inline void sweep_released(void)
{
	__u64 now = bpf_ktime_get_ns();

	if (settings.release_hook && reader.closed_wanted)
		bpf_for_each_map_elem(&released_tcp, sweep_released_one, &now, 0);
}

/* Every open socket with state (trampoline mode): one connection row each. */
SEC("?iter/bpf_sk_storage_map")
int read_sockets(struct bpf_iter__bpf_sk_storage_map *ctx)
{
	struct sock *sk = ctx->sk;
	struct socket_state *s = ctx->value;

	if (sk && s)
		write_connection(ctx->meta->seq, sk, true, s);
	return 0;
}

/* The same in tracepoint mode, which also sweeps `released_tcp` (bpf_for_each_map_elem: Linux 5.13+, where
 * read_sockets serves trampoline mode from 5.12; tracepoint mode needs 6.3). */
SEC("?iter/bpf_sk_storage_map")
int read_released_sockets(struct bpf_iter__bpf_sk_storage_map *ctx)
{
	struct sock *sk = ctx->sk;
	struct socket_state *s = ctx->value;

	if (!sk) {
		sweep_released(); /* the end of the walk */
		return 0;
	}
	if (s) {
		note_alive(s);
		write_connection(ctx->meta->seq, sk, true, s);
	}
	return 0;
}

/*
 * Kernels that refuse map iterators (settings.no_map_iterators): the open sockets of the kernel's TCP and
 * UDP tables instead, those of the reader's network namespace (an iterator's), with their state.
 */
static __always_inline void write_table_socket(struct seq_file *seq, struct sock *sk)
{
	struct socket_state *s = socket_state(sk, !settings.socket_table, false);

	if (s) {
		note_alive(s);
		write_connection(seq, sk, true, s);
	}
}

/* The same sockets' counts into their owners' rows, before each read (the fold iterators' stand-ins). */
static __always_inline void fold_table_socket(struct sock *sk)
{
	struct socket_state *s = socket_state(sk, !settings.socket_table, false);

	if (s)
		fold_socket(s);
}

SEC("?iter/tcp")
int fold_tcp_sockets(struct bpf_iter__tcp *ctx)
{
	struct sock_common *skc = ctx->sk_common;
	struct tcp_sock *tp = skc ? bpf_skc_to_tcp_sock(skc) : 0;

	if (tp)
		fold_table_socket((struct sock *)tp);
	return 0;
}

SEC("?iter/udp")
int fold_udp_sockets(struct bpf_iter__udp *ctx)
{
	struct udp_sock *udp = ctx->udp_sk;

	if (udp)
		fold_table_socket((struct sock *)udp);
	return 0;
}

SEC("?iter/tcp")
int read_tcp_sockets(struct bpf_iter__tcp *ctx)
{
	struct sock_common *skc = ctx->sk_common;
	struct tcp_sock *tp = skc ? bpf_skc_to_tcp_sock(skc) : 0; /* 0 for time-wait and request sockets */

	if (!skc)
		sweep_released(); /* the end of the walk */
	else if (tp)
		write_table_socket(ctx->meta->seq, (struct sock *)tp);
	return 0;
}

SEC("?iter/udp")
int read_udp_sockets(struct bpf_iter__udp *ctx)
{
	struct udp_sock *udp = ctx->udp_sk;

	if (udp)
		write_table_socket(ctx->meta->seq, (struct sock *)udp);
	return 0;
}

/* The same from probe mode's table, whose keys are socket addresses (read, never dereferenced). */
SEC("?iter/bpf_map_elem")
int read_socket_table(struct bpf_iter__bpf_map_elem *ctx)
{
	__u64 *key = ctx->key;
	struct socket_state *s = ctx->value;

	if (key && s)
		write_connection(ctx->meta->seq, (struct sock *)*key, false, s);
	return 0;
}
