#!/usr/bin/env bash
# Runs the real Netdata agent (Debian's netdata package) as its own user, netdata, with ebpfnet.plugin
# installed by scripts/install-netdata-plugin.sh (into a scratch directory), and checks:
#   1. a user outside group netdata cannot run the plugin;
#   2. the agent, started as Debian's systemd unit starts it (user netdata, no capabilities, the unit's
#      capability bounding set plus the installer's drop-in), runs the plugin: the collector's JVM runs as
#      netdata with CAP_BPF and CAP_PERFMON and nothing more, nothing of the plugin runs as root, and the
#      agent's charts carry the TCP traffic we make, and the app charts the stock ebpf.d.conf turns on; its
#      environment is the launcher's fixed one, and another process of user netdata cannot attach to it;
#   3. the same plugin without its file capabilities says DISABLE: the agent disables it, starts it once,
#      and keeps running;
#   4. --uninstall removes what was installed.
#   scripts/netdata-agent-test.sh        (as root; part of scripts/test.sh)
# Skips (with the reason) only on a kernel without CAP_BPF, and fails there too with EBPFNET_REQUIRE_KERNEL_TESTS=1.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
. scripts/setup.sh
ebpfnet_require_packages netdata curl gcc libcap2-bin util-linux
[ "$(id -u)" -eq 0 ] || ebpfnet_die "run it as root (it installs a plugin with file capabilities)"
[ -f ebpf-cli/target/ebpf-cli.jar ] || ./mvnw -B -q -DskipTests package

fail() {
  echo "netdata agent test FAILED: $*" >&2
  [ -z "${log:-}" ] || tail -30 "$log" >&2 2>/dev/null || true
  exit 1
}
IFS=.- read -r major minor _ < /proc/sys/kernel/osrelease
if [ "$major" -lt 5 ] || { [ "$major" -eq 5 ] && [ "$minor" -lt 8 ]; }; then
  reason="Linux $major.$minor has no CAP_BPF/CAP_PERFMON: the plugin cannot run as netdata"
  [ "${EBPFNET_REQUIRE_KERNEL_TESTS:-}" != 1 ] || fail "$reason, but EBPFNET_REQUIRE_KERNEL_TESTS is set"
  echo "netdata agent test SKIPPED: $reason"
  exit 0
fi

work=$(mktemp -d /tmp/ebpfnet-netdata.XXXXXX)
chmod 0755 "$work" # the agent's user walks into it
agent=""
cleanup() {
  [ -z "$agent" ] || { kill "$agent" 2>/dev/null || true; wait "$agent" 2>/dev/null || true; }
  rm -rf "$work"
}
trap cleanup EXIT
mkdir -p "$work/plugins.d"
scripts/install-netdata-plugin.sh --plugins-dir "$work/plugins.d" --lib-dir "$work/lib" --systemd-dir "$work/systemd"
plugin="$work/plugins.d/ebpfnet.plugin"
jar="$work/lib/ebpf-cli.jar"
wanted=$(printf '%016x' $(( (1 << 38) | (1 << 39) ))) # CAP_PERFMON, CAP_BPF (linux/capability.h)

# 1. Outside group netdata, not even the launcher runs.
if out=$(runuser -u nobody -- "$plugin" 1 2>&1); then fail "nobody ran the plugin: $out"; fi
echo "$out" | grep -q "Permission denied" || fail "nobody's attempt failed otherwise than by permission: $out"
echo "$out" | grep -q "starting the collector" && fail "the collector started for nobody: $out"
echo "a user outside group netdata cannot run the plugin: $out"

# Debian's unit starts the agent as netdata with this bounding set: a file capability outside it is not
# granted, so the installer's drop-in adds CAP_BPF and CAP_PERFMON to it.
bounding_set() {
  sed -n 's/^CapabilityBoundingSet=//p' /lib/systemd/system/netdata.service "$work/systemd/netdata.service.d/ebpfnet.conf" \
    | tr ' ' '\n' | sed -n 's/^CAP_\(.*\)/+\L\1/p' | paste -sd, | sed 's/^/-all,/'
}
[ -f /lib/systemd/system/netdata.service ] || fail "Debian's netdata.service is missing: is this Debian's netdata package?"
bset=$(bounding_set)
echo "$bset" | grep -q "+bpf" && echo "$bset" | grep -q "+perfmon" || fail "the drop-in does not add the capabilities: $bset"

# A port no socket uses now, below the ephemeral range (other programs on this host connect all the time).
free_port() {
  local port
  for _ in $(seq 50); do
    port=$(( 20000 + RANDOM % 12000 ))
    ss -Htan "( sport = :$port )" | grep -q . || { echo "$port"; return; }
  done
  fail "no free port found"
}
# Starts the agent as its own user, the way its systemd unit does, and waits for its API; sets agent, api,
# log. A port taken between our look and the agent's bind is tried again with another.
start_agent() {
  local run=$1 port
  mkdir -p "$run"/{conf/ebpf.d,cache,lib,log}
  # Debian's stock ebpf.d.conf (stock config below) says apps = yes and update every = 5; a user network.conf
  # overrides its update every, as ebpf.plugin lets each thread's file do, and leaves apps = yes standing.
  printf '[global]\n    update every = 1\n' > "$run/conf/ebpf.d/network.conf"
  chown -R netdata:netdata "$run"
  log="$run/log/error.log"
  for _ in 1 2 3 4 5; do
    port=$(free_port)
    rm -f "$log"
    cat > "$run/netdata.conf" <<CONF
[global]
    hostname = ebpfnet-test
    update every = 1
    memory mode = ram
    debug log = $run/log/debug.log
    error log = $run/log/error.log
    access log = none
[directories]
    config = $run/conf
    stock config = /usr/lib/netdata/conf.d
    plugins = $work/plugins.d
    cache = $run/cache
    lib = $run/lib
    log = $run/log
[web]
    bind to = 127.0.0.1:$port
[plugins]
    enable running new plugins = no
    ebpfnet = yes
    proc = no
    diskspace = no
    cgroups = no
    tc = no
    idlejitter = no
    timex = no
    statsd = no
    checks = no
[plugin:ebpfnet]
    update every = 1
[health]
    enabled = no
[ml]
    enabled = no
CONF
    # JAVA_TOOL_OPTIONS stands for what a caller could slip into the JVM: the launcher must not pass it on.
    (cd /tmp && exec env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME="$(getent passwd netdata | cut -d: -f6)" \
      JAVA_TOOL_OPTIONS=-Debpfnet.injected=yes \
      setpriv --reuid=netdata --regid=netdata --init-groups --bounding-set="$bset" -- \
      netdata -D -c "$run/netdata.conf") > "$run/log/stdout.log" 2>&1 &
    agent=$!
    api="http://127.0.0.1:$port/api/v1"
    for _ in $(seq 60); do
      curl -fsS "$api/info" > /dev/null 2>&1 && break
      kill -0 "$agent" 2>/dev/null || break
      sleep 1
    done
    kill -0 "$agent" 2>/dev/null && break
    wait "$agent" || true
    agent=""
    grep -q "Cannot listen on any API socket" "$log" || fail "the agent exited at start"
    echo "port $port was taken as the agent started; trying another"
  done
  [ -n "$agent" ] || fail "the agent found no free port in 5 tries"
  curl -fsS "$api/info" > /dev/null || fail "the agent's API does not answer within 60 s"
  local status=/proc/$agent/status
  [ "$(awk '/^Uid:/ { print $2 }' "$status")" = "$(id -u netdata)" ] || fail "the agent does not run as netdata"
  [ "$(awk '/^CapEff:/ { print $2 }' "$status")" = 0000000000000000 ] || fail "the agent has capabilities: $(grep ^Cap "$status")"
}
stop_agent() {
  kill "$agent" 2>/dev/null || true
  wait "$agent" 2>/dev/null || true
  agent=""
}
# Processes running our installed jar: "user pid".
collectors() {
  ps -eo user:32=,pid=,args= | awk -v jar="$jar" 'index($0, "-jar " jar " ") { print $1, $2 }'
}

# 2. With the capabilities.
start_agent "$work/with-caps"
# The plugin's charts appear once it has loaded its programs (up to a minute on a slow machine),
# one after another: wait until every one is there.
expected="ip.inbound_conn ip.tcp_outbound_conn ip.tcp_functions ip.total_tcp_bandwidth ip.tcp_retransmit ip.udp_functions ip.total_udp_bandwidth"
missing=$expected
for _ in $(seq 90); do
  charts=$(curl -fsS "$api/charts" 2>/dev/null || true)
  missing=""
  for chart in $expected; do
    echo "$charts" | grep -q "\"$chart\"" || missing="$missing $chart"
  done
  [ -n "$missing" ] || break
  sleep 1
done
[ -z "$missing" ] || fail "charts not in the agent after 90 s:$missing"
kill -0 "$agent" 2>/dev/null || fail "the agent exited"
echo "agent has every chart of ebpfnet.plugin"

running=$(collectors)
[ "$(echo "$running" | grep -c .)" -eq 1 ] || fail "expected one collector JVM, found: ${running:-none}"
read -r user pid <<< "$running"
[ "$user" = netdata ] || fail "the collector runs as $user, not netdata"
status=$(grep -E '^(Uid|CapPrm|CapEff|CapAmb):' /proc/"$pid"/status)
echo "collector JVM pid $pid, user $user:"; echo "$status"
for set in CapPrm CapEff; do
  [ "$(echo "$status" | awk -v s="$set:" '$1 == s { print $2 }')" = "$wanted" ] ||
    fail "$set of the collector is not CAP_BPF + CAP_PERFMON alone ($wanted): $status"
done
[ "$(ps -o comm= -p "$pid")" = java ] || fail "the plugin's process is not the JVM (the launcher should exec it)"
environment=$(tr '\0' '\n' < /proc/"$pid"/environ | sort)
[ "$(echo "$environment" | cut -d= -f1 | paste -sd' ')" = "GLIBC_TUNABLES LANG MALLOC_ARENA_MAX MALLOC_MMAP_THRESHOLD_ NETDATA_STOCK_CONFIG_DIR NETDATA_USER_CONFIG_DIR PATH" ] ||
  fail "the collector's environment is not the launcher's fixed one plus the agent's configuration directories: $environment"
echo "$environment" | grep -qx "NETDATA_USER_CONFIG_DIR=$work/with-caps/conf" || fail "not the agent's user config directory: $environment"
# apps = yes from the stock ebpf.d.conf: the agent's own process group (Netdata's apps_groups.conf: netdata) is charted.
app_chart=no
for _ in $(seq 30); do
  charts=$(curl -fsS "$api/charts" 2>/dev/null || true)
  if grep -q '"app\.netdata_ebpf_call_tcp_sendmsg"' <<< "$charts"; then app_chart=yes; break; fi
  sleep 1
done
[ "$app_chart" = yes ] || fail "no app chart: apps = yes in the stock ebpf.d.conf was not applied"
echo "agent has the app charts that the stock ebpf.d.conf turns on"
# Nothing the agent started (plugins, their children) runs as root.
tree=$(ps -eo pid=,ppid=,user:32=,comm= | awk -v top="$agent" '
  { parent[$1] = $2; line[$1] = $0 }
  END { for (p in parent) { q = p; while (q in parent && q != top) q = parent[q]; if (q == top) print line[p] } }')
echo "$tree" | awk '$3 == "root"' | grep -q . && fail "processes of the agent run as root: $tree"
echo "$tree" | awk '$4 == "java"' | grep -q "$pid" || fail "the collector ($pid) is not the agent's: $tree"

# Our own HTTP requests to the agent are TCP traffic the plugin counts.
for _ in $(seq 40); do curl -fsS "$api/info" > /dev/null; sleep 0.1; done
sleep 3
data=$(curl -fsS "$api/data?chart=ip.tcp_functions&after=-6&points=6&group=max&format=json&options=abs")
echo "ip.tcp_functions, last 6 s: $data" | head -c 600; echo
compact=$(echo "$data" | tr -d ' \n')
echo "$compact" | grep -q '"labels":\["time","received","sent","closed"\]' || fail "ip.tcp_functions dimensions: $data"
# Some second has a non-zero 'sent' rate: our requests, counted by the plugin, rated by the agent.
echo "$compact" | grep -Eq '\[[0-9]+,[0-9.]+,[1-9][0-9.]*' || fail "no TCP sends seen by the agent: $data"
# Another process of the agent's user cannot attach to the JVM (and load its code there, with the
# capabilities): jcmd is refused. The SIGQUIT it sends makes the JVM print a thread dump, on stderr: the
# plugin protocol on stdout is untouched and the agent keeps the same collector.
if out=$(cd /tmp && runuser -u netdata -- "$JAVA_HOME/bin/jcmd" "$pid" VM.version 2>&1); then
  fail "a process of user netdata attached to the collector's JVM: $out"
fi
echo "jcmd as netdata cannot attach to the collector: $(echo "$out" | grep -m1 -i exception | cut -c1-160)"
sleep 2
kill -0 "$pid" 2>/dev/null || fail "the collector died when jcmd tried to attach"
grep -q "Full thread dump" "$log" || fail "no thread dump on the collector's stderr after jcmd's SIGQUIT"
grep -q "disconnected after" "$log" && fail "the agent lost the collector after jcmd's SIGQUIT"
stop_agent
[ -z "$(collectors)" ] || fail "the collector outlived the agent: $(collectors)"
echo "the agent ran the plugin as netdata, with CAP_BPF + CAP_PERFMON in the collector's JVM alone"

# 3. Without the file capabilities: DISABLE, and no restarts. Netdata 1.37 starts a failed plugin again
# 10 update intervals later (10 s here; measured with a plugin that exits 1): 30 s leaves room for two.
setcap -r "$plugin"
start_agent "$work/without-caps"
for _ in $(seq 60); do
  grep -q "plugin called DISABLE" "$log" 2>/dev/null && break
  sleep 1
done
grep -q "plugin called DISABLE" "$log" || fail "the agent did not see DISABLE within 60 s"
sleep 30
kill -0 "$agent" 2>/dev/null || fail "the agent exited"
starts=$(grep -c "ebpfnet.plugin: starting the collector" "$log" || true)
grep -E "PLUGINSD\[ebpfnet\]|^ebpfnet.plugin:|^error:" "$log" | cut -c1-300
[ "$starts" -eq 1 ] || fail "the plugin was started $starts times"
grep -q "lacks \[CAP_BPF, CAP_PERFMON\]" "$log" || fail "the collector did not say which capabilities it lacks"
[ -z "$(collectors)" ] || fail "a collector runs without capabilities: $(collectors)"
stop_agent
echo "without its capabilities the plugin said DISABLE and the agent started it once in 30 s"

# 4. Uninstall.
scripts/install-netdata-plugin.sh --uninstall --plugins-dir "$work/plugins.d" --lib-dir "$work/lib" --systemd-dir "$work/systemd"
[ ! -e "$plugin" ] && [ ! -e "$jar" ] && [ ! -e "$work/lib/jvm.options" ] && [ ! -e "$work/systemd/netdata.service.d/ebpfnet.conf" ] ||
  fail "--uninstall left files behind"
echo "netdata agent test passed (agent $(netdata -v 2>&1 | head -1))"
