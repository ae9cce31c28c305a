/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The kernel structs the socket programs read, reduced to the fields they use. preserve_access_index
 * makes every access a CO-RE relocation that libbpf resolves by field *name* against the running
 * kernel's BTF, so neither the order of fields here nor the kernel's anonymous unions matter.
 */
#ifndef EBPFNET_KERNEL_STRUCTS_H
#define EBPFNET_KERNEL_STRUCTS_H

#include "kernel_types.h"
#include "kernel_abi.h"

enum {
	TCP_ESTABLISHED = 1,
	TCP_SYN_SENT = 2,
	TCP_SYN_RECV = 3,
	TCP_FIN_WAIT1 = 4,
	TCP_FIN_WAIT2 = 5,
	TCP_TIME_WAIT = 6,
	TCP_CLOSE = 7,
	TCP_CLOSE_WAIT = 8,
	TCP_LAST_ACK = 9,
	TCP_LISTEN = 10,
	TCP_CLOSING = 11,
	TCP_NEW_SYN_RECV = 12,
};

struct in6_addr {
	union {
		__u8 u6_addr8[16];
		__u32 u6_addr32[4];
	} in6_u;
} __attribute__((preserve_access_index));

/* What connect() receives for AF_INET6 (UAPI layout). */
struct sockaddr_in6 {
	unsigned short sin6_family;
	__be16 sin6_port;
	__be32 sin6_flowinfo;
	struct in6_addr sin6_addr;
	__u32 sin6_scope_id;
};

/* A network namespace, named by its inode number (what /proc/PID/ns/net links to). */
struct ns_common {
	unsigned int inum;
} __attribute__((preserve_access_index));

struct net {
	struct ns_common ns;
} __attribute__((preserve_access_index));

typedef struct {
	struct net *net; /* absent without CONFIG_NET_NS: bpf_core_field_exists guards the read */
} possible_net_t;

struct sock_common {
	__be32 skc_daddr;
	__be32 skc_rcv_saddr;
	__be16 skc_dport;
	__u16 skc_num;
	unsigned short skc_family;
	volatile unsigned char skc_state;
	struct in6_addr skc_v6_daddr;
	struct in6_addr skc_v6_rcv_saddr;
	unsigned long skc_flags; /* sk_flags, moved here in Linux 6.18 */
	possible_net_t skc_net;
} __attribute__((preserve_access_index));

struct sock {
	struct sock_common __sk_common;
	__u16 sk_protocol;
	__u16 sk_type; /* a plain field since Linux 5.6 */
	unsigned long sk_flags; /* bit 0: SOCK_DEAD, the socket is orphaned (its process closed it); before 6.18 */
} __attribute__((preserve_access_index));

/* The bound source port, in network order. It outlives skc_num, which the kernel zeroes when it gives an
 * ephemeral port back (inet_put_port), before the closing listener's LISTEN → CLOSE state change. */
struct inet_sock {
	__be16 inet_sport;
} __attribute__((preserve_access_index));

/* A cgroup/sock program's context (UAPI include/uapi/linux/bpf.h; the verifier rewrites the accesses). */
struct bpf_sock {
	__u32 bound_dev_if;
	__u32 family;
	__u32 type;
	__u32 protocol;
};

/* BPF iterator contexts (include/linux/bpf.h, net/core/bpf_sk_storage.c). */
struct seq_file;
struct bpf_map;

struct bpf_iter_meta {
	struct seq_file *seq;
	__u64 session_id;
	__u64 seq_num;
} __attribute__((preserve_access_index));

struct bpf_iter__bpf_map_elem {
	struct bpf_iter_meta *meta;
	struct bpf_map *map;
	void *key;
	void *value;
} __attribute__((preserve_access_index));

struct bpf_iter__bpf_sk_storage_map {
	struct bpf_iter_meta *meta;
	struct bpf_map *map;
	struct sock *sk;
	void *value;
} __attribute__((preserve_access_index));

/* The kernel's socket tables (net/ipv4/tcp_ipv4.c, net/ipv4/udp.c): the sockets of the reader's network
 * namespace. udp_sock begins with its struct sock. */
struct udp_sock;

struct bpf_iter__tcp {
	struct bpf_iter_meta *meta;
	struct sock_common *sk_common;
} __attribute__((preserve_access_index));

struct bpf_iter__udp {
	struct bpf_iter_meta *meta;
	struct udp_sock *udp_sk;
} __attribute__((preserve_access_index));

typedef struct {
	int counter;
} atomic_t;

/* Only where the kernel has MPTCP (bpf_core_field_exists guards the read). */
struct tcp_sock {
	__u32 copied_seq;     /* the head of yet unread data: advances with what readers consume */
	__u32 rcv_nxt;        /* the next sequence number expected */
	__u64 bytes_received; /* everything received in order (rcv_nxt's advance since the start) */
	__u8 is_mptcp;    /* a bool: this TCP socket is a subflow of an MPTCP socket (guarded: CONFIG_MPTCP) */
} __attribute__((preserve_access_index));

struct msghdr {
	unsigned int msg_flags;
} __attribute__((preserve_access_index));

/* Only a task's pointer to it is read (the owner check compares it); the cgroup id comes from a helper. */
struct css_set;

struct signal_struct {
	atomic_t live;
} __attribute__((preserve_access_index));

/* From a file descriptor to its socket (tracepoint mode's splice() reads). */
struct socket {
	struct sock *sk;
} __attribute__((preserve_access_index));

struct inode {
	unsigned short i_mode; /* S_IFSOCK for a socket */
} __attribute__((preserve_access_index));

struct file {
	struct inode *f_inode;
	void *private_data; /* a socket file's struct socket */
} __attribute__((preserve_access_index));

struct fdtable {
	unsigned int max_fds;
	struct file **fd;
} __attribute__((preserve_access_index));

struct files_struct {
	struct fdtable *fdt;
} __attribute__((preserve_access_index));

struct task_struct {
	struct files_struct *files;
	int pid;
	int tgid;
	__u64 start_time;
	char comm[16];
	struct task_struct *group_leader;
	struct signal_struct *signal;
	struct css_set *cgroups; /* changes when the task changes cgroups */
} __attribute__((preserve_access_index));

#endif
