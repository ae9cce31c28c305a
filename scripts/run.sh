#!/usr/bin/env bash
# Builds the project (without tests) and runs the CLI as root: with no arguments the live collector
# (printing every 5 s until Ctrl-C), otherwise the arguments given (e.g. scripts/run.sh detect --json).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/setup.sh

./mvnw -B -q -DskipTests package

if [ "$(id -u)" -ne 0 ]; then
  exec sudo "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -jar ebpf-cli/target/ebpf-cli.jar "$@"
fi
exec "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -jar ebpf-cli/target/ebpf-cli.jar "$@"
