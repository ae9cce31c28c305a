#!/usr/bin/env bash
# Runs a command as root inside a stock Debian kernel under qemu, for the kernel matrix.
#   scripts/qemu-kernel.sh [--kernel 6.1|6.12|linux-image-PACKAGE] [--share DIR]... [--log FILE] -- COMMAND...
# The guest's root is the host's root filesystem, read-only (9p) under a tmpfs overlay: host binaries
# (the JDK, python3, ip, nft) run there and writes vanish with the guest. --share DIR makes a host
# directory writable at the same path. The kernel's own modules are shared too, so `modprobe` works in the
# guest (veth, nf_tables, sch_netem: what the tests' lossy network namespace needs). COMMAND's output
# streams back and its exit code is this script's. qemu runs with software emulation (TCG): no KVM needed.
# A guest that dies without an exit code makes this script exit 125 if COMMAND had not started yet (the
# kernel died while booting) and 124 if it had. --log FILE keeps the guest kernel's whole console log there.
# Env: QEMU_MEM (default 3G), QEMU_SMP (default: the host's CPUs), QEMU_DEBUG=1 (print the boot log).
# The first run of a kernel downloads its package (apt-get download) and builds a small initramfs in
# ${EBPFNET_KERNEL_CACHE:-~/.cache/ebpfnet-kernels}; later runs boot in seconds.
set -euo pipefail
version=6.1
shares=()
log=
while [ $# -gt 0 ]; do
  case "$1" in
    --kernel) version=$2; shift 2 ;;
    --share) shares+=("$(realpath "$2")"); shift 2 ;;
    --log) log=$2; shift 2 ;;
    --) shift; break ;;
    *) break ;;
  esac
done
[ $# -gt 0 ] || { sed -n '2,11p' "$0" >&2; exit 2; }
cache=${EBPFNET_KERNEL_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/ebpfnet-kernels}
mkdir -p "$cache"

need=()
command -v qemu-system-x86_64 >/dev/null || need+=(qemu-system-x86)
file -L /bin/busybox 2>/dev/null | grep -q static || need+=(busybox-static)
command -v cpio >/dev/null || need+=(cpio)
command -v zstd >/dev/null || need+=(zstd)
command -v depmod >/dev/null || need+=(kmod)
if [ ${#need[@]} -gt 0 ]; then
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >&2 \
    || { apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >&2; }
fi

# The package: the newest linux-image-<version>.*-amd64 Debian 12's package lists know.
if [[ $version == linux-image-* ]]; then
  package=$version
else
  newest() {
    apt-cache search --names-only "^linux-image-${version//./\\.}[.][0-9.-]*(\\+deb[0-9]+)?-amd64\$" | awk '{print $1}' | sort -V | tail -1
  }
  package=$(newest)
  [ -n "$package" ] || { apt-get update -qq >&2; package=$(newest); }
  [ -n "$package" ] || { echo "qemu-kernel: no linux-image-$version.*-amd64 package in apt's lists" >&2; exit 1; }
fi

k=$cache/$package
if [ ! -f "$k/ready-2" ]; then  # ready-N: bump N when the initramfs changes
  echo "qemu-kernel: preparing $package in $k" >&2
  rm -rf "$k/initrd" "$k/initrd.gz"; mkdir -p "$k/initrd/bin" "$k/initrd/lib"
  if [ ! -d "$k/pkg/boot" ]; then
    rm -rf "$k/pkg"; mkdir -p "$k/pkg"
    (cd "$k" && { apt-get download -q "$package" || { apt-get update -qq && apt-get download -q "$package"; }; }) >/dev/null 2>&1 \
      || { echo "qemu-kernel: apt-get download $package failed" >&2; exit 1; }
    dpkg -x "$k"/*.deb "$k/pkg"; rm -f "$k"/*.deb
  fi
  release=$(ls "$k/pkg/lib/modules"); depmod -b "$k/pkg" "$release"
  # The vmlinux ELF inside the compressed bzImage (xz on 6.1, zstd on 6.12): qemu boots it directly (PVH).
  python3 - "$k"/pkg/boot/vmlinuz-* "$k/vmlinux" <<'PY'
import lzma, subprocess, sys
data = open(sys.argv[1], "rb").read()
xz = data.find(b"\xfd7zXZ\0")
if xz >= 0:
    out = lzma.LZMADecompressor().decompress(data[xz:])
else:
    out = subprocess.run(["zstd", "-dc"], input=data[data.find(b"\x28\xb5\x2f\xfd"):], capture_output=True).stdout
open(sys.argv[2], "wb").write(out)
PY
  # What the initramfs loads before it can mount anything: virtio, 9p, overlayfs (with their dependencies).
  modules=$(modprobe -d "$k/pkg" -S "$release" -a --show-depends virtio_pci virtio_console 9pnet_virtio 9p overlay \
    | awk '$1 == "insmod" && !seen[$2]++ { print $2 }')
  for m in $modules; do cp "$m" "$k/initrd/lib/"; done
  cp /bin/busybox "$k/initrd/bin/busybox"
  cp "$k"/pkg/boot/config-* "$k/initrd/config"
  # Guest PID 1: the host's root under an overlay, the kernel's modules at their place, the command in a chroot.
  cat > "$k/initrd/init" <<EOF
#!/bin/busybox sh
/bin/busybox --install -s /bin; export PATH=/bin; mkdir -p /proc /sys /dev
mount -t proc proc /proc; mount -t sysfs sys /sys; mount -t devtmpfs dev /dev
for m in $(for m in $modules; do basename "$m"; done | tr '\n' ' '); do insmod /lib/\$m; done
p9="trans=virtio,version=9p2000.L,msize=262144"
mkdir -p /lower /rw /R; R=/R
mount -t 9p -o ro,\$p9,cache=loose root /lower
mount -t tmpfs -o mode=755 rw /rw; mkdir /rw/u /rw/w
mount -t overlay -o lowerdir=/lower,upperdir=/rw/u,workdir=/rw/w ovl \$R || { echo "overlay failed"; poweroff -f; }
mount -t proc proc \$R/proc; mount -t sysfs sys \$R/sys; mount -t devtmpfs dev \$R/dev
mkdir -p \$R/dev/pts \$R/dev/shm; mount -t devpts pts \$R/dev/pts; mount -t tmpfs shm \$R/dev/shm
ln -s /proc/self/fd \$R/dev/fd; for i in 0:stdin 1:stdout 2:stderr; do ln -s /proc/self/fd/\${i%:*} \$R/dev/\${i#*:}; done
mount -t tmpfs run \$R/run -o mode=755
mount -t bpf bpf \$R/sys/fs/bpf; mount -t debugfs debugfs \$R/sys/kernel/debug
mount -t tracefs tracefs \$R/sys/kernel/tracing; mount -t cgroup2 cgroup2 \$R/sys/fs/cgroup
mkdir -p \$R/lib/modules/$release; mount -t 9p -o ro,\$p9 modules \$R/lib/modules/$release
# The kernel loads modules on demand (ip link add type veth) with its usermode helper, which runs here,
# outside the chroot: hand the request to the host's modprobe in it.
printf '#!/bin/sh\\nexec chroot /R /sbin/modprobe "\$@"\\n' > /modprobe; chmod +x /modprobe; echo /modprobe > /proc/sys/kernel/modprobe
mkdir -p \$R/run/io; mount -t 9p -o \$p9 io \$R/run/io
i=0; while read -r d; do [ -n "\$d" ] || continue
  mkdir -p "\$R\$d"; mount -t 9p -o \$p9 s\$i "\$R\$d"; i=\$((i+1))
done < \$R/run/io/shares
ip link set lo up; hostname guest; cp /config \$R/boot/config-\$(uname -r)
for p in /sys/class/virtio-ports/*; do ln -s /dev/\${p##*/} /dev/port-\$(cat \$p/name); done
# a virtio port can be opened once: FIFOs relay, so that the command may reopen /dev/stdout
mkfifo /o /e; cat /o > /dev/port-out & cat /e > /dev/port-err &
chroot \$R /bin/bash /run/io/cmd < /dev/null > /o 2> /e
echo \$? > \$R/run/io/rc; wait
sync; poweroff -f
EOF
  chmod +x "$k/initrd/init"
  (cd "$k/initrd" && find . | cpio -o -H newc --quiet | gzip -1) > "$k/initrd.gz"
  touch "$k/ready-2"
fi
release=$(ls "$k/pkg/lib/modules")

# This run: the command, the shared directories, two FIFOs per output stream.
run=$(mktemp -d /tmp/qemu-kernel.XXXXXX); mkdir "$run/io"
qemu_pid=
cleanup() { [ -z "$qemu_pid" ] || kill "$qemu_pid" 2>/dev/null; rm -rf "$run"; }
trap cleanup EXIT; trap 'exit 143' TERM INT HUP
{ echo ': > /run/io/started'
  printf 'export HOME=/root TERM=dumb PATH=%q\n' "$PATH:/usr/sbin:/sbin"
  [ -z "${JAVA_HOME:-}" ] || printf 'export JAVA_HOME=%q\n' "$JAVA_HOME"
  printf 'cd %q 2>/dev/null || cd /\n' "$PWD"
  printf 'exec'; printf ' %q' "$@"; echo; } > "$run/io/cmd"
printf '%s\n' "${shares[@]}" > "$run/io/shares"
devices=(); i=0
for d in "${shares[@]}"; do
  devices+=(-virtfs "local,path=$d,mount_tag=s$i,security_model=passthrough,multidevs=remap"); i=$((i+1))
done
for p in o e; do mkfifo "$run/$p.in" "$run/$p.out"; done
cat "$run/o.out" & cat "$run/e.out" >&2 &
qemu-system-x86_64 -nodefaults -no-user-config -display none -no-reboot \
  -accel tcg,thread=multi -cpu max -smp "${QEMU_SMP:-$(nproc)}" -m "${QEMU_MEM:-3G}" \
  -kernel "$k/vmlinux" -initrd "$k/initrd.gz" \
  -append "console=ttyS0 loglevel=4 panic=-1 mitigations=off" \
  -serial "file:$run/boot.log" -device virtio-serial-pci,id=vs \
  -chardev "pipe,id=o,path=$run/o" -device virtserialport,bus=vs.0,nr=1,chardev=o,name=out \
  -chardev "pipe,id=e,path=$run/e" -device virtserialport,bus=vs.0,nr=2,chardev=e,name=err \
  -virtfs "local,path=/,mount_tag=root,security_model=passthrough,readonly=on,multidevs=remap" \
  -virtfs "local,path=$k/pkg/lib/modules/$release,mount_tag=modules,security_model=passthrough,readonly=on" \
  -virtfs "local,path=$run/io,mount_tag=io,security_model=passthrough" "${devices[@]}" \
  < /dev/null > "$run/qemu.log" 2>&1 &
qemu_pid=$!; wait "$qemu_pid" || true; qemu_pid=
# The readers see EOF once qemu, the only writer, is gone; opening each FIFO read-write frees a reader
# still blocked in open() if qemu died before it opened its end.
for p in o e; do exec 3<>"$run/$p.out"; exec 3>&-; done; wait
[ "${QEMU_DEBUG:-0}" != 1 ] || cat "$run/boot.log" "$run/qemu.log" >&2
[ -z "$log" ] || [ ! -f "$run/boot.log" ] || cp "$run/boot.log" "$log"
if [ -f "$run/io/rc" ]; then exit "$(cat "$run/io/rc")"; fi
if [ -f "$run/io/started" ]; then
  echo "qemu-kernel: the guest died while the command ran; the end of its boot log:" >&2; rc=124
else
  echo "qemu-kernel: the guest died before the command started; the end of its boot log:" >&2; rc=125
fi
tail -n 30 "$run/boot.log" "$run/qemu.log" >&2 || true
exit $rc
