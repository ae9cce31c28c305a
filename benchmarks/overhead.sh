#!/usr/bin/env bash
# The collector's cost on the traffic it watches (needs root).
#   benchmarks/overhead.sh [--quick] [RUNS] [SECONDS]     (defaults: 6 runs of 5 s)
#  1. Throughput (skipped with --quick): loopback TCP with 64-byte messages and UDP with 64-byte
#     datagrams (iperf3) without BPF, with the collector attached, and with the one-lookup reference
#     below, alternated RUNS times; prints the median of the rounds' ratios (goal >= 0.9).
#     kernel.bpf_stats_enabled stays off here: it costs time of its own.
#  2. Kernel cost (kernel.bpf_stats_enabled: run_time_ns / run_cnt deltas per program, from bpftool),
#     RUNS rounds on two workloads: a steady 64-byte iperf3 TCP stream, and connection churn
#     (benchmarks/c/churn.c: loopback connect, send 4 bytes, close, as fast as it goes). In every round
#     the collector and the reference (benchmarks/c/overhead_reference.bpf.c: a per-process byte counter,
#     one PERCPU_HASH lookup by TGID, on tp_btf/sock_send_length and sock_recv_length, plus an empty
#     program) are attached AT THE SAME TIME, so both see the same events on the same tracepoints in
#     the same run: the VM is too noisy to compare runs. Programs on one tracepoint run in attach order,
#     and the first one pays cache misses the next ones do not (about 50 ns here), so the rounds alternate
#     the order (odd rounds: reference first; even rounds: collector first; a program that reads the
#     socket's family and protocol always runs before both) and the ratios are the geometric mean over
#     the rounds, in which each order counts the same: use an even RUNS.
#     The collector's programs are those its process holds (prog ids from /proc/PID/fdinfo), whatever
#     their names; those named *send_length / *recv_length are its send/recv event programs. Prints ns
#     per event and the ratio to the reference on the same tracepoint (goals: steady <= 1.3x, churn <= 2x)
#     and, under churn, the BPF ns per short connection summed over all the collector's programs.
#     Other BPF users on the machine add events to the same tracepoints; the ratios stay fair (both
#     programs see them), the ns per connection does not.
#  3. The same kernel cost once more with [network_connections] enabled = false (no connection tables).
# Everything started here is stopped on exit; kernel.bpf_stats_enabled is set back to 0.
set -euo pipefail
cd "$(dirname "$0")/.."
quick=no
if [ "${1:-}" = --quick ]; then
  quick=yes
  shift
fi
runs=${1:-6}
secs=${2:-5}
. scripts/setup.sh
command -v iperf3 >/dev/null || ebpfnet_apt_install iperf3
command -v bpftool >/dev/null || ebpfnet_apt_install bpftool
command -v jq >/dev/null || ebpfnet_apt_install jq
[ -f ebpf-cli/target/ebpf-cli.jar ] || ./mvnw -B -q -DskipTests install
out=benchmarks/target/results
mkdir -p "$out"
bpf-src/compile-bpf.sh benchmarks/c/overhead_reference.bpf.c "$out/overhead_reference.bpf.o"
bpf-src/compile-bpf.sh benchmarks/c/overhead_reference.bpf.c "$out/overhead_warm.bpf.o" -DWARM_ONLY
gcc -O2 -Wall -o "$out/overhead_reference" benchmarks/c/overhead_reference.c -lbpf
gcc -O2 -Wall -o "$out/churn" benchmarks/c/churn.c

collector_pid=
reference_pid=
warmer_pid=
pidfile=$(mktemp)
cleanup() {
  local p
  for p in $collector_pid $reference_pid $warmer_pid; do
    kill "$p" 2>/dev/null && wait "$p" 2>/dev/null
  done
  [ -s "$pidfile" ] && kill "$(cat "$pidfile")" 2>/dev/null
  rm -f "$pidfile"
  sysctl -q kernel.bpf_stats_enabled=0
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# An iperf3 server of our own, on a free port (other people's iperf3 may hold the default one).
port=
for p in $(seq 5301 5399); do
  ss -Htln "sport = :$p" | grep -q . || { port=$p; break; }
done
[ -n "$port" ] || ebpfnet_die "no free TCP port in 5301-5399 for iperf3"
iperf3 -s -D -p "$port" --pidfile "$pidfile" >/dev/null
sleep 0.5

bits() { awk -F: '/"bits_per_second"/ {v=$2} END {gsub(/[ ,]/, "", v); print v}'; }
tcp() { iperf3 -c 127.0.0.1 -p "$port" -l 64 -t "$secs" -J | bits; }
udp() { iperf3 -c 127.0.0.1 -p "$port" -u -b 0 -l 64 -t "$secs" -J | bits; }
churn() { "$out/churn" "$secs" | tee -a "$out/overhead-churn.log" | awk '{print $1}'; }

# The BPF programs a process holds: prog ids of its bpf-prog and bpf_link descriptors.
prog_ids() {
  local f
  for f in /proc/"$1"/fd/*; do
    case $(readlink "$f" 2>/dev/null) in
      anon_inode:bpf-prog | anon_inode:bpf_link) awk '$1 == "prog_id:" {print $2}' /proc/"$1"/fdinfo/"${f##*/}" 2>/dev/null ;;
    esac
  done | sort -nu | tr '\n' ' '
}
# Waits until process $1 holds BPF programs and their set stays the same for a second.
wait_attached() {
  local last= now i
  for i in $(seq 60); do
    kill -0 "$1" 2>/dev/null || return 1
    now=$(prog_ids "$1")
    [ -n "$now" ] && [ "$now" = "$last" ] && return 0
    last=$now
    sleep 1
  done
  return 1
}
collector() {
  "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -jar ebpf-cli/target/ebpf-cli.jar --interval 3600 "$@" \
    > "$out/overhead-collector.log" 2>&1 &
  collector_pid=$!
  wait_attached "$collector_pid" || { echo "the collector did not attach (ebpf-cli $*): $out/overhead-collector.log" >&2; exit 1; }
}
reference() {
  "$out/overhead_reference" "$out/overhead_reference.bpf.o" > "$out/overhead-reference.log" 2>&1 &
  reference_pid=$!
  wait_attached "$reference_pid" || { echo "the reference did not attach: $out/overhead-reference.log" >&2; exit 1; }
}
# The cache-warming programs alone, for rounds where the collector attaches before the reference.
warmer() {
  "$out/overhead_reference" "$out/overhead_warm.bpf.o" > "$out/overhead-warm.log" 2>&1 &
  warmer_pid=$!
  wait_attached "$warmer_pid" || { echo "the warming programs did not attach: $out/overhead-warm.log" >&2; exit 1; }
}
stop() {
  local p
  for p in "$@"; do
    kill "$p" 2>/dev/null || true
    wait "$p" 2>/dev/null || true
  done
}
median() { sort -g | awk '{v[NR] = $1} END {if (NR == 0) print "n/a"; else print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }

# "id name run_time_ns run_cnt" of every program on the machine.
stats() { bpftool prog show -j | jq -r '.[] | "\(.id) \(.name // "-") \(.run_time_ns // 0) \(.run_cnt // 0)"'; }

# report WORKLOAD GOAL CONNECTIONS TAG < (before, after): per-program deltas of the collector's and the
# reference's programs, the collector's send/recv programs as ratios to the reference's, and under churn
# (CONNECTIONS > 0) the collector's total ns per connection. Appends "TAG WORKLOAD FIGURE VALUE" records.
report() {
  awk -v cids="$collector_ids" -v rids="$reference_ids" -v workload="$1" -v goal="$2" -v conns="$3" -v tag="$4" \
      -v records="$out/overhead-records.txt" '
    FNR == NR { t0[$1] = $3; c0[$1] = $4; next }
    { name[$1] = $2; t[$1] = $3 - t0[$1]; c[$1] = $4 - c0[$1] }
    function per(id) { return c[id] > 0 ? t[id] / c[id] : 0 }
    function line(who, id, extra) { printf "  %-9s %-26s %10d events %8.1f ns/event%s\n", who, name[id], c[id], per(id), extra }
    END {
      nr = split(rids, r, " "); nc = split(cids, cc, " ")
      for (i = 1; i <= nr; i++) {
        id = r[i]; line("reference", id, "")
        if (name[id] == "ref_send_length") { send = per(id); sends = c[id] }
        if (name[id] == "ref_recv_length") recv = per(id)
      }
      total = 0; matched = 0
      for (i = 1; i <= nc; i++) {
        id = cc[i]; total += t[id]; extra = ""; base = 0; kind = ""
        if (name[id] ~ /send_length$/) { base = send; kind = "send" }
        if (name[id] ~ /recv_length$/) { base = recv; kind = "recv" }
        if (kind != "" && base > 0 && c[id] > 0) {
          ratio = per(id) / base; matched++
          extra = sprintf("  %5.2fx the reference (goal <= %sx)", ratio, goal)
          printf "%s %s %s %.4f\n", tag, workload, kind, ratio >> records
        }
        line("collector", id, extra)
      }
      if (matched == 0) print "  (no collector program named *send_length/*recv_length with events: no ratio)"
      if (conns > 0) {
        printf "  collector, all %d programs: %.0f ns of BPF per connection (%d connections)\n", nc, total / conns, conns
        printf "%s %s per_connection %.1f\n", tag, workload, total / conns >> records
        if (sends > 1.2 * conns)
          printf "  warning: %d send events for %d connections: other traffic ran on this machine and is counted in the ns per connection\n", sends, conns
      }
    }' "$out/stats.before" "$out/stats.after"
}
# measure WORKLOAD GOAL TAG: runs the workload between two snapshots of the programs' statistics.
measure() {
  local conns=0
  sysctl -q kernel.bpf_stats_enabled=1
  stats > "$out/stats.before"
  case $1 in
    steady) tcp > /dev/null ;;
    churn) conns=$(churn) ;;
  esac
  stats > "$out/stats.after"
  [ "$(sysctl -n kernel.bpf_stats_enabled)" = 1 ] ||
    echo "  warning: someone else set kernel.bpf_stats_enabled to 0 during this run: its figures are short" >&2
  case $1 in
    steady) echo " steady: 64-byte iperf3 TCP stream, $secs s" ;;
    churn) echo " churn: $(tail -n 1 "$out/overhead-churn.log")" ;;
  esac
  report "$1" "$2" "$conns" "$3"
}
# cost_round TAG ORDER [collector options]: the reference (with its cache-warming programs) and the
# collector attached together over both workloads; ORDER says which attaches first.
cost_round() {
  local tag=$1 order=$2
  shift 2
  if [ "$order" = reference-first ]; then
    reference
    collector "$@"
  else
    warmer
    collector "$@"
    reference
  fi
  collector_ids=$(prog_ids "$collector_pid")
  reference_ids=$(prog_ids "$reference_pid")
  measure steady 1.3 "$tag" | tee -a "$out/overhead-programs.txt"
  measure churn 2 "$tag" | tee -a "$out/overhead-programs.txt"
  stop "$collector_pid" "$reference_pid" ${warmer_pid:+"$warmer_pid"}
  collector_pid= reference_pid= warmer_pid=
}

sysctl -q kernel.bpf_stats_enabled=0
: > "$out/overhead-ratios.txt"
if [ "$quick" = no ]; then
  for r in $(seq "$runs"); do
    tcp_off=$(tcp); udp_off=$(udp)
    collector
    tcp_on=$(tcp); udp_on=$(udp)
    stop "$collector_pid"; collector_pid=
    reference
    tcp_ref=$(tcp); udp_ref=$(udp)
    stop "$reference_pid"; reference_pid=
    echo "$tcp_off $tcp_on $udp_off $udp_on $tcp_ref $udp_ref" | tee -a "$out/overhead-ratios.txt" |
      awk -v r="$r" '{printf "round %d: TCP %.0f bit/s, collector %.3f, reference %.3f; UDP %.0f bit/s, collector %.3f, reference %.3f\n",
        r, $1, $2 / $1, $5 / $1, $3, $4 / $3, $6 / $3}'
  done
fi

: > "$out/overhead-records.txt"
: > "$out/overhead-churn.log"
# Not a pipeline: cost_round must run in this shell, so that cleanup knows what it started.
: > "$out/overhead-programs.txt"
order() { if [ $(($1 % 2)) = 1 ]; then echo reference-first; else echo collector-first; fi; }
for r in $(seq "$runs"); do
  echo "kernel cost, round $r of $runs (collector and reference attached together, $(order "$r")):" | tee -a "$out/overhead-programs.txt"
  cost_round default "$(order "$r")"
done
printf '[network_connections]\nenabled = false\n' > "$out/no-connections.toml"
for r in 1 2; do
  echo "the same with [network_connections] enabled = false (no connection tables), $(order "$r"):" | tee -a "$out/overhead-programs.txt"
  cost_round no-connections "$(order "$r")" --config "$out/no-connections.toml"
done
sysctl -q kernel.bpf_stats_enabled=0

# records TAG WORKLOAD FIGURE [FORMAT]: the median over the rounds of one figure.
records() { awk -v tag="$1" -v w="$2" -v f="$3" '$1 == tag && $2 == w && $3 == f {print $4}' "$out/overhead-records.txt" | median |
  awk -v fmt="${4:-%.2f}" '{print ($1 == "n/a") ? $1 : sprintf(fmt, $1)}'; }
# ratios TAG WORKLOAD FIGURE: the geometric mean over the rounds of one ratio (both attach orders count the same).
ratios() { awk -v tag="$1" -v w="$2" -v f="$3" '$1 == tag && $2 == w && $3 == f && $4 > 0 {s += log($4); n++}
  END {if (n) printf "%.2f", exp(s / n); else print "n/a"}' "$out/overhead-records.txt"; }
{
  if [ "$quick" = no ]; then
    echo "TCP 64-byte throughput with/without the collector, median of $runs rounds: $(awk '{print $2 / $1}' "$out/overhead-ratios.txt" | median)"
    echo "UDP 64-byte throughput with/without the collector, median of $runs rounds: $(awk '{print $4 / $3}' "$out/overhead-ratios.txt" | median)"
    echo "the same with the one-lookup reference instead: TCP $(awk '{print $5 / $1}' "$out/overhead-ratios.txt" | median), UDP $(awk '{print $6 / $3}' "$out/overhead-ratios.txt" | median)"
  fi
  echo "collector / reference ns per event, geometric mean of $runs rounds in alternating attach order (same tracepoints, same run):"
  echo "  steady: send $(ratios default steady send)x, recv $(ratios default steady recv)x (goal <= 1.3x)"
  echo "  churn:  send $(ratios default churn send)x, recv $(ratios default churn recv)x (goal <= 2x)"
  echo "  churn:  $(records default churn per_connection %.0f) ns of BPF per connection (median), all the collector's programs"
  echo "  without connection tables: steady send $(ratios no-connections steady send)x, recv $(ratios no-connections steady recv)x;" \
    "churn send $(ratios no-connections churn send)x, recv $(ratios no-connections churn recv)x," \
    "$(records no-connections churn per_connection %.0f) ns per connection"
} | tee "$out/overhead-summary.txt"
