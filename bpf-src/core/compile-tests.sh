#!/usr/bin/env bash
# Compiles the BPF objects used only by ebpf-core's kernel tests: compile-tests.sh OUTPUT_DIR
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=${1:?usage: compile-tests.sh OUTPUT_DIR}
for src in "$here"/test/*.bpf.c; do
  "$here/../compile-bpf.sh" "$src" "$out/$(basename "${src%.c}").o"
done
