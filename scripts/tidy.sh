#!/usr/bin/env bash
# clang-tidy (the checks in .clang-tidy) over Kith's sources, or over the ones changed since REV.
# Usage: scripts/tidy.sh [REV]      Needs `apt-get install clang-tidy` and a configured build/.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -f build/compile_commands.json ] || cmake -S . -B build -G Ninja > /dev/null
if [ $# -gt 0 ]; then
  files=$(git diff --name-only "$1" -- '*.cpp' | grep -v '^tests/' || true)
else
  files=$(git ls-files '*.cpp' | grep -v '^tests/')
fi
if [ -z "$files" ]; then
  echo "tidy: no C++ sources to check"
  exit 0
fi
# shellcheck disable=SC2086 # one argument per file
run-clang-tidy -p build -j "$(nproc)" -quiet $(printf "$PWD/%s " $files)
