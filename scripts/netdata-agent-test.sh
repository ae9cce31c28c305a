#!/usr/bin/env bash
# Runs the real Netdata agent (Debian's netdata package) with ebpfnet.plugin as its external plugin,
# makes some TCP traffic, and reads the plugin's charts back through the agent's HTTP API.
#   scripts/netdata-agent-test.sh        (as root; part of scripts/test.sh)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
. scripts/setup.sh
ebpfnet_require_packages netdata curl
[ -f ebpf-cli/target/ebpf-cli.jar ] || ./mvnw -B -q -DskipTests package

work=$(mktemp -d /tmp/ebpfnet-netdata.XXXXXX)
mkdir -p "$work"/{plugins.d,conf,cache,lib,log}
cp ebpf-cli/plugins.d/ebpfnet.plugin "$work/plugins.d/"
# Debian's stock ebpf.d.conf (stock config below) says apps = yes and update every = 5; a user network.conf
# overrides its update every, as ebpf.plugin lets each thread's file do, and leaves apps = yes standing.
mkdir -p "$work/conf/ebpf.d"
printf '[global]\n    update every = 1\n' > "$work/conf/ebpf.d/network.conf"
port=$(( 20000 + RANDOM % 20000 ))
cat > "$work/netdata.conf" <<CONF
[global]
    run as user = root
    hostname = ebpfnet-test
    update every = 1
    memory mode = ram
    debug log = $work/log/debug.log
    error log = $work/log/error.log
    access log = none
[directories]
    config = $work/conf
    stock config = /usr/lib/netdata/conf.d
    plugins = $work/plugins.d
    cache = $work/cache
    lib = $work/lib
    log = $work/log
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

EBPFNET_JAR="$root/ebpf-cli/target/ebpf-cli.jar" netdata -D -c "$work/netdata.conf" > "$work/log/stdout.log" 2>&1 &
agent=$!
cleanup() { kill "$agent" 2>/dev/null || true; wait "$agent" 2>/dev/null || true; }
trap cleanup EXIT
api="http://127.0.0.1:$port/api/v1"
fail() {
  echo "netdata agent test FAILED: $*" >&2
  tail -30 "$work/log/error.log" >&2 2>/dev/null || true
  exit 1
}

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
# apps = yes from the stock ebpf.d.conf: the agent's own process group (Netdata's apps_groups.conf: netdata) is charted.
app_chart=no
for _ in $(seq 30); do
  charts=$(curl -fsS "$api/charts" 2>/dev/null || true)
  if grep -q '"app\.netdata_ebpf_call_tcp_sendmsg"' <<< "$charts"; then app_chart=yes; break; fi
  sleep 1
done
[ "$app_chart" = yes ] || fail "no app chart: apps = yes in the stock ebpf.d.conf was not applied"
echo "agent has the app charts that the stock ebpf.d.conf turns on"

# Our own HTTP requests to the agent are TCP traffic the plugin counts.
for _ in $(seq 40); do curl -fsS "$api/info" > /dev/null; sleep 0.1; done
sleep 3
data=$(curl -fsS "$api/data?chart=ip.tcp_functions&after=-6&points=6&group=max&format=json&options=abs")
echo "ip.tcp_functions, last 6 s: $data" | head -c 600; echo
compact=$(echo "$data" | tr -d ' \n')
echo "$compact" | grep -q '"labels":\["time","received","sent","closed"\]' || fail "ip.tcp_functions dimensions: $data"
# Some second has a non-zero 'sent' rate: our requests, counted by the plugin, rated by the agent.
echo "$compact" | grep -Eq '\[[0-9]+,[0-9.]+,[1-9][0-9.]*' || fail "no TCP sends seen by the agent: $data"
echo "netdata agent test passed (agent $(netdata -v 2>&1 | head -1), port $port)"
