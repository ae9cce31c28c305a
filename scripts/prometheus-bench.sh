#!/usr/bin/env bash
# Benchmarks the --prometheus endpoint over loopback, against the packaged jar running the real
# collector (as root): a scrape while 300 connections each sent half a request and wait; 200
# concurrent scrapers (p99); and the collector's RSS growth under that load. Prints each figure beside
# its goal and exits 1 when a goal is missed (the clients, and what each figure means:
# scripts/prometheus-bench.py). About 1 to 2 minutes.
#   scripts/prometheus-bench.sh                          build the jar if missing, start it, measure
#   scripts/prometheus-bench.sh --url URL --pid PID      measure another endpoint (PID: its process, for RSS)
#   scripts/prometheus-bench.sh --default-heap           the JVM's default heap instead of -Xmx64m (see below)
# Options after those are passed to the clients (--stalled N, --scrapers N, --rounds N, --idle SECONDS).
#
# The collector runs with its heap capped (-Xmx64m) unless --default-heap is given: with the default
# heap (a quarter of this 24 GiB VM) its RSS grows by tens of MiB with no scrape at all, as the JVM
# touches heap pages for the first time while the collector follows the host's process and connection
# churn (+36 and +60 MiB in 20 s unscraped, measured 2026-11-28 on a busy VM): the growth under load
# would then time the JVM's heap sizing, not what the endpoint holds. The clients print the unscraped
# growth beside the loaded one either way.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/setup.sh
command -v python3 >/dev/null 2>&1 || ebpfnet_require_packages python3

if [ "${1:-}" = --url ]; then
  exec python3 scripts/prometheus-bench.py "$@"
fi
heap=(-Xmx64m)
if [ "${1:-}" = --default-heap ]; then
  heap=()
  shift
fi
[ "$(id -u)" -eq 0 ] || ebpfnet_die "the collector needs root (CAP_BPF, CAP_PERFMON): run this as root"
[ -f ebpf-cli/target/ebpf-cli.jar ] || ./mvnw -B -q -DskipTests package

work=$(mktemp -d /tmp/ebpfnet-prometheus-bench.XXXXXX)
printf '[global]\n    apps = yes\n    cgroups = yes\n' > "$work/network.conf"
"$JAVA_HOME/bin/java" "${heap[@]}" -jar ebpf-cli/target/ebpf-cli.jar --prometheus 127.0.0.1:0 --config "$work/network.conf" \
  --interval 1 --lifetime 600 > /dev/null 2> "$work/stderr" &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf "$work"' EXIT
url=""
for _ in $(seq 120); do
  url=$(grep -o 'Prometheus metrics at http://[^ ]*' "$work/stderr" | cut -d' ' -f4 || true)
  [ -n "$url" ] && break
  kill -0 $pid 2>/dev/null || { cat "$work/stderr" >&2; ebpfnet_die "the collector exited"; }
  sleep 0.5
done
[ -n "$url" ] || { cat "$work/stderr" >&2; ebpfnet_die "the collector did not announce its endpoint in 60 s"; }
lines_before=$(wc -l < "$work/stderr")
status=0
echo "collector: java ${heap[*]} -jar ebpf-cli/target/ebpf-cli.jar --prometheus 127.0.0.1:0 --interval 1 (apps, cgroups on)"
python3 scripts/prometheus-bench.py --url "$url" --pid $pid "$@" || status=$?
# The endpoint must stay quiet: nothing on stderr from all those clients.
extra=$(( $(wc -l < "$work/stderr") - lines_before ))
echo "collector stderr lines written during the load: $extra (goal 0)"
if [ "$extra" -ne 0 ]; then
  tail -n "$extra" "$work/stderr" | head -5
  status=1
fi
exit $status
