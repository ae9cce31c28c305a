#!/usr/bin/env bash
# The collector's cost on the traffic it watches (needs root):
#  1. loopback TCP throughput with 64-byte messages and UDP with 64-byte datagrams (iperf3), with and
#     without the collector attached, several runs alternated; prints the ratios (goal >= 0.9);
#  2. the kernel's own statistics per attached program (kernel.bpf_stats_enabled: run_time_ns/run_cnt),
#     in ns per event (goal <= 100 ns in tracepoint mode).
#   benchmarks/overhead.sh [RUNS] [SECONDS]
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/setup.sh
runs=${1:-3}
secs=${2:-5}
command -v iperf3 >/dev/null || ebpfnet_apt_install iperf3
command -v bpftool >/dev/null || ebpfnet_apt_install bpftool
[ -f ebpf-cli/target/ebpf-cli.jar ] || ./mvnw -B -q -DskipTests package

server() { iperf3 -s -D --pidfile /tmp/ebpfnet-iperf.pid >/dev/null; sleep 0.5; }
stop_server() { kill "$(cat /tmp/ebpfnet-iperf.pid)" 2>/dev/null || true; }
tcp() { iperf3 -c 127.0.0.1 -l 64 -t "$secs" -J | awk -F: '/"bits_per_second"/ {v=$2} END {gsub(/[ ,]/, "", v); print v}'; }
udp() { iperf3 -c 127.0.0.1 -u -b 0 -l 64 -t "$secs" -J | awk -F: '/"bits_per_second"/ {v=$2} END {gsub(/[ ,]/, "", v); print v}'; }

trap 'stop_server; [ -n "${collector:-}" ] && kill "$collector" 2>/dev/null; sysctl -q kernel.bpf_stats_enabled=0' EXIT
server
sysctl -q kernel.bpf_stats_enabled=1
declare -a tcp_off tcp_on udp_off udp_on
for r in $(seq "$runs"); do
  tcp_off+=("$(tcp)"); udp_off+=("$(udp)")
  "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -jar ebpf-cli/target/ebpf-cli.jar --interval 3600 \
    > /tmp/ebpfnet-overhead.log 2>&1 &
  collector=$!
  sleep 3
  tcp_on+=("$(tcp)"); udp_on+=("$(udp)")
  if [ "$r" = "$runs" ]; then
    echo "per-program cost (kernel bpf_stats, collector attached):"
    bpftool prog show | awk '/ name / { for (i = 1; i <= NF; i++) { if ($i == "name") n = $(i+1); if ($i == "run_time_ns") t = $(i+1); if ($i == "run_cnt") c = $(i+1) }
      if (c > 0 && (n ~ /^tp_|^tramp_|^probe_|^on_process/)) printf "  %-32s %10d events %8.1f ns/event\n", n, c, t / c; t = 0; c = 0 }'
  fi
  kill "$collector"; wait "$collector" 2>/dev/null || true; collector=
done
ratio() { local -n off=$1 on=$2; local so=0 sn=0; for v in "${off[@]}"; do so=$(awk -v a="$so" -v b="$v" 'BEGIN{print a+b}'); done
  for v in "${on[@]}"; do sn=$(awk -v a="$sn" -v b="$v" 'BEGIN{print a+b}'); done; awk -v a="$sn" -v b="$so" 'BEGIN{printf "%.3f", a/b}'; }
echo "TCP 64-byte throughput with/without the collector: $(ratio tcp_off tcp_on) (runs: ${tcp_off[*]} vs ${tcp_on[*]} bit/s)"
echo "UDP 64-byte throughput with/without the collector: $(ratio udp_off udp_on) (runs: ${udp_off[*]} vs ${udp_on[*]} bit/s)"
