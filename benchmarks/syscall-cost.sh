#!/usr/bin/env bash
# What the collector costs every system call of every process on the host, in tracepoint mode (needs
# root): the time of a getppid() (benchmarks/c/syscall_cost.c) without the collector, with it as it
# starts by default, and with --syscall-hooks, whose system-call tracepoints (sys_exit_splice, sys_exit_connect) put
# every system call on the kernel's slow path. The socket hooks add nothing to a call that touches no
# socket, so the default should read as "none". Each figure is the median of RUNS (default 5) alternated
# rounds; the VM is noisy, the difference is what counts.
#   benchmarks/syscall-cost.sh [RUNS]      (JAR: ebpf-cli/target/ebpf-cli.jar)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-5}
java=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/java
jar=ebpf-cli/target/ebpf-cli.jar
work=$(mktemp -d /tmp/ebpfnet-syscall-cost.XXXXXX)
trap 'kill $(jobs -p) 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$work"' EXIT
gcc -O2 -o "$work/syscall_cost" benchmarks/c/syscall_cost.c
median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
# with FLAGS...: the cost while a collector started with FLAGS counts
with() {
  "$java" -jar "$jar" --mode tracepoint --interval 3600 --format json "$@" > /dev/null 2> "$work/err" &
  local collector=$!
  for _ in $(seq 300); do grep -q "programs attached, counting" "$work/err" && break; sleep 0.1; done
  grep -q "programs attached, counting" "$work/err" || { echo "the collector did not start: $(cat "$work/err")" >&2; exit 1; }
  "$work/syscall_cost"
  kill -TERM $collector; wait $collector || true # (a background job ignores SIGINT)
}
for i in $(seq "$runs"); do
  "$work/syscall_cost" >> "$work/none"
  with >> "$work/default"
  with --syscall-hooks >> "$work/splice"
done
none=$(median < "$work/none"); default=$(median < "$work/default"); splice=$(median < "$work/splice")
printf 'getppid() without the collector:                     %6.1f ns\n' "$none"
printf 'with the collector (tracepoint mode, default):       %6.1f ns  (%+.1f)\n' "$default" "$(awk -v a="$default" -v b="$none" 'BEGIN { print a - b }')"
printf 'with --syscall-hooks (a system-call tracepoint): %6.1f ns  (%+.1f)\n' "$splice" "$(awk -v a="$splice" -v b="$none" 'BEGIN { print a - b }')"
