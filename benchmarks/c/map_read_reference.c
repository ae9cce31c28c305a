// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * C reference for RealMapReadBenchmark: reads a per-CPU hash of the collector's shape (24-byte keys,
 * struct process_stats values, 16,384 entries) with bpf_map_lookup_batch and with get_next_key +
 * lookup, and merges each entry's per-CPU copies into a row of a table the way the collector's
 * ProcessTableBuilder does (counters summed, earliest first-seen, latest last-seen and exit, the
 * first command name), so both sides do the same work. Prints milliseconds per full pass, the mean
 * and the fastest.
 * Built and run by benchmarks/run.sh (needs root). Output: "c_batch_ms=…", "c_batch_min_ms=…",
 * "c_per_key_ms=…" and "c_per_key_min_ms=…".
 */
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define KEY_SIZE 24
#define VALUE_SIZE 184 /* sizeof(struct process_stats) */
#define COUNTERS 18    /* its leading u64 counters */
#define FIRST 18       /* then first_seen_ns, last_seen_ns, exited and comm, in u64 words */
#define LAST 19
#define EXITED 20
#define COMM 21
#define STATS_WORDS 23
#define ROW_WORDS (KEY_SIZE / 8 + STATS_WORDS)
#define BATCH 1024

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static uint64_t *rows;
static size_t row_count;

static void merge(const uint8_t *key, const uint8_t *value, int cpus, size_t stride)
{
	uint64_t *row = rows + row_count++ * ROW_WORDS;
	uint64_t *stats = row + KEY_SIZE / 8;

	memcpy(row, key, KEY_SIZE);
	memcpy(stats, value, STATS_WORDS * 8);
	int named = value[COMM * 8] != 0;
	for (int c = 1; c < cpus; c++) {
		const uint64_t *v = (const uint64_t *)(value + c * stride);
		for (int f = 0; f < COUNTERS; f++)
			stats[f] += v[f];
		if (v[FIRST] != 0 && (stats[FIRST] == 0 || v[FIRST] < stats[FIRST]))
			stats[FIRST] = v[FIRST];
		if (v[LAST] > stats[LAST])
			stats[LAST] = v[LAST];
		if (v[EXITED] > stats[EXITED])
			stats[EXITED] = v[EXITED];
		if (!named && ((const uint8_t *)&v[COMM])[0] != 0) {
			named = 1;
			memcpy(&stats[COMM], &v[COMM], 16);
		}
	}
}

static int read_batch(int fd, int cpus, size_t stride, uint8_t *keys, uint8_t *values)
{
	LIBBPF_OPTS(bpf_map_batch_opts, opts);
	uint64_t cursor = 0;
	int total = 0, first = 1;

	row_count = 0;

	for (;;) {
		__u32 count = BATCH;
		int err = bpf_map_lookup_batch(fd, first ? NULL : &cursor, &cursor, keys, values, &count, &opts);
		if (err && err != -ENOENT) {
			fprintf(stderr, "bpf_map_lookup_batch: %s\n", strerror(-err));
			exit(1);
		}
		for (__u32 i = 0; i < count; i++)
			merge(keys + i * KEY_SIZE, values + i * stride * cpus, cpus, stride);
		total += count;
		if (err == -ENOENT)
			return total;
		first = 0;
	}
}

static int read_per_key(int fd, int cpus, size_t stride, uint8_t *value)
{
	uint8_t key[KEY_SIZE], next[KEY_SIZE];
	int total = 0, have = 0;

	row_count = 0;
	while (bpf_map_get_next_key(fd, have ? key : NULL, next) == 0) {
		if (bpf_map_lookup_elem(fd, next, value) == 0) {
			merge(next, value, cpus, stride);
			total++;
		}
		memcpy(key, next, KEY_SIZE);
		have = 1;
	}
	return total;
}

int main(int argc, char **argv)
{
	int entries = argc > 1 ? atoi(argv[1]) : 16384;
	int passes = argc > 2 ? atoi(argv[2]) : 20;
	int cpus = libbpf_num_possible_cpus();
	size_t stride = (VALUE_SIZE + 7) & ~7;
	int fd = bpf_map_create(BPF_MAP_TYPE_PERCPU_HASH, "ref_processes", KEY_SIZE, VALUE_SIZE, entries, NULL);
	if (fd < 0) {
		fprintf(stderr, "bpf_map_create: %s (run as root)\n", strerror(-fd));
		return 1;
	}
	uint8_t key[KEY_SIZE] = {0};
	uint8_t *value = calloc(cpus, stride);
	for (int i = 0; i < entries; i++) {
		memcpy(key, &i, sizeof(i));
		for (size_t b = 0; b < cpus * stride; b += 8)
			*(uint64_t *)(value + b) = i + b;
		if (bpf_map_update_elem(fd, key, value, BPF_ANY)) {
			fprintf(stderr, "bpf_map_update_elem failed\n");
			return 1;
		}
	}
	rows = calloc(entries, ROW_WORDS * 8);
	uint8_t *keys = malloc((size_t)BATCH * KEY_SIZE);
	uint8_t *values = malloc((size_t)BATCH * stride * cpus);

	for (int w = 0; w < 5; w++)
		read_batch(fd, cpus, stride, keys, values);
	/* The mean and the fastest pass: on a VM whose speed drifts, the fastest is the undisturbed cost. */
	double total = 0, fastest = 1e300;
	for (int p = 0; p < passes; p++) {
		double t = now_ms();
		if (read_batch(fd, cpus, stride, keys, values) != entries)
			return 1;
		t = now_ms() - t;
		total += t;
		fastest = t < fastest ? t : fastest;
	}
	printf("c_batch_ms=%.3f\nc_batch_min_ms=%.3f\n", total / passes, fastest);

	total = 0;
	fastest = 1e300;
	for (int p = 0; p < passes / 4 + 1; p++) {
		double t = now_ms();
		if (read_per_key(fd, cpus, stride, value) != entries)
			return 1;
		t = now_ms() - t;
		total += t;
		fastest = t < fastest ? t : fastest;
	}
	printf("c_per_key_ms=%.3f\nc_per_key_min_ms=%.3f\n", total / (passes / 4 + 1), fastest);
	uint64_t checksum = 0;
	for (size_t r = 0; r < row_count; r++)
		checksum += rows[r * ROW_WORDS + KEY_SIZE / 8];
	printf("checksum=%llu\n", (unsigned long long)checksum);
	return 0;
}
