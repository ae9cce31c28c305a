#!/usr/bin/env bash
# Installs ebpfnet as a Netdata external plugin that runs as the agent's own user (netdata), with
# CAP_BPF and CAP_PERFMON given to the collector's JVM alone: no setuid root, no root-owned JVM, and no
# capabilities on the java binary (which every Java program on the host runs) or on a shell.
#
#   scripts/install-netdata-plugin.sh [--net-admin] [--jar FILE] [--java FILE] [--group NAME]
#                                     [--plugins-dir DIR] [--lib-dir DIR] [--systemd-dir DIR]
#   scripts/install-netdata-plugin.sh --uninstall [--plugins-dir DIR] [--lib-dir DIR] [--systemd-dir DIR]
#
# What it installs (as root; then restart the agent):
#   LIB_DIR/ebpf-cli.jar             root:root 0644 (default /usr/lib/ebpfnet; --jar, default the built jar)
#   LIB_DIR/jvm.options              root:root 0644, the collector JVM's options (ebpf-cli/jvm.options)
#   LIB_DIR/ebpf-cli.jsa             root:root 0644, its class-data archive (made at install, for start-up time)
#   PLUGINS_DIR/ebpfnet.plugin       root:GROUP 0750, file capabilities cap_bpf,cap_perfmon+p: the small C
#                                    program scripts/netdata-plugin/ebpfnet-plugin.c, compiled here with the
#                                    java binary (a JDK >= 22: --java, JAVA_HOME, /usr/lib/jvm) and the jar's
#                                    path fixed in it. It passes its capabilities to that JVM only, as ambient
#                                    capabilities; only root and members of GROUP can run it.
#   SYSTEMD_DIR/netdata.service.d/ebpfnet.conf
#                                    when a netdata.service unit exists: adds CAP_BPF and CAP_PERFMON to the
#                                    unit's CapabilityBoundingSet (Debian's unit leaves them out, and a file
#                                    capability outside the bounding set is not granted).
# --net-admin also grants CAP_NET_ADMIN, which only the tracepoint mode's cgroup release hook needs (without
# it that hook is skipped, said at start, and UDP is counted on every event, which costs more); it is a
# broad capability (network configuration), so it is not granted by default.
# Installing again (a new jar, another JDK) replaces everything; --uninstall removes it.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)

die() {
  echo "install-netdata-plugin: $*" >&2
  exit 1
}

jar="$root/ebpf-cli/target/ebpf-cli.jar"
java=""
group=netdata
lib_dir=/usr/lib/ebpfnet
plugins_dir=""
systemd_dir=/etc/systemd/system
net_admin=no
uninstall=no
while [ $# -gt 0 ]; do
  case "$1" in
    --jar) jar=$2; shift 2 ;;
    --java) java=$2; shift 2 ;;
    --group) group=$2; shift 2 ;;
    --lib-dir) lib_dir=$2; shift 2 ;;
    --plugins-dir) plugins_dir=$2; shift 2 ;;
    --systemd-dir) systemd_dir=$2; shift 2 ;;
    --net-admin) net_admin=yes; shift ;;
    --uninstall) uninstall=yes; shift ;;
    -h|--help) sed -n '2,/^set -e/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown argument '$1' (see --help)" ;;
  esac
done
[ "$(id -u)" -eq 0 ] || die "run it as root: it installs files owned by root and sets file capabilities"

# Netdata's own packages use /usr/libexec/netdata/plugins.d, Debian's /usr/lib/netdata/plugins.d.
if [ -z "$plugins_dir" ]; then
  for dir in /usr/libexec/netdata/plugins.d /usr/lib/netdata/plugins.d; do
    [ -d "$dir" ] && { plugins_dir=$dir; break; }
  done
  [ -n "$plugins_dir" ] || die "no Netdata plugins.d found (install Netdata first, or give --plugins-dir)"
fi
plugin="$plugins_dir/ebpfnet.plugin"
dropin_dir="$systemd_dir/netdata.service.d"
dropin="$dropin_dir/ebpfnet.conf"

# The agent's systemd unit and its drop-ins (not ours), wherever systemd looks (and in --systemd-dir).
unit_files() {
  local d f
  for d in "$systemd_dir" /etc/systemd/system /run/systemd/system /lib/systemd/system /usr/lib/systemd/system; do
    [ ! -f "$d/netdata.service" ] || echo "$d/netdata.service"
    for f in "$d"/netdata.service.d/*.conf; do
      [ ! -f "$f" ] || [ "$f" = "$dropin" ] || echo "$f"
    done
  done
}
# Whether the unit bounds capabilities without all of "$@" (Debian's does): then a drop-in adds them
# (bounding set lines are merged). A unit without CapabilityBoundingSet= bounds nothing, and a drop-in
# would restrict it to ours: none is written then.
unit_bounds_without() {
  local files set cap
  files=$(unit_files)
  [ -n "$files" ] || return 1
  # shellcheck disable=SC2086 # paths without spaces
  set=$(sed -n 's/^CapabilityBoundingSet=\([^~]\)/\1/p' $files | tr ' ' '\n' | sort -u)
  [ -n "$set" ] || return 1
  for cap in "$@"; do
    echo "$set" | grep -qx "$cap" || return 0
  done
  return 1
}
reload_systemd() {
  if [ "$systemd_dir" = /etc/systemd/system ] && [ -d /run/systemd/system ]; then
    systemctl daemon-reload
  fi
}

if [ "$uninstall" = yes ]; then
  rm -f "$plugin" "$lib_dir/ebpf-cli.jar" "$lib_dir/jvm.options" "$lib_dir/ebpf-cli.jsa" "$dropin"
  rmdir "$lib_dir" 2>/dev/null || true
  rmdir "$dropin_dir" 2>/dev/null || true
  reload_systemd
  echo "removed $plugin, $lib_dir and $dropin; restart the agent (systemctl restart netdata)"
  exit 0
fi

# CAP_BPF and CAP_PERFMON exist since Linux 5.8; before that only CAP_SYS_ADMIN loads tracing programs,
# which this installer does not hand out.
IFS=.- read -r major minor _ < /proc/sys/kernel/osrelease
[ "$major" -gt 5 ] || { [ "$major" -eq 5 ] && [ "$minor" -ge 8 ]; } ||
  die "Linux $major.$minor has no CAP_BPF/CAP_PERFMON (5.8+); there only root can load the collector"
# Before 5.11 BPF maps are charged to RLIMIT_MEMLOCK: the unit's limit is raised rather than granting
# CAP_SYS_RESOURCE to the JVM.
old_memlock=no
[ "$major" -gt 5 ] || [ "$minor" -ge 11 ] || old_memlock=yes

command -v gcc >/dev/null || die "gcc is needed to build the plugin's launcher (apt-get install gcc)"
command -v setcap >/dev/null && command -v getcap >/dev/null ||
  die "setcap is needed (apt-get install libcap2-bin)"
getent group "$group" >/dev/null || die "no group '$group' (is Netdata installed? else give --group)"
[ -f "$jar" ] || die "no jar at $jar: build it first (./mvnw -B -DskipTests package) or give --jar"

# A JDK >= 22, by its real path: a symlink the admin later points elsewhere must not change what runs.
java_major() {
  "$1" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p' | cut -d. -f1
}
if [ -z "$java" ]; then
  for home in ${JAVA_HOME:-} $(ls -d /usr/lib/jvm/* 2>/dev/null | sort -rV); do
    version=$(java_major "$home/bin/java" 2>/dev/null || true)
    if [ -n "$version" ] && [ "$version" -ge 22 ]; then java="$home/bin/java"; break; fi
  done
  [ -n "$java" ] || die "no JDK >= 22 found (set JAVA_HOME or give --java)"
fi
java=$(readlink -f "$java")
version=$(java_major "$java" || true)
[ -n "$version" ] && [ "$version" -ge 22 ] || die "$java is not a Java >= 22"
# Whoever can replace the java binary (or a directory above it) could run their code with the capabilities.
path=$java
while [ "$path" != / ]; do
  read -r owner mode <<< "$(stat -c '%u %a' "$path")"
  [ "$owner" -eq 0 ] && [ $(( 8#$mode & 8#022 )) -eq 0 ] ||
    die "$path is not root's alone (owner uid $owner, mode $mode): the collector's capabilities would be anyone's"
  path=$(dirname "$path")
done
jdk=$(dirname "$(dirname "$java")")
writable=$(find "$jdk" ! -type l \( ! -user root -o -perm /022 \) -print -quit)
[ -z "$writable" ] || die "$writable in the JDK is not root's alone: the collector's capabilities would be anyone's"

caps="cap_bpf,cap_perfmon"
[ "$net_admin" = no ] || caps="$caps,cap_net_admin"

# The jar and the JVM's options: root's, read by everyone (the collector runs as the agent's user).
install -d -o root -g root -m 0755 "$lib_dir"
install -o root -g root -m 0644 "$jar" "$lib_dir/ebpf-cli.jar.new"
mv -f "$lib_dir/ebpf-cli.jar.new" "$lib_dir/ebpf-cli.jar"
install -o root -g root -m 0644 "$root/ebpf-cli/jvm.options" "$lib_dir/jvm.options.new"
mv -f "$lib_dir/jvm.options.new" "$lib_dir/jvm.options"
# The class-data archive (start-up time): made here, as root, and read-only for the collector. A file
# the agent's user could write would let it choose code that runs with the collector's capabilities.
# It holds the classes of the run that makes it: one 1-second interval in the plugin's protocol (the
# plugin's start-up then takes ~470 ms on a 2-CPU VM; ~540 ms with an archive of a --version run, which
# loads nothing but the option parser). Not --netdata-plugin: the agent's configuration could make that
# interval longer. The archive is written when that JVM exits, whatever its exit code.
rm -f "$lib_dir/ebpf-cli.jsa"
"$java" @"$lib_dir/jvm.options" -XX:ArchiveClassesAtExit="$lib_dir/ebpf-cli.jsa" -jar "$lib_dir/ebpf-cli.jar" \
  --format netdata --interval 1 --count 1 > /dev/null 2>&1 || true
if [ -f "$lib_dir/ebpf-cli.jsa" ]; then
  chown root:root "$lib_dir/ebpf-cli.jsa"
  chmod 0644 "$lib_dir/ebpf-cli.jsa"
else
  echo "install-netdata-plugin: no class-data archive (the collector starts without it)" >&2
fi

# The launcher: built with the paths fixed in it; replaced atomically (the agent may be running the old one).
build=$(mktemp -d)
trap 'rm -rf "$build"' EXIT
c_string() { printf '"%s"' "$(printf '%s' "$1" | sed 's/[\\"]/\\&/g')"; }
gcc -O2 -Wall -Wextra -Werror -D_FORTIFY_SOURCE=2 -fstack-protector-strong \
    -DEBPFNET_JAVA="$(c_string "$java")" -DEBPFNET_JAR="$(c_string "$lib_dir/ebpf-cli.jar")" \
    -DEBPFNET_JVM_OPTIONS="$(c_string "$lib_dir/jvm.options")" -DEBPFNET_CDS_ARCHIVE="$(c_string "$lib_dir/ebpf-cli.jsa")" \
    -o "$build/ebpfnet.plugin" "$root/scripts/netdata-plugin/ebpfnet-plugin.c"
# chown clears file capabilities: owner and mode first, then setcap.
install -o root -g "$group" -m 0750 "$build/ebpfnet.plugin" "$plugin.new"
setcap "$caps+p" "$plugin.new" || die "setcap failed (does the file system of $plugins_dir keep security xattrs?)"
mv -f "$plugin.new" "$plugin"

unit_caps=$(echo "$caps" | tr 'a-z,' 'A-Z ')
rm -f "$dropin" # an earlier install's, maybe with other capabilities
settings=()
# shellcheck disable=SC2086 # the capability names are words
! unit_bounds_without $unit_caps || settings+=("CapabilityBoundingSet=$unit_caps")
[ "$old_memlock" = no ] || [ -z "$(unit_files)" ] || settings+=("LimitMEMLOCK=infinity")
if [ ${#settings[@]} -gt 0 ]; then
  install -d -m 0755 "$dropin_dir"
  printf '%s\n' "# Written by ebpfnet's scripts/install-netdata-plugin.sh: lets ebpfnet.plugin's capabilities through." \
    "[Service]" "${settings[@]}" > "$dropin"
fi
reload_systemd
# shellcheck disable=SC2046 # paths without spaces
if [ -n "$(unit_files)" ] && grep -Eqs '^NoNewPrivileges=(true|yes|1)' $(unit_files); then
  echo "warning: the netdata unit sets NoNewPrivileges=true, which ignores file capabilities: the plugin will say DISABLE" >&2
fi
[ "$old_memlock" = no ] || echo "note: Linux < 5.11 charges BPF maps to RLIMIT_MEMLOCK; start the agent with a high one (ulimit -l)" >&2

echo "installed $plugin ($(getcap "$plugin" | sed 's/^[^ ]* //'), root:$group 0750) running $java -jar $lib_dir/ebpf-cli.jar"
[ ! -f "$dropin" ] || echo "installed $dropin"
echo "restart the agent to start it (systemctl restart netdata)"
