#!/usr/bin/env bash
# Builds the analytics benchmark in Release and runs it, then the NetworkX reference, printing the ratios.
#
#   bench/run.sh                      # small (5k people) then large (50k people)
#   bench/run.sh --size small         # the quick one (~1 minute)
#   bench/run.sh --networkx-budget 300
#
# Environment: KITH_BENCH_BUILD_DIR (default build-bench), KITH_BUILD_LOCK (default /tmp/kith-build.lock;
# builds are serialised through it because the development machine is shared).
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
build=${KITH_BENCH_BUILD_DIR:-$repo/build-bench}
out=$build/bench-out
lock=${KITH_BUILD_LOCK:-/tmp/kith-build.lock}
sizes=(small large)
budget=600

while [[ $# -gt 0 ]]; do
  case $1 in
    --size) sizes=("$2"); shift 2 ;;
    --networkx-budget) budget=$2; shift 2 ;;
    *) echo "usage: $0 [--size small|large] [--networkx-budget SECONDS]" >&2; exit 2 ;;
  esac
done

flock "$lock" cmake -S "$repo" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DKITH_BUILD_BENCH=ON \
  -DKITH_BUILD_TESTS=OFF >/dev/null
flock "$lock" cmake --build "$build" -j2 --target kith_analytics_bench

for size in "${sizes[@]}"; do
  echo "== kith analytics digest, $size org"
  "$build/bench/kith_analytics_bench" --size "$size" --out "$out"
  echo "== NetworkX reference, $size org (budget ${budget} s)"
  python3 "$repo/bench/networkx_reference.py" --size "$size" --dir "$out" --budget "$budget"
done

echo "== summary"
for size in "${sizes[@]}"; do
  grep -h -E '^(digest_seconds|digest_peak_rss_mib|ratio_)' "$out/results_$size.txt" | sed "s/^/$size /"
  grep -h -E '^(networkx_total|ratio_networkx)' "$out/networkx_$size.txt" | sed "s/^/$size /"
done

echo "== intro pairings: matching 10,000 participants with history (bench/pairing)"
flock "$lock" cmake --build "$build" -j2 --target kith_pairing_bench
"$build/bench/pairing/kith_pairing_bench" --people 10000
