// SPDX-License-Identifier: Apache-2.0
/*
 * C reference for RealMapReadBenchmark: reads the collector's real per-CPU `processes` map the way
 * the collector does, with the same `read_processes` iterator program from the same socket.bpf.o
 * (every other program's autoload off; .rodata settings written before load: value_copies = possible
 * CPUs; .bss reader_state written before each read), and merges the rows it writes (struct
 * process_row, per-CPU copies summed in the kernel) into the previous table by key the way the
 * collector's ProcessTableBuilder does: the previous rows carried into a new table (exited ones
 * dropped) and indexed by an open-addressing hash of the key (same hash, same sizing), then each
 * changed row replaces its process's row or is appended. The map is filled as RealProcessMap fills
 * it: `entries` processes, every CPU's copy set, `changed` of them recently seen.
 *
 * Timed per pass, mean and fastest, in ms:
 *   c_full_*      changed_since 0: every row read and merged into the previous table
 *   c_changed_*   changed_since between: `changed` rows read and merged into the previous table
 *   c_changed_inplace_*  the same rows merged into one table kept across reads (no carry): what an
 *                 in-place table would cost (informative; the collector builds a new table per read)
 *   c_full_read_only_*   the full iterator read alone (bytes counted, nothing merged)
 *   c_batch_read_only_*  the old read alone: bpf_map_lookup_batch of every entry, all CPUs' copies
 * and the bytes each read copied: c_full_bytes, c_changed_bytes, c_batch_bytes.
 * On a kernel that refuses map iterators (iterator=refused on stderr) the rows are read as the collector
 * then reads them (ProcessMapReader): batch lookups of 64 entries, the per-CPU copies summed and the
 * unchanged rows left out here, the same merge.
 *
 * Usage: map_read_reference [entries=16384] [passes=20] [changed=100] [socket.bpf.o]
 * Built and run by benchmarks/run.sh (needs root; libbpf >= 1.0).
 */
#include <linux/types.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "../../bpf-src/socket/socket_shared.h"

#define DEFAULT_OBJECT "ebpf-socket/target/classes/io/ebpfnet/socket/bpf/socket.bpf.o"
#define ITERATOR "read_processes"
#define ROW_SIZE sizeof(struct process_row)
#define ROW_WORDS (ROW_SIZE / 8)
#define KEY_WORDS (sizeof(struct process_key) / 8)
#define READ_BUFFER (64 * 1024) /* as BpfIterator */
#define BATCH 1024
#define USER_BATCH 64 /* as ProcessMapReader's chunk */
#define OLD_NS 1000000000ULL /* as RealProcessMap */
#define RECENT_NS 5000000000ULL
#define CHANGED_SINCE_NS 3000000000ULL

_Static_assert(ROW_SIZE % 8 == 0, "process_row is a whole number of words");

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static void die(const char *what, int err)
{
	fprintf(stderr, "%s: %s (run as root, from the repository root, after the build)\n", what, strerror(err));
	exit(1);
}

/* ---- the table: rows of ROW_WORDS words, indexed as io.ebpfnet.socket.internal.RowIndex does ---- */

struct table {
	uint64_t *words;
	size_t count, capacity; /* rows */
	uint32_t *slots;        /* row number + 1; 0 is empty */
	size_t slot_count, slot_capacity, used;
};

static uint32_t hash(uint64_t k0, uint64_t k1, uint64_t k2)
{
	uint64_t h = k0 * 0x9E3779B97F4A7C15ULL ^ k1 * 0xC2B2AE3D27D4EB4FULL ^ k2 * 0x165667B19E3779F9ULL;
	return (uint32_t)(h ^ (h >> 29) ^ (h >> 47));
}

static void index_insert(struct table *t, const uint64_t *key, uint32_t row)
{
	size_t mask = t->slot_count - 1;
	size_t slot = hash(key[0], key[1], key[2]) & mask;

	while (t->slots[slot])
		slot = (slot + 1) & mask;
	t->slots[slot] = row + 1;
	t->used++;
}

static void index_grow(struct table *t)
{
	size_t old = t->slot_count;
	uint32_t *copy = malloc(old * sizeof(*copy));

	memcpy(copy, t->slots, old * sizeof(*copy));
	t->slot_count = old * 2;
	if (t->slot_count > t->slot_capacity) {
		t->slot_capacity = t->slot_count;
		t->slots = realloc(t->slots, t->slot_capacity * sizeof(*t->slots));
	}
	memset(t->slots, 0, t->slot_count * sizeof(*t->slots));
	t->used = 0;
	for (size_t i = 0; i < old; i++)
		if (copy[i])
			index_insert(t, t->words + (copy[i] - 1) * ROW_WORDS, copy[i] - 1);
	free(copy);
}

static void index_put(struct table *t, uint32_t row)
{
	if ((t->used + 1) * 2 > t->slot_count)
		index_grow(t);
	index_insert(t, t->words + (size_t)row * ROW_WORDS, row);
}

static long index_find(const struct table *t, const uint64_t *key)
{
	size_t mask = t->slot_count - 1;

	for (size_t slot = hash(key[0], key[1], key[2]) & mask;; slot = (slot + 1) & mask) {
		uint32_t entry = t->slots[slot];
		if (!entry)
			return -1;
		const uint64_t *at = t->words + (size_t)(entry - 1) * ROW_WORDS;
		if (at[0] == key[0] && at[1] == key[1] && at[2] == key[2])
			return entry - 1;
	}
}

static uint64_t *append(struct table *t)
{
	if (t->count == t->capacity) {
		t->capacity = t->capacity ? t->capacity * 2 : 64;
		t->words = realloc(t->words, t->capacity * ROW_SIZE);
	}
	return t->words + t->count++ * ROW_WORDS;
}

/* An empty table whose index is sized as RowIndex(expected) sizes it (memory kept between reads). */
static void table_reset(struct table *t, size_t expected)
{
	size_t want = expected * 2 - 1 > 16 ? expected * 2 - 1 : 16;
	size_t slots = 1;

	while (slots <= want)
		slots <<= 1; /* Integer.highestOneBit(want) << 1 */
	if (slots > t->slot_capacity) {
		t->slot_capacity = slots;
		t->slots = realloc(t->slots, slots * sizeof(*t->slots));
	}
	t->slot_count = slots;
	memset(t->slots, 0, slots * sizeof(*t->slots));
	t->used = 0;
	t->count = 0;
}

/* ProcessTableBuilder(previous, 64): the previous rows but the exited ones, indexed. */
static void carry(struct table *next, const struct table *prev)
{
	size_t expected = prev ? prev->count : 0;

	table_reset(next, expected > 64 ? expected : 64);
	if (!prev)
		return;
	for (size_t r = 0; r < prev->count; r++) {
		const struct process_row *row = (const void *)(prev->words + r * ROW_WORDS);
		if (row->stats.exited)
			continue;
		memcpy(append(next), row, ROW_SIZE);
		index_put(next, next->count - 1);
	}
}

/* ProcessTableBuilder.accept: each changed row replaces its process's row, or is appended. */
static void merge(struct table *t, const uint8_t *records, size_t count)
{
	for (size_t i = 0; i < count; i++) {
		const uint64_t *record = (const void *)(records + i * ROW_SIZE);
		long known = index_find(t, record);
		if (known >= 0) {
			memcpy(t->words + known * ROW_WORDS, record, ROW_SIZE);
		} else {
			memcpy(append(t), record, ROW_SIZE);
			index_put(t, t->count - 1);
		}
	}
}

/* ---- the map and its iterator ---- */

static int bss_fd;
static int iter_link_fd = -1; /* -1: the kernel refused the iterator; rows are read from user space */
static uint8_t *read_buffer;
static size_t last_read_bytes;
static uint64_t reader_changed_since;
static int user_map_fd, user_cpus;
static size_t user_stride;
static uint8_t *user_keys, *user_values;

static void write_reader(uint64_t changed_since)
{
	struct reader_state reader = { .clock_ns = RECENT_NS + 1, .changed_since_ns = changed_since };
	reader_changed_since = changed_since;
	__u32 zero = 0;

	if (bpf_map_update_elem(bss_fd, &zero, &reader, BPF_ANY))
		die("bpf_map_update_elem(.bss)", errno);
}

/* Without the iterator, as ProcessMapReader: each changed (or exited) entry's per-CPU copies summed into a
 * process_row, as read_processes writes it; the rows handed to merge (or counted when t is NULL). */
static size_t read_rows_user(struct table *t)
{
	LIBBPF_OPTS(bpf_map_batch_opts, opts);
	uint64_t cursor[3] = {0};
	size_t records = 0;
	int first = 1;

	last_read_bytes = 0;
	for (;;) {
		__u32 count = USER_BATCH;
		int err = bpf_map_lookup_batch(user_map_fd, first ? NULL : cursor, cursor, user_keys, user_values, &count, &opts);
		if (err && errno != ENOENT)
			die("bpf_map_lookup_batch", errno);
		last_read_bytes += count * (sizeof(struct process_key) + user_cpus * user_stride);
		size_t rows = 0;
		for (__u32 i = 0; i < count; i++) {
			const uint8_t *v = user_values + (size_t)i * user_cpus * user_stride;
			uint64_t last = 0, exited = 0, first_seen = 0, comm_ns = 0;
			int named = -1;
			for (int c = 0; c < user_cpus; c++) {
				const struct process_stats *s = (const void *)(v + c * user_stride);
				last = s->last_seen_ns > last ? s->last_seen_ns : last;
				exited = s->exited > exited ? s->exited : exited;
			}
			if (last < reader_changed_since && !exited)
				continue;
			struct process_row *row = (void *)(read_buffer + rows++ * ROW_SIZE);
			memset(row, 0, ROW_SIZE);
			row->key = ((const struct process_key *)user_keys)[i];
			uint64_t *sum = (uint64_t *)&row->stats;
			for (int c = 0; c < user_cpus; c++) {
				const struct process_stats *s = (const void *)(v + c * user_stride);
				const uint64_t *counters = (const uint64_t *)s;
				for (size_t w = 0; w < offsetof(struct process_stats, first_seen_ns) / 8; w++)
					sum[w] += counters[w];
				if (s->first_seen_ns && (!first_seen || s->first_seen_ns < first_seen))
					first_seen = s->first_seen_ns;
				if (s->comm_ns > comm_ns) {
					comm_ns = s->comm_ns;
					named = c;
				}
			}
			row->stats.first_seen_ns = first_seen;
			row->stats.last_seen_ns = last;
			row->stats.exited = exited && exited - 1 <= reader_changed_since;
			row->stats.comm_ns = comm_ns;
			if (named >= 0)
				memcpy(row->stats.comm, ((const struct process_stats *)(v + named * user_stride))->comm, sizeof(row->stats.comm));
		}
		if (t)
			merge(t, read_buffer, rows);
		records += rows;
		if (err)
			return records;
		first = 0;
	}
}

/* One iterator run, as BpfIterator.read: whole records handed to merge (or counted when t is NULL). */
static size_t read_rows(struct table *t)
{
	if (iter_link_fd < 0)
		return read_rows_user(t);
	int fd = bpf_iter_create(iter_link_fd);
	size_t held = 0, records = 0;

	if (fd < 0)
		die("bpf_iter_create", errno);
	last_read_bytes = 0;
	for (;;) {
		ssize_t n = read(fd, read_buffer + held, READ_BUFFER - held);
		if (n < 0)
			die("read(iterator)", errno);
		if (n == 0)
			break;
		last_read_bytes += n;
		size_t available = held + n, whole = available / ROW_SIZE;
		if (t)
			merge(t, read_buffer, whole);
		records += whole;
		held = available - whole * ROW_SIZE;
		if (held)
			memmove(read_buffer, read_buffer + whole * ROW_SIZE, held);
	}
	close(fd);
	if (held) {
		fprintf(stderr, "the iterator wrote %zu bytes, not whole rows\n", last_read_bytes);
		exit(1);
	}
	return records;
}

static size_t read_batch(int fd, uint8_t *keys, uint8_t *values)
{
	LIBBPF_OPTS(bpf_map_batch_opts, opts);
	uint64_t cursor[3] = {0}; /* a hash map's cursor is a u32 bucket; room for a key */
	size_t total = 0;
	int first = 1;

	for (;;) {
		__u32 count = BATCH;
		int err = bpf_map_lookup_batch(fd, first ? NULL : cursor, cursor, keys, values, &count, &opts);
		if (err && errno != ENOENT)
			die("bpf_map_lookup_batch", errno);
		total += count;
		if (err)
			return total;
		first = 0;
	}
}

static int allocates_on_insert(void)
{
	struct utsname u;
	int major = 0, minor = 0;

	if (uname(&u) || sscanf(u.release, "%d.%d", &major, &minor) != 2)
		return 0;
	return major > 6 || (major == 6 && minor >= 1); /* as SocketCollector.allocatesOnInsert */
}

static struct bpf_map *global_data(struct bpf_object *obj, const char *section, size_t size)
{
	struct bpf_map *map;
	size_t len = strlen(section);

	bpf_object__for_each_map(map, obj) {
		const char *name = bpf_map__name(map);
		size_t n = strlen(name);
		if (n >= len && strcmp(name + n - len, section) == 0) {
			size_t have = 0;
			bpf_map__initial_value(map, &have);
			if (have != size) {
				fprintf(stderr, "the %s holds %zu bytes, not %zu\n", section, have, size);
				exit(1);
			}
			return map;
		}
	}
	fprintf(stderr, "no %s map\n", section);
	exit(1);
}

static void fill(int fd, int entries, int changed, int cpus, size_t stride)
{
	uint8_t *value = malloc(cpus * stride);
	int step = entries / changed, retries = 0;

	for (int n = 0; n < entries; n++) {
		struct process_key key = { .tgid = 1000 + n, .start_ns = 42 + n, .cgroup_id = 7 };
		uint64_t last = (n % step == 0 && n / step < changed) ? RECENT_NS : OLD_NS;
		memset(value, 0, cpus * stride);
		for (int c = 0; c < cpus; c++) {
			struct process_stats *v = (void *)(value + c * stride);
			uint64_t *counters = (uint64_t *)v;
			for (size_t off = 0; off < offsetof(struct process_stats, first_seen_ns); off += 8)
				counters[off / 8] = n + off + c;
			v->first_seen_ns = 100 + n + c;
			v->last_seen_ns = last - c;
			v->comm_ns = c == 0 ? 100 + n : 0;
			if (c == 0)
				memcpy(v->comm, "bench", 5);
		}
		/* A non-preallocated hash takes elements from per-CPU caches refilled asynchronously (Linux
		 * 6.1+): inserts in a row can get ENOMEM with memory to spare. Wait a little and retry. */
		int attempt = 0;
		while (bpf_map_update_elem(fd, &key, value, BPF_ANY)) {
			if (errno != ENOMEM || attempt++ == 1000)
				die("bpf_map_update_elem(processes)", errno);
			retries++;
			usleep(1000);
		}
	}
	if (retries)
		fprintf(stderr, "map_read_reference: %d inserts of %d were refused with ENOMEM and retried\n", retries, entries);
	free(value);
}

struct timing {
	double total, fastest;
	int passes;
};

static void timed(struct timing *t, double ms)
{
	t->total += ms;
	t->fastest = t->passes == 0 || ms < t->fastest ? ms : t->fastest;
	t->passes++;
}

static void print(const char *name, const struct timing *t)
{
	printf("%s_ms=%.4f\n%s_min_ms=%.4f\n", name, t->total / t->passes, name, t->fastest);
}

int main(int argc, char **argv)
{
	int entries = argc > 1 ? atoi(argv[1]) : 16384;
	int passes = argc > 2 ? atoi(argv[2]) : 20;
	int changed = argc > 3 ? atoi(argv[3]) : 100;
	const char *path = argc > 4 ? argv[4] : DEFAULT_OBJECT;
	int cpus = libbpf_num_possible_cpus();
	size_t stride = (sizeof(struct process_stats) + 7) & ~7UL;

	if (entries <= 0 || passes <= 0 || changed <= 0 || changed > entries) {
		fprintf(stderr, "usage: %s [entries] [passes] [changed <= entries] [socket.bpf.o]\n", argv[0]);
		return 2;
	}
	struct bpf_object *obj = NULL;
	struct bpf_program *iterator = NULL;
	struct bpf_map *processes = NULL, *bss = NULL;
	/* With the iterator first; a kernel that refuses map iterators gets the object without it. */
	for (int with_iterator = 1; with_iterator >= 0; with_iterator--) {
		struct bpf_program *prog;
		obj = bpf_object__open_file(path, NULL);
		if (!obj)
			die(path, errno);
		iterator = NULL;
		bpf_object__for_each_program(prog, obj) {
			int wanted = with_iterator && strcmp(bpf_program__name(prog), ITERATOR) == 0;
			bpf_program__set_autoload(prog, wanted);
			if (wanted)
				iterator = prog;
		}
		processes = bpf_object__find_map_by_name(obj, "processes");
		if ((with_iterator && !iterator) || !processes) {
			fprintf(stderr, "%s has no %s program or processes map\n", path, ITERATOR);
			return 1;
		}
		bpf_map__set_max_entries(processes, entries);
		if (allocates_on_insert())
			bpf_map__set_map_flags(processes, bpf_map__map_flags(processes) | BPF_F_NO_PREALLOC);
		/* .rodata: struct socket_settings, written in libbpf's copy of the section before load (frozen then). */
		struct bpf_map *rodata = global_data(obj, ".rodata", sizeof(struct socket_settings));
		bss = global_data(obj, ".bss", sizeof(struct reader_state));
		size_t size;
		struct socket_settings *settings = (void *)bpf_map__initial_value(rodata, &size);
		*settings = (struct socket_settings){ .connections = 0, .shared_maps = 0, .value_copies = cpus };
		if (!bpf_object__load(obj))
			break;
		int err = errno;
		bpf_object__close(obj);
		if (!with_iterator || (err != EPERM && err != EINVAL))
			die("bpf_object__load", err);
		fprintf(stderr, "iterator=refused (%s): the kernel refuses map iterators; rows are read as the collector then reads them\n",
			strerror(err));
		iterator = NULL;
	}
	bss_fd = bpf_map__fd(bss);
	int map_fd = bpf_map__fd(processes);
	fill(map_fd, entries, changed, cpus, stride);

	struct bpf_link *link = NULL;
	if (iterator) {
		union bpf_iter_link_info info = { .map = { .map_fd = map_fd } };
		LIBBPF_OPTS(bpf_iter_attach_opts, opts, .link_info = &info, .link_info_len = sizeof(info));
		link = bpf_program__attach_iter(iterator, &opts);
		if (!link)
			die("bpf_program__attach_iter", errno);
		iter_link_fd = bpf_link__fd(link);
	}
	user_map_fd = map_fd;
	user_cpus = cpus;
	user_stride = stride;
	user_keys = malloc((size_t)USER_BATCH * sizeof(struct process_key));
	user_values = malloc((size_t)USER_BATCH * stride * cpus);
	_Static_assert(USER_BATCH * ROW_SIZE <= READ_BUFFER, "a user-space batch's rows fit the read buffer");
	read_buffer = aligned_alloc(8, READ_BUFFER);

	/* The previous snapshot's table: a first full read. */
	struct table prev = {0}, next = {0}, live = {0};
	write_reader(0);
	carry(&prev, NULL);
	if (read_rows(&prev) != (size_t)entries) {
		fprintf(stderr, "first read: %zu rows, not %d\n", prev.count, entries);
		return 1;
	}
	size_t full_bytes = last_read_bytes;
	carry(&live, &prev);

	struct timing full = {0}, part = {0}, inplace = {0}, read_only = {0}, batch = {0};
	size_t changed_bytes = 0;
	uint8_t *keys = malloc((size_t)BATCH * sizeof(struct process_key));
	uint8_t *values = malloc((size_t)BATCH * stride * cpus);
	size_t batch_entries = 0;
	int warmup = 5;

	/* Interleaved, so a drift of the machine's speed touches every measure alike. */
	for (int p = -warmup; p < passes; p++) {
		double t = now_ms();
		write_reader(0);
		carry(&next, &prev);
		size_t rows = read_rows(&next);
		t = now_ms() - t;
		if (rows != (size_t)entries || next.count != (size_t)entries)
			return 1;
		if (p >= 0)
			timed(&full, t);

		t = now_ms();
		write_reader(CHANGED_SINCE_NS);
		carry(&next, &prev);
		rows = read_rows(&next);
		t = now_ms() - t;
		if (rows != (size_t)changed || next.count != (size_t)entries)
			return 1;
		changed_bytes = last_read_bytes;
		if (p >= 0)
			timed(&part, t);

		t = now_ms();
		write_reader(CHANGED_SINCE_NS);
		rows = read_rows(&live);
		t = now_ms() - t;
		if (rows != (size_t)changed || live.count != (size_t)entries)
			return 1;
		if (p >= 0)
			timed(&inplace, t);

		t = now_ms();
		write_reader(0);
		rows = read_rows(NULL);
		t = now_ms() - t;
		if (rows != (size_t)entries)
			return 1;
		if (p >= 0)
			timed(&read_only, t);

		t = now_ms();
		batch_entries = read_batch(map_fd, keys, values);
		t = now_ms() - t;
		if (batch_entries != (size_t)entries)
			return 1;
		if (p >= 0)
			timed(&batch, t);
	}
	print("c_full", &full);
	print("c_changed", &part);
	print("c_changed_inplace", &inplace);
	print("c_full_read_only", &read_only);
	print("c_batch_read_only", &batch);
	printf("c_full_bytes=%zu\nc_changed_bytes=%zu\nc_batch_bytes=%zu\n", full_bytes, changed_bytes,
	       batch_entries * (sizeof(struct process_key) + cpus * stride));
	uint64_t checksum = 0;
	for (size_t r = 0; r < next.count; r++)
		checksum += ((struct process_row *)(next.words + r * ROW_WORDS))->stats.tcp_bytes_sent;
	printf("checksum=%llu\n", (unsigned long long)checksum);
	if (link)
		bpf_link__destroy(link);
	bpf_object__close(obj);
	return 0;
}
