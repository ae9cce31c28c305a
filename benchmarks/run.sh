#!/usr/bin/env bash
# Java and C side by side on the map-aggregation hot path (needs root for the real-map parts).
#   benchmarks/run.sh            full JMH runs (several minutes) + the C reference, with ratios
#   benchmarks/run.sh --real     only the real-map read beside the C reference (about 3 minutes)
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
  # The C references and the overhead floor program build, load and run.
  gcc -O2 -Wall -o "$out/map_read_reference" benchmarks/c/map_read_reference.c -lbpf
  "$out/map_read_reference" 1024 2
  bpf-src/compile-bpf.sh benchmarks/c/overhead_reference.bpf.c "$out/overhead_reference.bpf.o"
  gcc -O2 -Wall -o "$out/overhead_reference" benchmarks/c/overhead_reference.c -lbpf
  coproc reference { exec "$out/overhead_reference" "$out/overhead_reference.bpf.o" 2>&1; }
  read -r -t 30 line <&"${reference[0]}" || line="(no output)"
  kill "$reference_PID" 2>/dev/null || true
  wait "$reference_PID" 2>/dev/null || true
  [ "$line" = attached ] || { echo "overhead_reference did not attach: $line" >&2; exit 1; }
  echo "overhead_reference: $line"
  exit 0
fi

gcc -O2 -Wall -o "$out/map_read_reference" benchmarks/c/map_read_reference.c -lbpf
: > "$out/jmh.log"
if [ "${1:-}" != --real ]; then
  "${java[@]}" -prof gc -rf text -rff "$out/jmh-synthetic.txt" PerCpuMergeBenchmark GroupRatesBenchmark | tee "$out/jmh.log"
else
  : > "$out/jmh-synthetic.txt"
fi

# The real-map read: C and Java alternated, each pass timed, and the median of the rounds' ratios
# reported, both of the means and of the fastest passes: this kind of VM's speed drifts by 2x within
# minutes, and the fastest pass is the undisturbed cost (one round's two sides run close together).
rounds=${EBPFNET_BENCH_ROUNDS:-5}
: > "$out/real-rounds.txt"
jmean() { awk -v b="RealMapReadBenchmark.$2" '$1 == b {print $(NF-3)}' "$1"; }
jmin() { awk -v b="RealMapReadBenchmark.$2:p0.00" '$1 == b {print $(NF-1)}' "$1"; }
for r in $(seq "$rounds"); do
  "$out/map_read_reference" 16384 40 > "$out/c-$r.txt"
  "${java[@]}" -f 1 -wi 2 -i 3 -w 1s -r 1s -prof gc -rf text -rff "$out/jmh-real-$r.txt" RealMapReadBenchmark >> "$out/jmh.log"
  j="$out/jmh-real-$r.txt"
  # columns: C batch mean, min; C per-key mean, min; Java batch mean, min; Java read-only min; Java per-key mean, min
  echo "$(sed -n 's/^c_batch_ms=//p' "$out/c-$r.txt") $(sed -n 's/^c_batch_min_ms=//p' "$out/c-$r.txt")" \
    "$(sed -n 's/^c_per_key_ms=//p' "$out/c-$r.txt") $(sed -n 's/^c_per_key_min_ms=//p' "$out/c-$r.txt")" \
    "$(jmean "$j" batchReadAndMerge) $(jmin "$j" batchReadAndMerge) $(jmin "$j" batchReadOnly)" \
    "$(jmean "$j" perKeyReadAndMerge) $(jmin "$j" perKeyReadAndMerge)" | tee -a "$out/real-rounds.txt" |
    awk -v r="$r" '{printf "round %d (ms, mean/fastest): C batch %.3f/%.3f, Java batch %.3f/%.3f (read alone %.3f): %.2fx/%.2fx; Java per-key %.1f/%.1f: batch %.1fx/%.1fx faster\n",
      r, $1, $2, $5, $6, $7, $5 / $1, $6 / $2, $8, $9, $8 / $5, $9 / $6}'
done
cat "$out/jmh-synthetic.txt" "$out/jmh-real-$rounds.txt" > "$out/jmh.txt"

median() { sort -g | awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }
col() { awk "{printf \"%.3f\\n\", $1}" "$out/real-rounds.txt" | median; }
best() { awk "{print $1}" "$out/real-rounds.txt" | sort -g | head -1; }
{
  echo
  echo "full read + per-CPU merge of 16,384 entries, median of $rounds alternated rounds (ms per pass)"
  echo "  fastest pass: C batch $(col '$2')   Java batch $(col '$6')   Java/C $(col '$6 / $2')x (goal <= 1.2x)"
  echo "                Java per-key $(col '$9')   Java batch speed-up over per-key $(col '$9 / $6')x (goal >= 20x)"
  echo "  mean pass:    C batch $(col '$1')   Java batch $(col '$5')   Java/C $(col '$5 / $1')x;   Java per-key $(col '$8'), $(col '$8 / $5')x"
  echo "fastest pass of all rounds: C batch $(best '$2'), Java batch $(best '$6'), Java read alone $(best '$7'), Java per-key $(best '$9'), C per-key $(best '$4')"
  echo "  Java/C $(awk -v j="$(best '$6')" -v c="$(best '$2')" 'BEGIN {printf "%.3f", j / c}')x, batch speed-up over per-key $(awk -v j="$(best '$6')" -v k="$(best '$9')" 'BEGIN {printf "%.1f", k / j}')x"
  echo "(RealMapReadBenchmark's gc figures include what JMH's sample mode allocates to record each pass;"
  echo " the allocation of the merge itself is PerCpuMergeBenchmark's, in average-time mode)"
  echo "allocation per operation (gc.alloc.rate.norm, B/op) by entry count:"
  grep 'gc.alloc.rate.norm' "$out/jmh.txt"
} | tee "$out/summary.txt"
