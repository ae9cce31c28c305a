#!/usr/bin/env bash
# Soak test: runs the CLI jar (ebpf-cli/target/ebpf-cli.jar, as users run it: java -jar, as root) for
# MINUTES (default 10) under connection churn on loopback, thousands of short-lived processes that each
# open a TCP connection, and Prometheus scrapes; prints the collector's figures every minute and checks
# them at the end:
#   RSS       after the warm-up (the first 2 minutes; the first 1 of runs shorter than 4) it grows by at
#             most 10 % over its value at the end of the warm-up
#   fds       the same count at every minute after the warm-up
#   BPF       the programs, maps and links the collector holds (its /proc/PID/fd links to
#             anon_inode:bpf-prog, bpf-map, bpf_link) the same at every minute
#   refused   ebpfnet_refused_inserts_total (every table, default sizes) and ebpfnet_insert_failures_total
#             (inserts the kernel failed with room in the table): 0 at the end
#   rows      (when bpftool is there) the rows of the `processes` map stay below its size: exited
#             processes' rows are freed
# and the collector must still be running. Exits 1 with a "soak: FAIL" line per failed check.
# The CLI has no configuration reload (SIGHUP stops it, as SIGTERM does): there is none to exercise.
# The JVM's heap is fixed (SOAK_JAVA_OPTS, default -Xms256m -Xmx256m -XX:+AlwaysPreTouch): with the default
# heap, G1 commits more heap as it goes (measured on a busy 2-CPU VM: RSS 322,740 kB at minute 2, 423,972 kB at
# minute 11, with 393 MB of heap committed and 67 MB of it in use), which says how G1 sizes a heap on a busy
# machine, not whether the collector leaks; with the heap committed up front, RSS growth is the collector's
# native memory, metaspace, threads and code.
# Environment: SOAK_DIR (work directory, default a new one under /tmp), SOAK_CONNECTIONS_PER_SECOND
# (default 200), SOAK_PROCESSES_PER_SECOND (default 20), SOAK_SAMPLE_SECONDS (default 60: one "minute"),
# SOAK_JAVA_OPTS (the collector JVM's options; empty: the JVM's defaults).
# The body is one compound command, read whole before it runs: editing this file during a run (an hour)
# cannot change what the run does next.
{
set -euo pipefail
cd "$(dirname "$0")/.."
minutes=${1:-10}
case "$minutes" in '' | *[!0-9]* | 0) echo "usage: scripts/soak.sh [MINUTES >= 1]" >&2; exit 2 ;; esac
. scripts/setup.sh
[ "$(id -u)" -eq 0 ] || { echo "soak: needs root (the collector loads BPF programs)" >&2; exit 2; }
[ -f ebpf-cli/target/ebpf-cli.jar ] || { echo "soak: build the jar first (./mvnw -B -DskipTests package)" >&2; exit 2; }
for tool in python3 curl; do
  command -v "$tool" >/dev/null || { echo "soak: $tool is needed" >&2; exit 2; }
done

sample=${SOAK_SAMPLE_SECONDS:-60}
conn_rate=${SOAK_CONNECTIONS_PER_SECOND:-200}
proc_rate=${SOAK_PROCESSES_PER_SECOND:-20}
warmup=$(( minutes >= 4 ? 2 : 1 ))
dir=${SOAK_DIR:-$(mktemp -d /tmp/ebpfnet-soak.XXXXXX)}
mkdir -p "$dir"
# A copy: rebuilding the jar while the soak runs must not change the running collector's classes.
cp ebpf-cli/target/ebpf-cli.jar "$dir/ebpf-cli.jar"

pids=()
cleanup() {
  local p
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap cleanup EXIT

# The collector: JSON every 5 s (the default interval) to a file that keeps only the last output.
# shellcheck disable=SC2086 # options are words
"$JAVA_HOME/bin/java" ${SOAK_JAVA_OPTS--Xms256m -Xmx256m -XX:+AlwaysPreTouch} -jar "$dir/ebpf-cli.jar" --format json --prometheus 127.0.0.1:0 \
  2> "$dir/collector.err" | python3 -u -c '
import sys
for line in sys.stdin:
    with open(sys.argv[1] + ".tmp", "w") as f: f.write(line)
    __import__("os").replace(sys.argv[1] + ".tmp", sys.argv[1])' "$dir/last.json" &
pids+=($!)
collector=""
for _ in $(seq 1 120); do
  collector=$(pgrep -f -n "^$JAVA_HOME/bin/java .*-jar $dir/ebpf-cli.jar" || true)
  url=$(sed -n 's|.*Prometheus metrics at \(http://[^ ]*\)|\1|p' "$dir/collector.err")
  [ -n "$collector" ] && [ -n "$url" ] && break
  sleep 0.5
done
if [ -z "$collector" ] || [ -z "$url" ]; then
  echo "soak: FAIL: the collector did not start:" >&2; cat "$dir/collector.err" >&2; exit 1
fi
pids+=("$collector")
echo "soak: collector pid $collector, $url, $minutes min, warm-up $warmup min, work directory $dir, JVM options: ${SOAK_JAVA_OPTS--Xms256m -Xmx256m -XX:+AlwaysPreTouch}"

# Load: an echo server on loopback, a client that opens and closes conn_rate connections a second, and
# (below) proc_rate short-lived processes a second, each sending a byte through its own connection.
python3 -u - "$dir/port" "$dir/connections" "$conn_rate" > "$dir/load.log" 2>&1 <<'EOF' &
import os, socket, sys, threading, time
port_file, count_file, rate = sys.argv[1], sys.argv[2], int(sys.argv[3])
srv = socket.socket(); srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind(("127.0.0.1", 0)); srv.listen(1024)
def echo(c):
    with c:
        c.settimeout(10)
        try:
            while data := c.recv(4096):
                c.sendall(data)
        except OSError:
            pass
def serve():
    while True:
        c, _ = srv.accept()
        threading.Thread(target=echo, args=(c,), daemon=True).start()
threading.Thread(target=serve, daemon=True).start()
port = srv.getsockname()[1]
with open(port_file + ".tmp", "w") as f: f.write(str(port))
os.replace(port_file + ".tmp", port_file)
done, start = 0, time.monotonic()
while True:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=10) as c:
            c.sendall(b"x" * 100)
            got = 0
            while got < 100:
                got += len(c.recv(100 - got) or b"!" * 100)
        done += 1
    except OSError as e:
        print("churn:", e, flush=True)
    if done % 100 == 0:
        with open(count_file, "w") as f: f.write(str(done))
    ahead = done / rate - (time.monotonic() - start)
    if ahead > 0:
        time.sleep(ahead)
EOF
pids+=($!)
for _ in $(seq 1 50); do [ -s "$dir/port" ] && break; sleep 0.2; done
port=$(cat "$dir/port")
(
  n=0
  while true; do
    for _ in $(seq 1 "$proc_rate"); do
      bash -c "exec 3<>/dev/tcp/127.0.0.1/$port && printf y >&3 && read -r -n 1 -t 5 <&3" 2>/dev/null || true
      n=$((n + 1))
    done
    echo "$n" > "$dir/processes"
    sleep 1
  done
) &
pids+=($!)

fds_of() { ls "/proc/$collector/fd" 2>/dev/null | wc -l; }
bpf_of() { # programs maps links
  local p=0 m=0 l=0 t
  for t in $(find "/proc/$collector/fd" -mindepth 1 -maxdepth 1 -printf '%l\n' 2>/dev/null); do
    case "$t" in anon_inode:bpf-prog) p=$((p + 1)) ;; anon_inode:bpf-map) m=$((m + 1)) ;; anon_inode:bpf_link) l=$((l + 1)) ;; esac
  done
  echo "$p $m $l"
}
cpu_ticks() { awk '{print $14 + $15}' "/proc/$collector/stat"; }
rss_kb() { awk '/^VmRSS/ {print $2}' "/proc/$collector/status"; }
refused() { # the sum over every table, full or failed, from the last scrape
  awk '/^ebpfnet_(refused_inserts|insert_failures)_total/ {s += $NF} END {print s + 0}' "$dir/metrics"
}
process_rows() { # rows in the collector's `processes` map, and its size, with bpftool
  command -v bpftool >/dev/null || { echo "- -"; return; }
  local ids
  ids=$(grep -h '^map_id:' "/proc/$collector"/fdinfo/* 2>/dev/null | awk '{print $2}' | tr '\n' ' ')
  bpftool -j map show 2>/dev/null | python3 -c '
import json, subprocess, sys
ids = {int(i) for i in sys.argv[1].split()}
for m in json.load(sys.stdin):
    if m.get("name") == "processes" and m["id"] in ids:
        dump = subprocess.run(["bpftool", "-j", "map", "dump", "id", str(m["id"])], capture_output=True, text=True).stdout
        print(len(json.loads(dump or "[]")), m["max_entries"]); break
else:
    print("- -")' "$ids"
}

hz=$(getconf CLK_TCK)
printf 'soak: %6s %9s %6s %5s %5s %5s %5s %8s %13s %11s %10s\n' minute rss_kb cpu_% fds progs maps links refused process_rows connections processes
declare -a rss_at fds_at bpf_at
ticks=$(cpu_ticks)
fail=0
for minute in $(seq 1 "$minutes"); do
  end=$(( $(date +%s) + sample ))
  while [ "$(date +%s)" -lt "$end" ]; do
    kill -0 "$collector" 2>/dev/null || { echo "soak: FAIL: the collector exited at minute $minute:" >&2; tail -20 "$dir/collector.err" >&2; exit 1; }
    curl -sf -o "$dir/metrics.tmp" "$url" && mv "$dir/metrics.tmp" "$dir/metrics" || echo "soak: scrape failed at minute $minute" >&2
    sleep 2
  done
  now=$(cpu_ticks)
  cpu=$(awk -v d=$((now - ticks)) -v hz="$hz" -v s="$sample" 'BEGIN {printf "%.1f", 100 * d / hz / s}')
  ticks=$now
  rss_at[$minute]=$(rss_kb); fds_at[$minute]=$(fds_of); bpf_at[$minute]=$(bpf_of)
  read -r rows size < <(process_rows)
  printf 'soak: %6d %9d %6s %5d %5s %5s %5s %8d %13s %11s %10s\n' "$minute" "${rss_at[$minute]}" "$cpu" "${fds_at[$minute]}" \
    ${bpf_at[$minute]} "$(refused)" "$rows/$size" "$(cat "$dir/connections" 2>/dev/null || echo 0)" "$(cat "$dir/processes" 2>/dev/null || echo 0)"
  if [ "$rows" != "-" ] && [ "$rows" -ge "$size" ]; then
    echo "soak: FAIL: the processes map is full ($rows of $size rows) at minute $minute: exited processes' rows are not freed"; fail=1
  fi
done

base_rss=${rss_at[$warmup]}
for minute in $(seq "$warmup" "$minutes"); do
  if [ "${rss_at[$minute]}" -gt $(( base_rss * 110 / 100 )) ]; then
    echo "soak: FAIL: RSS ${rss_at[$minute]} kB at minute $minute is more than 10 % over $base_rss kB (end of the warm-up, minute $warmup)"; fail=1
  fi
  if [ "${fds_at[$minute]}" -ne "${fds_at[$warmup]}" ]; then
    echo "soak: FAIL: $((fds_at[$minute])) open fds at minute $minute, ${fds_at[$warmup]} at the end of the warm-up (minute $warmup)"; fail=1
  fi
done
for minute in $(seq 1 "$minutes"); do
  if [ "${bpf_at[$minute]}" != "${bpf_at[1]}" ]; then
    echo "soak: FAIL: BPF programs/maps/links ${bpf_at[$minute]} at minute $minute, ${bpf_at[1]} at minute 1"; fail=1
  fi
done
if [ "$(refused)" -ne 0 ]; then
  echo "soak: FAIL: $(refused) inserts refused or failed at default table sizes:"
  grep -E '^ebpfnet_(refused_inserts|insert_failures)_total' "$dir/metrics"; fail=1
fi
[ "$(cat "$dir/connections" 2>/dev/null || echo 0)" -gt 0 ] || { echo "soak: FAIL: the churn client made no connection"; cat "$dir/load.log"; fail=1; }
if [ "$fail" -ne 0 ]; then
  exit 1
fi
rss_min=$(printf '%s\n' "${rss_at[@]:$warmup}" | sort -n | head -1); rss_max=$(printf '%s\n' "${rss_at[@]:$warmup}" | sort -n | tail -1)
echo "soak: passed ($minutes min): RSS $rss_min-$rss_max kB after the warm-up (base $base_rss kB), fds ${fds_at[$minutes]}," \
  "BPF programs/maps/links ${bpf_at[$minutes]}, 0 refused inserts"
exit 0
}
