#!/usr/bin/env bash
# One command for a new user: install what is needed, build Kith, and run the demo.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DKITH_BUILD_TESTS=OFF > /dev/null
cmake --build build --target kith -j"$(nproc)"
exec build/bot/app/kith demo "$@"
