#!/usr/bin/env bash
# Runs every test: the unit and kernel tests on this machine's kernel (they need root: CAP_BPF,
# CAP_PERFMON, CAP_NET_ADMIN), two minutes of the soak test on the CLI jar (scripts/soak.sh), the real
# Netdata agent running our plugin (scripts/netdata-agent-test.sh), then the attach-mode kernel matrix
# under qemu (scripts/kernel-matrix.sh).
# With EBPFNET_REQUIRE_KERNEL_TESTS=1 (CI sets it) a kernel test that cannot run fails instead of skipping.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/setup.sh
# What only the tests use: promtool (Debian ships it in the prometheus package) checks our endpoint;
# Netdata's stock apps_groups.conf (netdata package) must parse, and the agent runs our plugin.
ebpfnet_require_packages prometheus netdata

if [ "$(id -u)" -ne 0 ]; then
  exec sudo --preserve-env=JAVA_HOME,EBPFNET_REQUIRE_KERNEL_TESTS,EBPFNET_REQUIRE_MODES,EBPFNET_EXPECT_AUTO_MODE "$0" "$@"
fi

start=$(date +%s)
./mvnw -B verify
echo "host tests: $(( $(date +%s) - start )) s"

# The jar the build just made, for two minutes under connection churn, short-lived processes and scrapes:
# its RSS, fds and BPF objects steady, no insert refused (the full length is run by hand: scripts/soak.sh 60).
scripts/soak.sh 2

# The Netdata agent itself running our plugin.
scripts/netdata-agent-test.sh

# Every attach mode on Debian's 6.1 and 6.12 kernels under qemu.
scripts/kernel-matrix.sh
