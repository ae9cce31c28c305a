/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
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
	GC_REFUSED_CONNECTIONS_V4 = 20,
	GC_REFUSED_CONNECTIONS_V6 = 21,
	GC_REFUSED_PENDING_CALLS = 22,
	GC_REFUSED_LISTENERS = 23,
	GC_COUNT = 24,
};

/* Set by user space before load (the `settings` constant in .rodata): the verifier drops the code a
 * setting turns off, so an off feature costs nothing per event. */
struct socket_settings {
	__u32 connections; /* 0: the connection tables are not kept ([network connections] enabled = no) */
	__u32 reserved;
};

enum connection_direction {
	DIRECTION_UNKNOWN = 0,
	DIRECTION_OUTBOUND = 1, /* this side connected */
	DIRECTION_INBOUND = 2,  /* this side accepted */
};

/* Who a socket's events are charged to. tgid 0 is the explicit "unknown" owner. */
struct owner {
	__u32 tgid;
	__u32 direction; /* enum connection_direction of the socket this owner is recorded for */
	__u64 start_ns;  /* the process's start time (task->group_leader->start_time): tells reused pids apart */
	__u64 cgroup_id; /* cgroup v2 id when the owner was learned */
	char comm[16];   /* the process's (group leader's) command name */
};

/* `processes` key: one process incarnation in one cgroup (a process that moves gets a second entry). */
struct process_key {
	__u32 tgid;
	__u32 reserved;
	__u64 start_ns;
	__u64 cgroup_id;
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
	__u64 exited;    /* non-zero once the whole process has exited */
	char comm[16];
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
	__u64 first_seen_ns;
	__u64 last_seen_ns;
	__u32 state;     /* TCP state (TCP_ESTABLISHED = 1 …) when last seen; 0 for UDP */
	__u32 direction; /* enum connection_direction */
};

#endif
