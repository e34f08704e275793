#!/usr/bin/env bash
# Installs the two real Matrix homeservers the test suite runs Kith against (test-only; see README,
# "Real homeservers in the tests"), into build/realhs/ so CI's build cache keeps them:
#   - Synapse 1.98.0 (the last Apache-2.0 release) from wheels pinned with hashes in
#     synapse-requirements.txt, into build/realhs/synapse-venv;
#   - Dendrite v0.13.8 with `go install` from the Go module proxy, into build/realhs/bin.
# Each is skipped when already there at the right version, so a warm run takes about a second.
# Both are checked for AGPL (or any GPL) code before they are used.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="${1:-$here/../../../build/realhs}"
mkdir -p "$root"
root="$(cd "$root" && pwd)"

synapse_version=1.98.0
dendrite_version=v0.13.8

install_synapse() {
  local venv="$root/synapse-venv" stamp="$root/synapse-venv/.kith-requirements.sha256"
  local want
  want="$(sha256sum "$here/synapse-requirements.txt" | cut -d' ' -f1)"
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] && [ -x "$venv/bin/python" ]; then
    echo "realhs: Synapse $synapse_version is installed ($venv)"
    return
  fi
  # The pins were resolved for CPython 3.11 (the wheels' ABI), see synapse-requirements.txt.
  local python
  python="$(command -v python3.11 || true)"
  if [ -z "$python" ] || ! "$python" -c 'import venv, ensurepip' 2> /dev/null; then
    echo "realhs: Synapse needs python3.11 with its venv module (Debian: python3.11-venv)" >&2
    exit 1
  fi
  echo "realhs: installing Synapse $synapse_version into $venv"
  # The migrated data directory the tests keep (realserver.js) belongs to the old installation.
  rm -rf "$venv" "$root/templates/synapse"
  "$python" -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check --no-input \
    --require-hashes --only-binary=:all: -r "$here/synapse-requirements.txt"
  "$venv/bin/python" "$here/licences.py" --require matrix-synapse=$synapse_version=Apache-2.0
  echo "$want" > "$stamp"
}

# The licence file of each Go module in the binary, read from the module cache the build used.
check_go_licences() {
  local bin="$1" bad=0 module version dir text
  while read -r module version; do
    # The module cache spells capitals as '!' + lower case.
    dir="$root/go/pkg/mod/$(echo "$module" | sed -E 's/[A-Z]/!\L&/g')@$version"
    # The licence's title, at the top of its file (the MPL names the GPL further down).
    text="$(cat "$dir"/LICEN[CS]E* "$dir"/COPYING* 2> /dev/null | head -c 600 || true)"
    if [ -z "$text" ]; then
      echo "realhs: $module $version has no licence file in the module cache" >&2; bad=1
    elif grep -qiE 'GNU (AFFERO )?GENERAL PUBLIC LICENSE' <<< "$text"; then
      echo "realhs: $module $version is under a GPL licence" >&2; bad=1
    fi
  done < <(go version -m "$bin" | awk '$1 == "dep" || $1 == "mod" { print $2, $3 }')
  [ "$bad" -eq 0 ] || exit 1
}

install_dendrite() {
  local bin="$root/bin/dendrite" stamp="$root/bin/.kith-dendrite-checked"
  # The stamp is written once the licences passed, so a build that failed the check is redone.
  if [ -x "$bin" ] && [ "$(cat "$stamp" 2> /dev/null)" = "$dendrite_version" ]; then
    echo "realhs: Dendrite $dendrite_version is installed ($bin)"
    return
  fi
  if ! command -v go > /dev/null; then
    echo "realhs: Dendrite is built with the Go toolchain (1.21 or later); go is not on PATH" >&2
    exit 1
  fi
  echo "realhs: building Dendrite $dendrite_version into $root/bin"
  rm -rf "$root/templates/dendrite"
  # Its SQLite driver is cgo; the module cache is kept writable so `rm -rf build` works.
  GOBIN="$root/bin" GOPATH="$root/go" GOCACHE="$root/go-cache" GOFLAGS=-modcacherw CGO_ENABLED=1 \
    go install "github.com/matrix-org/dendrite/cmd/dendrite@$dendrite_version" \
    "github.com/matrix-org/dendrite/cmd/generate-keys@$dendrite_version"
  go version -m "$bin" | grep -qE "^\s+mod\s+github.com/matrix-org/dendrite\s+$dendrite_version\s"
  check_go_licences "$bin"
  echo "$dendrite_version" > "$stamp"
}

start=$SECONDS
install_synapse
install_dendrite
echo "realhs: both homeservers ready in $((SECONDS - start)) s"
