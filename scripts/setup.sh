#!/usr/bin/env bash
# Sourced by scripts/run.sh and scripts/test.sh: installs what the build and the tests need and
# exports JAVA_HOME for a JDK >= 22. Works on Debian 12/13 and Ubuntu; elsewhere it names what to install.

ebpfnet_die() {
  echo "error: $*" >&2
  exit 1
}

ebpfnet_as_root() {
  if [ "$(id -u)" -eq 0 ]; then
    "$@"
  elif command -v sudo >/dev/null 2>&1; then
    sudo "$@"
  else
    ebpfnet_die "'$*' needs root; run this script as root or install sudo"
  fi
}

ebpfnet_apt_updated=no
ebpfnet_apt_install() {
  command -v apt-get >/dev/null 2>&1 ||
    ebpfnet_die "missing packages: $*. This is not a Debian/Ubuntu system: install their equivalents (clang, libbpf, libelf, a JDK >= 22) and rerun"
  if [ "$ebpfnet_apt_updated" = no ]; then
    ebpfnet_as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null || ebpfnet_die "apt-get update failed"
    ebpfnet_apt_updated=yes
  fi
  echo "installing: $*" >&2
  ebpfnet_as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null ||
    ebpfnet_die "apt-get install $* failed"
}

# Debian packages: the BPF toolchain and headers, libbpf/libelf at run time, the wrapper's download
# tools, and what the kernel tests drive (nftables and iproute2 for namespaces and packet loss).
# Installs those of the named Debian packages that are missing.
ebpfnet_require_packages() {
  local missing="" p
  command -v dpkg-query >/dev/null 2>&1 || return 0
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
  done
  [ -z "$missing" ] || ebpfnet_apt_install $missing
}
ebpfnet_require_packages clang llvm gcc libbpf-dev libelf-dev libbpf1 libelf1 curl unzip ca-certificates nftables iproute2 procps python3

# A JDK >= 22: JAVA_HOME first, then /usr/lib/jvm, then the distribution's package.
ebpfnet_java_major() {
  "$1/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p' | cut -d. -f1
}
ebpfnet_find_jdk() {
  local candidate major
  for candidate in ${JAVA_HOME:-} $(ls -d /usr/lib/jvm/* 2>/dev/null | sort -rV); do
    [ -x "$candidate/bin/javac" ] || continue
    major=$(ebpfnet_java_major "$candidate")
    if [ -n "$major" ] && [ "$major" -ge 22 ]; then
      echo "$candidate"
      return 0
    fi
  done
  return 1
}
if ! JAVA_HOME=$(ebpfnet_find_jdk); then
  ebpfnet_jdk_package=""
  if command -v apt-cache >/dev/null 2>&1; then
    [ "$ebpfnet_apt_updated" = yes ] || { ebpfnet_as_root apt-get update -qq >/dev/null; ebpfnet_apt_updated=yes; }
    for v in 25 24 23 22; do
      if apt-cache show "openjdk-$v-jdk-headless" >/dev/null 2>&1; then
        ebpfnet_jdk_package="openjdk-$v-jdk-headless"
        break
      fi
    done
  fi
  [ -n "$ebpfnet_jdk_package" ] ||
    ebpfnet_die "no JDK >= 22 found (JAVA_HOME, /usr/lib/jvm) and none in the package sources. Install one (Debian 13: apt-get install openjdk-25-jdk-headless; or a Temurin 25) and set JAVA_HOME"
  ebpfnet_apt_install "$ebpfnet_jdk_package"
  JAVA_HOME=$(ebpfnet_find_jdk) || ebpfnet_die "installed $ebpfnet_jdk_package but found no JDK >= 22 under /usr/lib/jvm"
fi
export JAVA_HOME
export PATH="$JAVA_HOME/bin:$PATH"
