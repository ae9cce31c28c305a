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
"${java[@]}" -prof gc -rf text -rff "$out/jmh-synthetic.txt" PerCpuMergeBenchmark GroupRatesBenchmark | tee "$out/jmh.log"

# The real-map read: C and Java alternated, and the median of the rounds' ratios reported, because
# this kind of VM's speed drifts over minutes (one round's two sides are measured close together).
rounds=${EBPFNET_BENCH_ROUNDS:-5}
: > "$out/real-rounds.txt"
for r in $(seq "$rounds"); do
  "$out/map_read_reference" 16384 40 > "$out/c-$r.txt"
  "${java[@]}" -f 1 -wi 2 -i 3 -w 1s -r 1s -prof gc -rf text -rff "$out/jmh-real-$r.txt" RealMapReadBenchmark >> "$out/jmh.log"
  cb=$(sed -n 's/^c_batch_ms=//p' "$out/c-$r.txt")
  ck=$(sed -n 's/^c_per_key_ms=//p' "$out/c-$r.txt")
  jb=$(awk '$1 == "RealMapReadBenchmark.batchReadAndMerge" {print $(NF-3)}' "$out/jmh-real-$r.txt")
  jo=$(awk '$1 == "RealMapReadBenchmark.batchReadOnly" {print $(NF-3)}' "$out/jmh-real-$r.txt")
  jk=$(awk '$1 == "RealMapReadBenchmark.perKeyReadAndMerge" {print $(NF-3)}' "$out/jmh-real-$r.txt")
  echo "$cb $ck $jb $jo $jk" | tee -a "$out/real-rounds.txt" |
    awk -v r="$r" '{printf "round %d: C batch %.3f, Java batch %.3f (read only %.3f): %.2fx; C per-key %.1f, Java per-key %.1f: batch %.1fx faster\n",
      r, $1, $3, $4, $3 / $1, $2, $5, $5 / $3}'
done
cat "$out/jmh-synthetic.txt" "$out/jmh-real-$rounds.txt" > "$out/jmh.txt"

median() { sort -g | awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }
{
  echo
  echo "full read + per-CPU merge of 16,384 entries, median of $rounds alternated rounds (ms per pass)"
  echo "  C batch $(awk '{print $1}' "$out/real-rounds.txt" | median)   Java batch $(awk '{print $3}' "$out/real-rounds.txt" | median)   Java/C $(awk '{printf "%.3f\n", $3 / $1}' "$out/real-rounds.txt" | median)x (goal <= 1.2x)"
  echo "  Java per-key $(awk '{print $5}' "$out/real-rounds.txt" | median)   Java batch speed-up over per-key $(awk '{printf "%.2f\n", $5 / $3}' "$out/real-rounds.txt" | median)x (goal >= 20x)"
  echo "allocation per operation (gc.alloc.rate.norm, B/op) by entry count:"
  grep 'gc.alloc.rate.norm' "$out/jmh.txt"
} | tee "$out/summary.txt"
