/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The structs and indexes shared by the socket BPF programs and the Java reader
 * (io.ebpfnet.socket.internal.SocketLayouts). Fixed-width types only, no implicit padding:
 * SocketLayoutsBtfTest compares the Java layouts with this object's BTF.
 */
#ifndef EBPFNET_SOCKET_SHARED_H
#define EBPFNET_SOCKET_SHARED_H

/* Index of each counter in the `global_counters` array. */
enum global_counter {
	GC_TCP_SEND_CALLS = 0,
	GC_TCP_SEND_ERRORS = 1,
	GC_TCP_SEND_BYTES = 2,
	GC_TCP_RECV_CALLS = 3,
	GC_TCP_RECV_ERRORS = 4,
	GC_TCP_RECV_BYTES = 5,
	GC_TCP_CLOSES = 6,
	GC_TCP_RETRANSMITS = 7,
	GC_TCP_CONNECT_V4 = 8,
	GC_TCP_CONNECT_V4_ERRORS = 9,
	GC_TCP_CONNECT_V6 = 10,
	GC_TCP_CONNECT_V6_ERRORS = 11,
	GC_TCP_ACCEPTS = 12,
	GC_UDP_SEND_CALLS = 13,
	GC_UDP_SEND_ERRORS = 14,
	GC_UDP_SEND_BYTES = 15,
	GC_UDP_RECV_CALLS = 16,
	GC_UDP_RECV_ERRORS = 17,
	GC_UDP_RECV_BYTES = 18,
	/* Inserts a full table refused: counted, never silent. */
	GC_REFUSED_PROCESSES = 19,
	GC_REFUSED_CONNECTIONS_V4 = 20, /* closed IPv4 connections' final records the buffer had no room for */
	GC_REFUSED_CONNECTIONS_V6 = 21,
	GC_REFUSED_PENDING_CALLS = 22,
	GC_REFUSED_LISTENERS = 23,
	GC_REFUSED_SOCKETS = 24,        /* sockets whose state could not be kept (probe mode's table full) */
	GC_TCP_DESTROYS_MISSED = 25,    /* TCP sockets freed without tcp_destroy_sock: final record from their release */
	/* Inserts into a hash table with room that the kernel failed: a bucket lock it could not take (EBUSY,
	 * EDEADLK, ETIMEDOUT), memory it could not get (ENOMEM). Not a size to raise. (A free-list lock it could
	 * not take answers E2BIG, as a full table does: counted as refused.) */
	GC_INSERTS_FAILED = 26,
	GC_COUNT = 27,
};

#define EBPFNET_E2BIG 7 /* what a full hash table returns to an insert */
/* The counter of a failed hash-table insert: the table's refused counter when it is full, else GC_INSERTS_FAILED. */
#define FAILED_INSERT(refused, err) ((err) == -EBPFNET_E2BIG ? (refused) : GC_INSERTS_FAILED)

/* The `global_counters` map's one value: one lookup per event, whatever it counts. */
struct global_counters {
	__u64 counters[GC_COUNT];
};

/* Set by user space before load (the `settings` constant in .rodata): the verifier drops the code a
 * setting turns off, so an off feature costs nothing per event. */
struct socket_settings {
	__u32 connections; /* 0: the connection tables are not kept ([network connections] enabled = no) */
	__u32 shared_maps; /* 1: the counter maps are shared by all CPUs ([global] maps per core = no): every add atomic */
	__u32 value_copies; /* copies per `processes` value the iterators sum: possible CPUs, or 1 for a shared map */
	__u32 accepted_by_address; /* 1 in trampoline mode: accepted sockets wait in `accepted_sockets` */
	__u32 release_seen; /* 1: a program sees every UDP (and MPTCP) socket go, so their counts may wait in
	                     * the socket's state; 0 (tracepoint mode without cgroup v2): counted in the row */
	__u32 udp_flags_arg; /* the index of udp_recvmsg's and udpv6_recvmsg's `flags` parameter: 4 before
	                      * Linux 5.19 (a `noblock` parameter came before it), 3 since */
	__u32 release_hook; /* 1: tracepoint mode's cgroup release program runs (see `released_tcp`) */
	__u32 syscall_hooks; /* 1: tracepoint mode's connect() exit program runs (see `connecting`) */
	__u32 no_map_iterators; /* 1: the kernel refuses map iterators. A read folds the sockets of the kernel's
	                         * TCP and UDP tables in the reader's network namespace (iter/tcp, iter/udp);
	                         * the others' events count in their process's row at once (counted_at_event),
	                         * and user space reads the process table */
	__u32 reader_netns;     /* with no_map_iterators: the inode number of the reader's network namespace */
	__u32 socket_table;     /* 1 in probe mode: socket state is in `socket_table`, not in the socket's storage */
};

/* Written by user space before each read (the `reader` variable in .bss). */
struct reader_state {
	/* The time of user space's latest read (CLOCK_MONOTONIC): events stamp last_seen_ns with it, which
	 * costs a load where reading the clock costs ~50 ns an event. last_seen_ns is so the read before
	 * the last event, with a read interval's precision; first_seen_ns is a real clock reading. */
	__u64 clock_ns;
	__u64 changed_since_ns; /* the process iterator emits rows seen at or after this time, and exited ones */
	__u32 family;           /* the connection iterator emits sockets of this family (AF_INET or AF_INET6) */
	__u32 closed_wanted;    /* 1 once someone reads connections: closed sockets' final counters are queued */
	__u64 connection_read;  /* the number of the connection read under way (see `released_tcp`) */
};

enum connection_direction {
	DIRECTION_UNKNOWN = 0,
	DIRECTION_OUTBOUND = 1, /* this side connected */
	DIRECTION_INBOUND = 2,  /* this side accepted */
};

/* `processes` key: one process incarnation in one cgroup (a process that moves gets a second entry).
 * tgid 0 is the explicit "unknown" owner of softirq events on sockets never seen in a process. */
struct process_key {
	__u32 tgid;
	__u32 reserved;
	__u64 start_ns;  /* the process's start time (task->group_leader->start_time): tells reused pids apart */
	__u64 cgroup_id; /* cgroup v2 id */
};

/* `processes` value: cumulative since the entry was created. */
struct process_stats {
	__u64 tcp_bytes_sent;
	__u64 tcp_bytes_received;
	__u64 udp_bytes_sent;
	__u64 udp_bytes_received;
	__u64 tcp_send_calls;
	__u64 tcp_recv_calls;
	__u64 udp_send_calls;
	__u64 udp_recv_calls;
	__u64 tcp_send_errors;
	__u64 tcp_recv_errors;
	__u64 udp_send_errors;
	__u64 udp_recv_errors;
	__u64 tcp_retransmits;
	__u64 tcp_closes;
	__u64 tcp_v4_connects;
	__u64 tcp_v6_connects;
	__u64 tcp_connect_errors;
	__u64 tcp_accepts;
	__u64 first_seen_ns;
	__u64 last_seen_ns;
	__u64 exited;    /* the kernel's: the read clock + 1 when the whole process exited; the iterator's
	                  * row: 1 once a read passed since then (its sockets' last counts are in) */
	__u64 comm_ns;   /* when comm was written (insert or exec): of several CPUs' copies, the latest name wins */
	char comm[16];
};

/* What the process iterator emits per changed process: per-CPU copies already summed. */
struct process_row {
	struct process_key key;
	struct process_stats stats;
};

/* Ports are in host byte order; addresses in network byte order, as on the wire. */
struct connection_key_v4 {
	__u32 saddr;
	__u32 daddr;
	__u16 sport;
	__u16 dport;
	__u16 protocol;
	__u16 reserved;
	__u32 tgid;
};

struct connection_key_v6 {
	__u8 saddr[16];
	__u8 daddr[16];
	__u16 sport;
	__u16 dport;
	__u16 protocol;
	__u16 reserved;
	__u32 tgid;
};

struct connection_stats {
	__u64 bytes_sent;
	__u64 bytes_received;
	__u64 send_calls;
	__u64 recv_calls;
	__u64 retransmits;
	__u64 first_seen_ns; /* with the key, tells two sockets that reused the same addresses and ports apart */
	__u64 last_seen_ns;
	__u32 state;     /* TCP state (TCP_ESTABLISHED = 1 …) when read or closed; 0 for UDP */
	__u32 direction; /* enum connection_direction */
	__u32 closed;    /* 1: the socket is gone and these are its final counters (reported once) */
	__u32 reserved;
};

/* What a socket counts for its owner's process row until it is folded into it (at each read, when the
 * socket changes hands, when it goes): the send and receive events then touch the socket's state only. */
enum socket_count {
	SC_BYTES_SENT = 0,
	SC_BYTES_RECEIVED = 1,
	SC_SEND_CALLS = 2,       /* calls that moved bytes: also the connection's call counts */
	SC_RECV_CALLS = 3,
	SC_EMPTY_SEND_CALLS = 4, /* calls that moved none (0 bytes or an error): the process's call counts only */
	SC_EMPTY_RECV_CALLS = 5,
	SC_SEND_ERRORS = 6,
	SC_RECV_ERRORS = 7,
	SC_ACCEPTS = 8,          /* 1 once the process that accepted the socket claimed it (process row only) */
	SC_COUNT = 9,
};

/* One socket's state, kept with the socket (socket storage) or in a table keyed by its address (probe
 * mode): who owns it, and its counters until it closes. */
struct socket_state {
	struct process_key owner; /* charged for the socket's events; tgid 0: not known yet */
	/* The owner's group leader and cgroup set (task addresses, compared, never read) when it claimed the
	 * socket: an event of the same process in the same cgroups needs no key and no row. 0: unclaimed. */
	__u64 owner_leader;
	__u64 owner_cgroups;
	__u64 counts[SC_COUNT];   /* cumulative since the socket was first seen */
	__u64 folded[SC_COUNT];   /* how much of counts is in a process row already */
	__u64 retransmits;
	__u64 first_seen_ns;
	__u64 last_seen_ns;
	__u32 direction;      /* enum connection_direction */
	__u32 gone;           /* 1: released or destroyed, its final record queued; the storage lingers a moment */
	__u64 accept_pending; /* 1: accepted in softirq, not yet charged to the process that accepted it */
	/* The addresses and ports, copied once the local port is set: a socket being destroyed has
	 * already given its port back. IPv4 addresses (and IPv4-mapped ones) in the first 4 bytes. */
	__u8 local[16];
	__u8 remote[16];
	__u16 local_port;
	__u16 remote_port;
	__u16 family;         /* the family on the wire; 0 until the addresses are copied */
	__u16 protocol;
	__u32 counted_protocol; /* IPPROTO_TCP or IPPROTO_UDP: the process counters `counts` fold into */
	/* Trampoline and probe modes: the TCP socket's copied_seq at its last read, so that a read counts what
	 * it consumed (a MSG_PEEK consumes nothing; tcp_cleanup_rbuf's `copied` counts peeked bytes too). */
	__u32 read_seq;
	__u32 read_seq_known;
	/* The last TCP state change handled ((old << 8 | new) | 0x10000): a handler attached twice handles
	 * each change once (socket.bpf.c). */
	__u32 last_transition;
	__u64 address; /* the socket's kernel address (socket storage), the key of `released_tcp` */
	__u32 counted_at_event; /* 1: no read folds this socket (settings.no_map_iterators, and it is not in a TCP
	                         * or UDP table of the reader's network namespace): its events count in the row */
	__u32 released;         /* 1: its process released it and its final record waits in `released_tcp` */
};

/* What the connection iterators emit and the closed-connection buffer holds: the key, padded to 8. */
struct connection_row_v4 {
	struct connection_key_v4 key;
	__u32 reserved;
	struct connection_stats stats;
};

struct connection_row_v6 {
	struct connection_key_v6 key;
	__u32 reserved;
	struct connection_stats stats;
};

/* A record of the closed-connection ring buffer: family (AF_INET or AF_INET6), then that family's row. */
struct closed_connection {
	__u32 family;
	__u32 reserved;
	union {
		struct connection_row_v4 v4;
		struct connection_row_v6 v6;
	} row;
};

/* A value of `released_tcp` (socket.bpf.c): a released TCP socket's final record, waiting for its destruction. */
struct released_record {
	__u64 alive_at_read; /* the latest connection read (reader.connection_read) that found the socket alive */
	__u64 released_ns;   /* CLOCK_MONOTONIC; 0 while the release program writes the record */
	__u64 taken;         /* 1: queued as the record of a socket gone without tcp_destroy_sock, once */
	struct closed_connection record;
};

#endif
