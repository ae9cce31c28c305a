#!/usr/bin/env bash
# Builds the project (without tests) and runs the CLI as root: with no arguments the live collector
# (printing every 5 s until Ctrl-C), otherwise the arguments given (e.g. scripts/run.sh detect --json).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/setup.sh

./mvnw -B -q -DskipTests package

# The launchers' JVM: ebpf-cli/jvm.options, glibc returning freed memory (libbpf's BTF parses are large),
# and a class-data archive made by the first run (start-up); see README, Performance.
run=(env MALLOC_ARENA_MAX=2 MALLOC_MMAP_THRESHOLD_=131072 "$JAVA_HOME/bin/java" @ebpf-cli/jvm.options
     -XX:SharedArchiveFile=ebpf-cli/target/ebpf-cli.jsa -XX:+AutoCreateSharedArchive -jar ebpf-cli/target/ebpf-cli.jar)
if [ "$(id -u)" -ne 0 ]; then
  exec sudo "${run[@]}" "$@"
fi
exec "${run[@]}" "$@"
