# Sourced by scripts/run.sh and scripts/footprint.sh: the command that starts the collector's JVM, in
# ebpfnet_jvm (an array; the jar and its arguments follow it), that JVM's feature release (ebpfnet_jvm_major:
# 25+ takes an AOT cache) and the start-up cache's eager compilation (ebpfnet_aot_eager: an experimental
# option of Java 25's, used where the JVM accepts it). The Netdata plugin's launcher
# (scripts/netdata-plugin/ebpfnet-plugin.c) sets the same environment in C.
# ebpf-cli/jvm.options, and glibc's C heap: one heap for all threads (a BTF parse reuses the pages another
# thread's parse freed), large freed blocks returned (libbpf's BTF parses are large), and transparent huge
# pages asked for for them (a BTF parse then faults a few 2 MB pages, not ~1,400 small ones; ~13 us a fault
# on a paravirtualized guest; the collector ends them once started). A GLIBC_TUNABLES already set is kept.
ebpfnet_jvm=(env MALLOC_ARENA_MAX=1 MALLOC_MMAP_THRESHOLD_=131072
  GLIBC_TUNABLES="${GLIBC_TUNABLES:+$GLIBC_TUNABLES:}glibc.malloc.hugetlb=1"
  "$JAVA_HOME/bin/java" @ebpf-cli/jvm.options)
ebpfnet_jvm_major=$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$JAVA_HOME/release" 2>/dev/null || true)
ebpfnet_jvm_major=${ebpfnet_jvm_major:-0}
ebpfnet_aot_eager=(-XX:+UnlockExperimentalVMOptions -XX:+AOTCompileEagerly)
