#!/usr/bin/env bash
# Compiles one BPF C source into a CO-RE object: compile-bpf.sh SOURCE.bpf.c OUTPUT.bpf.o [CLANG_FLAG...]
# Called by the Maven build of the modules that embed BPF objects as resources. Extra flags go to clang
# (the socket object takes -mcpu=v3 for atomic exchange, Linux 5.12+; the feature probes stay portable).
set -euo pipefail

src=${1:?usage: compile-bpf.sh SOURCE.bpf.c OUTPUT.bpf.o}
out=${2:?usage: compile-bpf.sh SOURCE.bpf.c OUTPUT.bpf.o}
here=$(cd "$(dirname "$0")" && pwd)
clang=${CLANG:-clang}
strip=${LLVM_STRIP:-llvm-strip}

if ! command -v "$clang" >/dev/null 2>&1; then
  echo "error: clang is needed to compile the BPF programs ($src) but was not found." >&2
  echo "       Install it (Debian/Ubuntu: apt-get install clang; RHEL/Fedora: dnf install clang) or set CLANG=/path/to/clang." >&2
  exit 1
fi
if ! command -v "$strip" >/dev/null 2>&1; then
  echo "error: llvm-strip is needed to strip the BPF objects' debug sections but was not found." >&2
  echo "       Install it (Debian/Ubuntu: apt-get install llvm; RHEL/Fedora: dnf install llvm) or set LLVM_STRIP=/path/to/llvm-strip." >&2
  exit 1
fi
if [ ! -f /usr/include/bpf/bpf_helpers.h ] && [ ! -f /usr/local/include/bpf/bpf_helpers.h ]; then
  echo "error: libbpf's BPF headers (bpf/bpf_helpers.h) were not found." >&2
  echo "       Install them (Debian/Ubuntu: apt-get install libbpf-dev; RHEL/Fedora: dnf install libbpf-devel)." >&2
  exit 1
fi

case "$(uname -m)" in
  x86_64) arch=x86 ;;
  aarch64) arch=arm64 ;;
  s390x) arch=s390 ;;
  ppc64le) arch=powerpc ;;
  riscv64) arch=riscv ;;
  *) arch=$(uname -m) ;;
esac

mkdir -p "$(dirname "$out")"
# -g keeps BTF (needed for CO-RE and for the layout test); -O2 is required by the verifier.
# No -Werror: newer clang releases (Debian 13 has 19) warn about libbpf's own headers.
"$clang" -g -O2 -target bpf -D__TARGET_ARCH_"$arch" \
  -I "$here/include" -I "$(dirname "$src")" \
  -Wall -Wno-unused-function \
  "${@:3}" -c "$src" -o "$out"
# DWARF is for debuggers, not for libbpf: the types and the line info that loading and the verifier's log use
# are in .BTF and .BTF.ext, which stay. Nor is .BTF.ext's relocation section, which libbpf skips. Without them
# socket.bpf.o is 0.8 MB instead of 1.5 MB: less to inflate, copy and parse at each open (three per load).
"$strip" -g --remove-section=.rel.BTF.ext "$out"
