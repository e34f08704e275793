#!/usr/bin/env bash
# Builds the benchmarks in Release and runs them: the ingest benchmark (Mattermost events through the
# real path into SQLite), then the analytics digest and the NetworkX reference, printing the ratios.
#
#   bench/run.sh                      # ingest, then small (5k people) and large (50k people) digests
#   bench/run.sh --size small         # ingest and the quick digest (~2 minutes)
#   bench/run.sh --only ingest        # the ingest benchmark alone (~2 minutes)
#   bench/run.sh --only pairing       # the intro pairings benchmark alone (~1 minute)
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
only=all

while [[ $# -gt 0 ]]; do
  case $1 in
    --size) sizes=("$2"); shift 2 ;;
    --networkx-budget) budget=$2; shift 2 ;;
    --only) only=$2; shift 2 ;;
    *) echo "usage: $0 [--size small|large] [--networkx-budget SECONDS] [--only ingest|pairing]" >&2; exit 2 ;;
  esac
done
if [[ $only != all && $only != ingest && $only != pairing ]]; then
  echo "--only takes ingest or pairing" >&2
  exit 2
fi

# Warnings stay visible but not fatal here: GCC 12 at -O3 reports false -Wrestrict positives in
# std::string code (GCC bug 105329) that the normal build (-O2) does not.
flock "$lock" cmake -S "$repo" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DKITH_BUILD_BENCH=ON \
  -DKITH_BUILD_TESTS=OFF -DKITH_WARNINGS_AS_ERRORS=OFF >/dev/null
if [[ $only == pairing ]]; then
  flock "$lock" cmake --build "$build" -j2 --target kith_pairing_bench
  echo "== intro pairings: matching 10,000 participants with a year of history (bench/pairing)"
  exec flock "$lock" "$build/bench/pairing/kith_pairing_bench" --people 10000
fi
flock "$lock" cmake --build "$build" -j2 --target kith_analytics_bench kith_ingest_bench

echo "== kith ingest: Mattermost events -> translate -> dispatcher -> pseudonyms -> SQLite"
"$build/bench/ingest/kith_ingest_bench" --out "$out"
[[ $only == ingest ]] && sizes=()

# As the README's service unit recommends: the digest's large allocations on transparent huge pages, for
# jemalloc (which the build links by default) and for glibc's malloc (a build with -DKITH_ALLOCATOR=system);
# each allocator ignores the other's setting. Bare igraph runs in the same process, so both sides of every ratio
# get the same allocator.
export MALLOC_CONF=${MALLOC_CONF:-thp:always,metadata_thp:auto}
export GLIBC_TUNABLES=${GLIBC_TUNABLES:-glibc.malloc.hugetlb=1}
for size in "${sizes[@]}"; do
  echo "== kith analytics digest, $size org (MALLOC_CONF=$MALLOC_CONF)"
  "$build/bench/kith_analytics_bench" --size "$size" --out "$out"
  echo "== NetworkX reference, $size org (budget ${budget} s)"
  python3 "$repo/bench/networkx_reference.py" --size "$size" --dir "$out" --budget "$budget"
done

echo "== summary"
grep -h -E '_per_s|^(full_peak_rss_mib|ratio_)' "$out/results_ingest.txt" | sed "s/^/ingest /"
for size in "${sizes[@]}"; do
  grep -h -E '^(digest_seconds|digest_peak_rss_mib|digest_sqlite_seconds|digest_sqlite_peak_rss_mib|sqlite_summarise_seconds_per_week|sqlite_summarise_peak_rss_mib|process_peak_rss_mib|ratio_)' "$out/results_$size.txt" | sed "s/^/$size /"
  grep -h -E '^(networkx_total|ratio_networkx)' "$out/networkx_$size.txt" | sed "s/^/$size /"
done

[[ $only == ingest ]] && exit 0
echo "== intro pairings: matching 10,000 participants with a year of history (bench/pairing)"
flock "$lock" cmake --build "$build" -j2 --target kith_pairing_bench
flock "$lock" "$build/bench/pairing/kith_pairing_bench" --people 10000
