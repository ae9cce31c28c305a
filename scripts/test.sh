#!/usr/bin/env bash
# Runs every test, the kernel tests included (they need root: CAP_BPF, CAP_PERFMON, CAP_NET_ADMIN).
# With EBPFNET_REQUIRE_KERNEL_TESTS=1 (CI sets it) a kernel test that cannot run fails instead of skipping.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/setup.sh

if [ "$(id -u)" -ne 0 ]; then
  exec sudo --preserve-env=JAVA_HOME,EBPFNET_REQUIRE_KERNEL_TESTS ./mvnw -B verify
fi
exec ./mvnw -B verify
