#!/usr/bin/env bash
# Installs everything Kith needs to build, test and run, from Debian 12 packages only.
# Why each package is there: README.md, "Dependencies".
set -euo pipefail
packages=(
  build-essential cmake ninja-build ccache pkg-config
  libboost1.81-all-dev libssl-dev libsqlite3-dev nlohmann-json3-dev libsimdjson-dev
  libtomlplusplus-dev libcli11-dev libspdlog-dev libfmt-dev libhowardhinnant-date-dev tzdata
  libigraph-dev liblemon-dev libcairo2-dev libjemalloc-dev catch2
  python3 python3-networkx
  debootstrap systemd-container
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} packages are installed"
  exit 0
fi
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
echo "install-deps: installing ${missing[*]}"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
