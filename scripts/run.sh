#!/usr/bin/env bash
# Builds the project (without tests) and runs the CLI as root: with no arguments the live collector
# (printing every 5 s until Ctrl-C), otherwise the arguments given (e.g. scripts/run.sh detect --json).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/setup.sh

./mvnw -B -q -DskipTests package

# The launchers' JVM (scripts/jvm-env.sh) and a start-up cache made by the first run: on Java 25+ an AOT cache
# (written when that run exits; the later runs compile at once what that run compiled, where the JVM has the
# option), before, a class-data archive; see README, Performance.
jar=ebpf-cli/target/ebpf-cli.jar
. scripts/jvm-env.sh
run=("${ebpfnet_jvm[@]}")
if [ "$ebpfnet_jvm_major" -ge 25 ]; then
  # An AOT cache holds for one jar file (its size and time): the jar runs from a copy replaced only when
  # the build changed it (builds are reproducible), and a new copy gets a new cache.
  mkdir -p ebpf-cli/target/run
  if ! cmp -s "$jar" ebpf-cli/target/run/ebpf-cli.jar; then
    cp "$jar" ebpf-cli/target/run/ebpf-cli.jar
    rm -f ebpf-cli/target/run/ebpf-cli.aot ebpf-cli/target/run/eager
  fi
  jar=ebpf-cli/target/run/ebpf-cli.jar
  aot=ebpf-cli/target/run/ebpf-cli.aot
  if [ -f "$aot" ]; then
    run+=(-XX:AOTCache="$aot")
    if [ -f ebpf-cli/target/run/eager ]; then run+=("${ebpfnet_aot_eager[@]}"); fi
  else
    run+=(-XX:AOTCacheOutput="$aot")
    # An experimental option of Java 25's, asked of this JVM once, beside its cache: one without it still starts.
    if "$JAVA_HOME/bin/java" "${ebpfnet_aot_eager[@]}" -version > /dev/null 2>&1; then touch ebpf-cli/target/run/eager; fi
  fi
  run+=(-Xlog:aot=off:stderr)
else
  run+=(-XX:SharedArchiveFile=ebpf-cli/target/ebpf-cli.jsa -XX:+AutoCreateSharedArchive)
fi
run+=(-jar "$jar")
if [ "$(id -u)" -ne 0 ]; then
  exec sudo "${run[@]}" "$@"
fi
exec "${run[@]}" "$@"
