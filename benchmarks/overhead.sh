#!/usr/bin/env bash
# The collector's cost on the traffic it watches (needs root):
#  1. loopback TCP throughput with 64-byte messages and UDP with 64-byte datagrams (iperf3): without
#     BPF, with the collector attached, and with the one-lookup reference below, alternated RUNS times;
#     prints the median of the rounds' ratios (goal >= 0.9). kernel.bpf_stats_enabled stays off here:
#     it costs time of its own.
#  2. the kernel's own statistics (kernel.bpf_stats_enabled: run_time_ns / run_cnt) per program, in ns
#     per event (goal <= 100 ns in tracepoint mode), beside the floor of this machine measured the same
#     way: an empty program and a one-lookup per-process byte counter on the same tracepoints
#     (benchmarks/c/overhead_reference.bpf.c); and the collector's cost without connection tables.
#   benchmarks/overhead.sh [RUNS] [SECONDS]
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/setup.sh
runs=${1:-5}
secs=${2:-5}
command -v iperf3 >/dev/null || ebpfnet_apt_install iperf3
command -v bpftool >/dev/null || ebpfnet_apt_install bpftool
[ -f ebpf-cli/target/ebpf-cli.jar ] || ./mvnw -B -q -DskipTests package
out=benchmarks/target/results
mkdir -p "$out"
bpf-src/compile-bpf.sh benchmarks/c/overhead_reference.bpf.c "$out/overhead_reference.bpf.o"
gcc -O2 -Wall -o "$out/overhead_reference" benchmarks/c/overhead_reference.c -lbpf

pidfile=$(mktemp)
iperf3 -s -D --pidfile "$pidfile" >/dev/null
sleep 0.5
attached=
cleanup() {
  [ -n "$attached" ] && kill "$attached" 2>/dev/null && wait "$attached" 2>/dev/null
  kill "$(cat "$pidfile")" 2>/dev/null || true
  rm -f "$pidfile"
  sysctl -q kernel.bpf_stats_enabled=0
}
trap cleanup EXIT

bits() { awk -F: '/"bits_per_second"/ {v=$2} END {gsub(/[ ,]/, "", v); print v}'; }
tcp() { iperf3 -c 127.0.0.1 -l 64 -t "$secs" -J | bits; }
udp() { iperf3 -c 127.0.0.1 -u -b 0 -l 64 -t "$secs" -J | bits; }
collector() {
  "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -jar ebpf-cli/target/ebpf-cli.jar --interval 3600 "$@" \
    > "$out/overhead-collector.log" 2>&1 &
  attached=$!
  sleep 3
}
reference() {
  "$out/overhead_reference" "$out/overhead_reference.bpf.o" > "$out/overhead-reference.log" 2>&1 &
  attached=$!
  sleep 1
}
detach() { kill "$attached"; wait "$attached" 2>/dev/null || true; attached=; }
median() { sort -g | awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }
ns_per_event() {
  bpftool prog show | awk -v pattern="$1" '/ name / { for (i = 1; i <= NF; i++) { if ($i == "name") n = $(i+1); if ($i == "run_time_ns") t = $(i+1); if ($i == "run_cnt") c = $(i+1) }
    if (c > 0 && n ~ pattern) printf "  %-28s %10d events %8.1f ns/event\n", n, c, t / c; t = 0; c = 0 }'
}

sysctl -q kernel.bpf_stats_enabled=0
: > "$out/overhead-ratios.txt"
for r in $(seq "$runs"); do
  tcp_off=$(tcp); udp_off=$(udp)
  collector
  tcp_on=$(tcp); udp_on=$(udp)
  detach
  reference
  tcp_ref=$(tcp); udp_ref=$(udp)
  detach
  echo "$tcp_off $tcp_on $udp_off $udp_on $tcp_ref $udp_ref" | tee -a "$out/overhead-ratios.txt" |
    awk -v r="$r" '{printf "round %d: TCP %.0f bit/s, collector %.3f, reference %.3f; UDP %.0f bit/s, collector %.3f, reference %.3f\n",
      r, $1, $2 / $1, $5 / $1, $3, $4 / $3, $6 / $3}'
done

echo "per-program cost (kernel bpf_stats, ${secs} s of TCP then UDP each):"
sysctl -q kernel.bpf_stats_enabled=1
reference
tcp >/dev/null; udp >/dev/null
ns_per_event '^(ref_|empty_)' | tee "$out/overhead-programs.txt"
detach
collector
tcp >/dev/null; udp >/dev/null
ns_per_event '^(tp_|tramp_|probe_|on_process)' | tee -a "$out/overhead-programs.txt"
detach
echo "the same with [network connections] enabled = no (no connection tables):" | tee -a "$out/overhead-programs.txt"
printf '[network_connections]\nenabled = false\n' > "$out/no-connections.toml"
collector --config "$out/no-connections.toml"
tcp >/dev/null; udp >/dev/null
ns_per_event '^tp_sock' | tee -a "$out/overhead-programs.txt"
detach
sysctl -q kernel.bpf_stats_enabled=0

{
  echo "TCP 64-byte throughput with/without the collector, median of $runs rounds: $(awk '{print $2 / $1}' "$out/overhead-ratios.txt" | median)"
  echo "UDP 64-byte throughput with/without the collector, median of $runs rounds: $(awk '{print $4 / $3}' "$out/overhead-ratios.txt" | median)"
  echo "the same with the one-lookup reference instead: TCP $(awk '{print $5 / $1}' "$out/overhead-ratios.txt" | median), UDP $(awk '{print $6 / $3}' "$out/overhead-ratios.txt" | median)"
} | tee "$out/overhead-summary.txt"
