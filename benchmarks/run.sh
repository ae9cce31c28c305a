#!/usr/bin/env bash
# Java and C side by side on the map-aggregation hot path (needs root for the real-map parts).
#   benchmarks/run.sh            full JMH runs (several minutes) + the C reference, with ratios
#   benchmarks/run.sh --smoke    one short iteration of every benchmark (CI: they compile and run)
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/setup.sh
[ -f benchmarks/target/benchmarks.jar ] || ./mvnw -B -q -DskipTests package
out=benchmarks/target/results
mkdir -p "$out"
java=("$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -jar benchmarks/target/benchmarks.jar)

if [ "${1:-}" = --smoke ]; then
  # Smallest parameters, one fork, one short iteration: proves every benchmark runs, measures nothing.
  "${java[@]}" -f 1 -wi 1 -i 1 -w 100ms -r 200ms -p entries=1024 -p cpus=2 PerCpuMergeBenchmark
  "${java[@]}" -f 1 -wi 1 -i 1 -w 100ms -r 200ms -p processes=1024 -p groups=100 GroupRatesBenchmark
  "${java[@]}" -f 1 -wi 1 -i 1 -w 100ms -r 200ms -p entries=1024 RealMapReadBenchmark
  exit 0
fi

gcc -O2 -Wall -o "$out/map_read_reference" benchmarks/c/map_read_reference.c -lbpf
# The C reference runs before, between and after the JMH runs; the median is used, because this
# kind of VM's speed drifts over minutes.
: > "$out/c.txt"
"$out/map_read_reference" 16384 40 | tee -a "$out/c.txt"
"${java[@]}" -prof gc -rf text -rff "$out/jmh-synthetic.txt" PerCpuMergeBenchmark GroupRatesBenchmark | tee "$out/jmh.log"
"$out/map_read_reference" 16384 40 | tee -a "$out/c.txt"
"${java[@]}" -prof gc -rf text -rff "$out/jmh-real.txt" RealMapReadBenchmark | tee -a "$out/jmh.log"
"$out/map_read_reference" 16384 40 | tee -a "$out/c.txt"
cat "$out/jmh-synthetic.txt" "$out/jmh-real.txt" > "$out/jmh.txt"

median() { sed -n "s/^$1=//p" "$out/c.txt" | sort -g | sed -n 2p; }
c_batch=$(median c_batch_ms)
c_per_key=$(median c_per_key_ms)
j_batch=$(awk '$1 == "RealMapReadBenchmark.batchReadAndMerge" {print $(NF-3)}' "$out/jmh.txt")
j_per_key=$(awk '$1 == "RealMapReadBenchmark.perKeyReadAndMerge" {print $(NF-3)}' "$out/jmh.txt")
awk -v cb="$c_batch" -v ck="$c_per_key" -v jb="$j_batch" -v jk="$j_per_key" 'BEGIN {
  printf "\nfull read + per-CPU merge of 16,384 entries (ms/pass)\n"
  printf "  C batch %.3f   Java batch %.3f   Java/C %.2fx (goal <= 1.2x)\n", cb, jb, jb / cb
  printf "  C per-key %.3f   Java per-key %.3f   Java batch speed-up over per-key %.1fx (goal >= 20x)\n", ck, jk, jk / jb
}' | tee "$out/summary.txt"
echo "allocation per operation (gc.alloc.rate.norm, B/op) by entry count:"
grep 'gc.alloc.rate.norm' "$out/jmh.txt" | tee -a "$out/summary.txt"
