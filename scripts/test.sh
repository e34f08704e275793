#!/usr/bin/env bash
# One command for the whole test suite: install, build, and run every test twice — in a normal
# build and in an AddressSanitizer + UndefinedBehaviorSanitizer build — plus the protocol test
# servers' conformance tests against the official clients, and the Debian package installed into a fresh
# Debian 12 root. CI runs exactly this.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
# Node.js 20 or later, with npm, runs the protocol test servers and the official chat clients. It is the
# machine's own: Debian 12's nodejs package is 18, too old for matrix-js-sdk and `node --test` options.
node_major="$(node --version 2>/dev/null | sed -E 's/^v([0-9]+).*/\1/' || true)"
if [ -z "$node_major" ] || [ "$node_major" -lt 20 ] || ! command -v npm > /dev/null; then
  echo "test.sh: the tests need Node.js 20 or later with npm (found node ${node_major:-none});" \
    "install it from your distribution's Node.js 20 packages or NodeSource, then run again" >&2
  exit 1
fi
# The official API descriptions every request is checked against (see README, Two commands).
for spec in "${KITH_MATTERMOST_SPEC:-../shared/specs/mattermost/v4/source}/posts.yaml" \
  "${KITH_MATRIX_SPEC:-../shared/specs/matrix/data}/api/client-server/sync.yaml"; do
  if [ ! -f "$spec" ]; then
    echo "test.sh: the official API description $spec is missing; put shared/specs beside the clone" \
      "or set KITH_MATTERMOST_SPEC / KITH_MATRIX_SPEC (see README, Two commands)" >&2
    exit 1
  fi
done
jobs="$(nproc)"

echo "== protocol test server dependencies (npm ci; the official Mattermost client, ws, yaml)"
(cd tests/mattermost && npm ci --no-audit --no-fund --loglevel=error)
echo "== protocol test server dependencies (npm ci; matrix-js-sdk, ajv, js-yaml)"
(cd tests/matrix/conformance && npm ci --no-audit --no-fund --loglevel=error)

echo "== real homeservers for the Matrix tests (Synapse 1.98.0, Dendrite v0.13.8; cached in build/realhs)"
tests/matrix/realhs/install.sh build/realhs

echo "== build and test (RelWithDebInfo, with the real homeservers)"
# The tests are asked for explicitly: scripts/demo.sh configures the same build/ without them.
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DKITH_BUILD_TESTS=ON -DKITH_REAL_HOMESERVERS=ON \
  -DKITH_PACKAGE_TESTS=ON > /dev/null
cmake --build build -j"$jobs"
ctest --test-dir build -j"$jobs" --output-on-failure --no-tests=error -LE '^package$'

echo "== the Debian package, installed into a fresh Debian 12 root (debootstrap, cached in build/tests/package)"
# They need root (debootstrap, chroot, mount): sudo, as for apt, when not run as root.
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
$sudo ctest --test-dir build --output-on-failure --no-tests=error -L '^package$'

echo "== build and test with ASan + UBSan"
# The real homeservers are not run again here: they test the wire, which the normal build covers.
cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=Debug -DKITH_SANITIZE=ON -DKITH_BUILD_TESTS=ON -DKITH_REAL_HOMESERVERS=OFF > /dev/null
cmake --build build-asan -j"$jobs"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  LSAN_OPTIONS=suppressions="$PWD/tests/lsan.supp" \
  ctest --test-dir build-asan -j"$jobs" --output-on-failure --no-tests=error
