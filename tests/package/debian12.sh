#!/usr/bin/env bash
# The Debian package as an admin meets it, in a fresh Debian 12 root (tests/package/CMakeLists.txt).
#
#   debian12.sh deb     BUILD WORK   cpack -G DEB from the build; checks the package's fields and files
#   debian12.sh install BUILD WORK   a fresh bookworm minbase root (debootstrap, cached as a tarball in
#                                    WORK), then in a chroot: apt-get install ./kith_*.deb, kith --version,
#                                    check-config, the user, the folders, a reinstall, a purge
#   debian12.sh unit    BUILD WORK   systemd-analyze verify and security --offline=yes on the installed
#                                    unit, with Debian 12's own systemd; fails above KITH_MAX_EXPOSURE (2.0)
#   debian12.sh boot    BUILD WORK   boots the root (systemd-nspawn): the service enabled as an admin
#                                    would, running in its sandbox, /healthz, a restart after SIGKILL
#   debian12.sh purge   BUILD WORK   apt-get purge: the package's files go, the data, the admin's
#                                    configuration and the user stay; installing again works
#   debian12.sh clean   BUILD WORK   unmounts and deletes the root (the cached tarball stays)
#
# Needs root (debootstrap, chroot, mount), debootstrap and the Debian mirror this machine's apt uses
# (or KITH_DEBIAN_MIRROR). Exits 77 (CTest: skipped) without root or debootstrap.
set -euo pipefail
step="$1"
build="$(cd "$2" && pwd)"
work="$3"
mkdir -p "$work"
work="$(cd "$work" && pwd)"
root="$work/root"
max_exposure="${KITH_MAX_EXPOSURE:-2.0}"

fail() {
  echo "FAIL: $*" >&2
  exit 1
}
say() { echo "== $*"; }

# expect DESCRIPTION ACTUAL EXPECTED
expect() {
  if [ "$2" != "$3" ]; then fail "$1: expected '$3', got '$2'"; fi
  echo "ok: $1: $2"
}

need_root() {
  if [ "$(id -u)" -ne 0 ]; then
    echo "SKIP: the package tests need root (debootstrap, chroot, mount); run them as root" >&2
    exit 77
  fi
  if ! command -v debootstrap > /dev/null; then
    echo "SKIP: debootstrap is missing (scripts/install-deps.sh installs it)" >&2
    exit 77
  fi
}

the_deb() {
  local debs=("$work"/deb/kith_*.deb)
  [ -f "${debs[0]}" ] || fail "no kith_*.deb in $work/deb: the package.deb test makes it"
  [ ${#debs[@]} -eq 1 ] || fail "more than one package in $work/deb: ${debs[*]}"
  echo "${debs[0]}"
}

# The Debian archive this machine's apt uses: the first deb822 stanza or one-line entry whose URI is a
# Debian archive (…/debian) serving a suite that is not -security. KITH_DEBIAN_MIRROR wins.
debian_mirror() {
  if [ -n "${KITH_DEBIAN_MIRROR:-}" ]; then
    echo "$KITH_DEBIAN_MIRROR"
    return
  fi
  python3 - /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources << 'EOF'
import re, sys
found = []
for path in sys.argv[1:]:
    try:
        text = open(path).read()
    except OSError:
        continue
    if path.endswith(".sources"):
        for stanza in re.split(r"\n\s*\n", text):
            fields = {}
            for line in stanza.splitlines():
                m = re.match(r"^([A-Za-z-]+):\s*(.*)$", line)
                if m:
                    fields[m.group(1).lower()] = m.group(2).split()
            if "deb" in fields.get("types", []) and fields.get("enabled", ["yes"])[0] != "no":
                for uri in fields.get("uris", []):
                    found.append((uri, fields.get("suites", [])))
    else:
        for line in text.splitlines():
            m = re.match(r"^\s*deb\s+(\[[^]]*\]\s+)?(\S+)\s+(\S+)", line)
            if m:
                found.append((m.group(2), [m.group(3)]))
for uri, suites in found:
    if re.search(r"/debian/?$", uri) and any(not s.endswith("-security") for s in suites):
        print(uri.rstrip("/"))
        sys.exit(0)
print("http://deb.debian.org/debian")
EOF
}

mounted_under() { awk -v r="$1" '$2 == r || index($2, r "/") == 1 { print $2 }' /proc/mounts; }

unmount_root() {
  local m
  # Deepest first.
  for m in $(mounted_under "$root" | sort -r); do umount -l "$m" || true; done
  if [ -n "$(mounted_under "$root")" ]; then fail "still mounted under $root: $(mounted_under "$root")"; fi
}

remove_root() {
  [ -e "$root" ] || return 0
  unmount_root
  # --one-file-system: never follows a mount out of the root, even one that appeared meanwhile.
  rm -rf --one-file-system "$root"
}

in_root() {
  chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 \
    DEBIAN_FRONTEND=noninteractive "$@"
}

# The bookworm minbase root, from the tarball when there is one. The tarball's name carries what made
# it (suite, variant, mirror), so changing any of them bootstraps again.
fresh_root() {
  local mirror key cache
  mirror="$(debian_mirror)"
  key="$(printf 'bookworm minbase %s\n' "$mirror" | sha256sum | cut -c1-12)"
  cache="$work/debian12-minbase-$key.tar.gz"
  remove_root
  if [ ! -f "$cache" ]; then
    say "debootstrap --variant=minbase bookworm from $mirror (once; cached in $cache)"
    local fresh="$work/bootstrap"
    if [ -e "$fresh" ]; then
      for m in $(mounted_under "$fresh" | sort -r); do umount -l "$m"; done
      rm -rf --one-file-system "$fresh"
    fi
    local t0=$SECONDS
    debootstrap --variant=minbase bookworm "$fresh" "$mirror" > "$work/debootstrap.log" 2>&1 ||
      { tail -n 30 "$work/debootstrap.log" >&2; fail "debootstrap failed (log: $work/debootstrap.log)"; }
    tar -C "$fresh" --numeric-owner -czf "$cache.tmp" .
    mv "$cache.tmp" "$cache"
    rm -rf --one-file-system "$fresh"
    echo "bootstrapped in $((SECONDS - t0)) s"
  else
    say "Debian 12 minbase root from $cache (no debootstrap)"
  fi
  mkdir -p "$root"
  tar -C "$root" --numeric-owner -xzf "$cache"
  mount -t proc proc "$root/proc"
  cp /etc/resolv.conf "$root/etc/resolv.conf"
  # Nothing is started in a chroot.
  printf '#!/bin/sh\nexit 101\n' > "$root/usr/sbin/policy-rc.d"
  chmod 755 "$root/usr/sbin/policy-rc.d"
  # Packages downloaded by earlier runs are kept beside the tarball, so a second run downloads none.
  mkdir -p "$work/apt-archives"
  find "$work/apt-archives" -name '*.deb' -exec cp -t "$root/var/cache/apt/archives/" {} +
}

keep_downloads() {
  find "$root/var/cache/apt/archives" -maxdepth 1 -name '*.deb' -exec cp -u -t "$work/apt-archives/" {} +
}

step_deb() {
  say "cpack -G DEB"
  rm -rf "$work/deb"
  cpack -G DEB --config "$build/CPackConfig.cmake" -B "$work/deb" > "$work/cpack.log" 2>&1 ||
    { cat "$work/cpack.log" >&2; fail "cpack failed"; }
  local deb
  deb="$(the_deb)"
  echo "built $deb ($(du -k "$deb" | cut -f1) KiB)"
  dpkg-deb --info "$deb"
  expect "Package" "$(dpkg-deb -f "$deb" Package)" kith
  expect "Architecture" "$(dpkg-deb -f "$deb" Architecture)" "$(dpkg --print-architecture)"
  local depends
  depends="$(dpkg-deb -f "$deb" Depends)"
  # dpkg-shlibdeps computed the libraries' packages; the rest is declared.
  local names
  names="$(tr ',' '\n' <<< "$depends" | awk '{print $1}')"
  for d in libc6 libstdc++6 libssl3 libsqlite3-0 libjemalloc2 libigraph3 libcairo2 libdate-tz3 adduser tzdata; do
    grep -Fqx "$d" <<< "$names" || fail "Depends lacks $d: $depends"
  done
  echo "ok: Depends: $depends"
  local files
  files="$(dpkg-deb --contents "$deb" | awk '{print $6}' | sed 's|^\./|/|')"
  for f in /usr/bin/kith /usr/lib/systemd/system/kith.service /usr/share/doc/kith/examples/kith.example.toml; do
    grep -qx "$f" <<< "$files" || fail "the package lacks $f"
  done
  # Only what an admin needs: no tests, benchmarks or headers; nothing in /etc (no conffile).
  local extra
  extra="$(grep -v -E '^/(usr/?|usr/bin/?|usr/bin/kith|usr/lib/?|usr/lib/systemd/?|usr/lib/systemd/system/?|usr/lib/systemd/system/kith\.service|usr/share/?|usr/share/doc/?|usr/share/doc/kith/?|usr/share/doc/kith/README\.md|usr/share/doc/kith/examples/?|usr/share/doc/kith/examples/kith\.example\.toml)?$' <<< "$files" || true)"
  [ -z "$extra" ] || fail "unexpected files in the package: $extra"
  echo "ok: contents: the binary, the unit, the example and the README"
  local scripts
  scripts="$(dpkg-deb --ctrl-tarfile "$deb" | tar -tv | awk '{print $1, $6}')"
  for s in postinst prerm postrm; do
    grep -Eq "^-rwxr-xr-x \./$s$" <<< "$scripts" || fail "the maintainer script $s is missing or not 0755: $scripts"
  done
  echo "ok: maintainer scripts postinst, prerm, postrm (0755)"
  # The binary in the package is stripped.
  local x="$work/deb/extracted"
  rm -rf "$x" && dpkg-deb -x "$deb" "$x"
  if readelf -S "$x/usr/bin/kith" | grep -Eq '\.(symtab|debug_info)'; then fail "/usr/bin/kith is not stripped"; fi
  echo "ok: /usr/bin/kith is stripped ($(du -k "$x/usr/bin/kith" | cut -f1) KiB)"
}

step_install() {
  need_root
  local deb
  deb="$(the_deb)"
  fresh_root
  cp "$deb" "$root/tmp/"
  local name
  name="$(basename "$deb")"
  say "apt-get update (from the mirror in the root's sources.list)"
  in_root apt-get update -q > "$work/apt-update.log" 2>&1 || { cat "$work/apt-update.log" >&2; fail "apt-get update"; }
  expect "systemd is not in the minbase root" "$(in_root sh -c 'command -v systemctl || echo none')" none
  say "apt-get install ./$name"
  in_root sh -c "cd /tmp && apt-get install -y -q ./$name" > "$work/apt-install.log" 2>&1 ||
    { cat "$work/apt-install.log" >&2; fail "apt-get install ./$name"; }
  grep -E "^(Setting up|kith:)" "$work/apt-install.log" || true
  keep_downloads
  expect "the package is installed" "$(in_root dpkg-query -W -f='${Status}' kith)" "install ok installed"
  expect "the postinst tells the admin what to do" \
    "$(grep -c "kith: write /etc/kith/kith.toml" "$work/apt-install.log")" 1

  say "the binary"
  expect "command -v kith" "$(in_root sh -c 'command -v kith')" /usr/bin/kith
  expect "kith --version" "$(in_root kith --version)" "kith $(sed -n 's/^CMAKE_PROJECT_VERSION:STATIC=//p' "$build/CMakeCache.txt")"
  local out
  out="$(in_root kith check-config /usr/share/doc/kith/examples/kith.example.toml)" ||
    fail "kith check-config rejects the packaged example: $out"
  expect "check-config on the packaged example" "${out%%: OK*}: OK" "/usr/share/doc/kith/examples/kith.example.toml: OK"

  say "the kith user and its folders"
  local pw uid
  pw="$(in_root getent passwd kith)" || fail "no kith user after installing"
  IFS=: read -r _ _ uid _ _ home shell <<< "$pw"
  [ "$uid" -ge 100 ] && [ "$uid" -lt 1000 ] || fail "kith's uid $uid is not a system uid (100-999)"
  echo "ok: kith is a system user (uid $uid)"
  expect "kith's home" "$home" /var/lib/kith
  expect "kith's shell" "$shell" /usr/sbin/nologin
  expect "kith's primary group" "$(in_root id -gn kith)" kith
  expect "/var/lib/kith" "$(in_root stat -c '%U:%G %a' /var/lib/kith)" "kith:kith 700"
  expect "/etc/kith" "$(in_root stat -c '%U:%G %a' /etc/kith)" "root:kith 750"
  expect "the service is not enabled by the package" \
    "$(in_root sh -c 'ls /etc/systemd/system/*.wants/kith.service 2>/dev/null || echo none')" none

  say "a production configuration, written as the README says"
  in_root sh -c 'install -m 0640 -o root -g kith /dev/null /etc/kith/kith.toml && cat > /etc/kith/kith.toml' << 'EOF'
[bot]
adapter = "mattermost"
data_dir = "/var/lib/kith"
timezone = "Europe/Berlin"

[mattermost]
url = "https://mattermost.example.org"
token_file = "/etc/kith/mattermost.token"
listen = "0.0.0.0:8066"
public_url = "http://kith.internal:8066"
EOF
  out="$(in_root runuser -u kith -- kith check-config /etc/kith/kith.toml)" ||
    fail "kith (as the kith user) rejects /etc/kith/kith.toml: $out"
  grep -q "/etc/kith/kith.toml: OK (adapter mattermost, time zone Europe/Berlin, data in /var/lib/kith" <<< "$out" ||
    fail "check-config as kith: $out"
  echo "ok: check-config as the kith user: $out"
  # The service's user can use its folder: a short run with the terminal adapter makes the database
  # there, private.
  in_root sh -c 'install -m 0640 -o root -g kith /dev/null /etc/kith/shell.toml &&
    printf "[bot]\nadapter = \"shell\"\ndata_dir = \"/var/lib/kith\"\n" > /etc/kith/shell.toml'
  local rc=0
  in_root sh -c 'cd /var/lib/kith && timeout 5 runuser -u kith -- kith run --config /etc/kith/shell.toml < /dev/null' \
    > "$work/run.log" 2>&1 || rc=$?
  [ "$rc" -eq 0 ] || [ "$rc" -eq 124 ] || { cat "$work/run.log" >&2; fail "kith run as kith exited $rc"; }
  local db=/var/lib/kith/kith.sqlite3
  [ -f "$root$db" ] || { cat "$work/run.log" >&2; fail "kith run as kith made no database in /var/lib/kith"; }
  expect "$db" "$(in_root stat -c '%U:%G %a' "$db")" "kith:kith 600"
  expect "/var/lib/kith after a run" "$(in_root stat -c '%U:%G %a' /var/lib/kith)" "kith:kith 700"

  say "installing again (the upgrade path) changes nothing"
  in_root dpkg -i "/tmp/$name" > "$work/reinstall.log" 2>&1 || { cat "$work/reinstall.log" >&2; fail "dpkg -i again"; }
  expect "kith's uid after a reinstall" "$(in_root id -u kith)" "$uid"
  expect "/var/lib/kith after a reinstall" "$(in_root stat -c '%U:%G %a' /var/lib/kith)" "kith:kith 700"
  expect "/etc/kith after a reinstall" "$(in_root stat -c '%U:%G %a' /etc/kith)" "root:kith 750"
  expect "the admin's configuration after a reinstall" "$(in_root stat -c '%U:%G %a' /etc/kith/kith.toml)" "root:kith 640"
  expect "no notice when the configuration exists" "$(grep -c "kith: write /etc/kith/kith.toml" "$work/reinstall.log" || true)" 0
}

step_unit() {
  need_root
  [ -x "$root/usr/bin/kith" ] || fail "no root with kith installed: the package.install_in_debian12 test makes it"
  say "Debian 12's systemd in the root, for systemd-analyze"
  in_root apt-get install -y -q --no-install-recommends systemd > "$work/apt-systemd.log" 2>&1 ||
    { cat "$work/apt-systemd.log" >&2; fail "apt-get install systemd"; }
  keep_downloads
  in_root systemd-analyze --version | head -n 1
  local unit=/usr/lib/systemd/system/kith.service
  say "systemd-analyze verify $unit"
  local out rc=0
  out="$(in_root systemd-analyze verify "$unit" 2>&1)" || rc=$?
  echo "$out"
  [ "$rc" -eq 0 ] || fail "systemd-analyze verify exited $rc"
  # verify returns 0 on warnings about the unit (an unknown key, a missing executable): none allowed.
  if grep -q "kith.service" <<< "$out"; then fail "systemd-analyze verify warns about the unit"; fi
  echo "ok: the unit verifies without a warning"
  for key in "User=kith" "ProtectSystem=strict" "ProtectHome=yes" "PrivateTmp=yes" "NoNewPrivileges=yes" \
    "StateDirectory=kith" "RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX" \
    "SystemCallFilter=@system-service" "Restart=on-failure" "ConditionPathExists=/etc/kith/kith.toml"; do
    grep -qx "$key" "$root$unit" || fail "the unit lacks $key"
  done
  echo "ok: the unit has the required settings"

  say "systemd-analyze security --offline=yes $unit"
  rc=0
  out="$(in_root systemd-analyze security --offline=yes --no-pager "$unit" 2>&1)" || rc=$?
  # The settings that still cost something, then the total.
  grep -E "^✗" <<< "$out" || true
  local score
  score="$(sed -n 's/.*Overall exposure level for kith.service: \([0-9.]*\).*/\1/p' <<< "$out")"
  [ -n "$score" ] || { echo "$out" >&2; fail "systemd-analyze security printed no exposure level (exit $rc)"; }
  echo "exposure level: $score (at most $max_exposure)"
  awk -v s="$score" -v m="$max_exposure" 'BEGIN { exit !(s <= m) }' ||
    fail "the unit's exposure level $score is above $max_exposure"
  echo "ok: exposure level $score"
}

# The service itself, in its sandbox: the root booted with systemd-nspawn, its systemd as PID 1. The
# admin's steps (a Mattermost configuration, a token file, `systemctl enable kith`), then a probe unit
# in the root reads the listener's /healthz, the service's state and its log, kills the service to
# see it restarted, and powers the root off. The chat server is a closed port, so Kith stays up,
# retrying, with its listener answering 503.
step_boot() {
  need_root
  if ! command -v systemd-nspawn > /dev/null; then
    echo "SKIP: systemd-nspawn is missing (systemd-container; scripts/install-deps.sh installs it)" >&2
    exit 77
  fi
  [ -x "$root/usr/bin/kith" ] && [ -x "$root/usr/bin/systemctl" ] ||
    fail "no root with kith and systemd installed: package.installs_in_debian12 and package.unit_is_sandboxed make it"
  say "the admin's steps: configuration, token file, systemctl enable kith"
  in_root sh -c 'install -m 0640 -o root -g kith /dev/null /etc/kith/kith.toml && cat > /etc/kith/kith.toml' << 'EOF2'
[bot]
adapter = "mattermost"
data_dir = "/var/lib/kith"

[mattermost]
url = "http://127.0.0.1:9"
token_file = "/etc/kith/mattermost.token"
listen = "127.0.0.1:8066"
EOF2
  in_root sh -c 'install -m 0600 -o kith -g kith /dev/null /etc/kith/mattermost.token &&
    echo not-a-real-token > /etc/kith/mattermost.token'
  in_root systemctl enable kith.service
  cat > "$root/usr/local/sbin/kith-probe" << 'EOF2'
#!/bin/bash
# Runs once the root has booted; everything it finds goes to /root/probe.txt.
healthz() {
  local i r
  for i in $(seq 1 30); do
    r="$( (exec 3<> /dev/tcp/127.0.0.1/8066 && printf 'GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n' >&3 &&
      timeout 5 head -n 1 <&3) 2> /dev/null)"
    if [ -n "$r" ]; then
      echo "${r%$'\r'}"
      return
    fi
    sleep 1
  done
  echo "no answer"
}
{
  echo "healthz=$(healthz)"
  systemctl show kith.service -p ActiveState -p SubState -p NRestarts -p ExecMainStatus -p MainPID
  pid="$(systemctl show kith.service -p MainPID --value)"
  echo "user=$(stat -c %U "/proc/$pid")"
  echo "database=$(stat -c '%U:%G %a' /var/lib/kith/kith.sqlite3)"
  echo "state_dir=$(stat -c '%U:%G %a' /var/lib/kith)"
  systemctl kill -s SIGKILL kith.service
  sleep 8
  echo "after_kill_$(systemctl show kith.service -p ActiveState)"
  echo "after_kill_$(systemctl show kith.service -p NRestarts)"
  echo "after_kill_healthz=$(healthz)"
  # A bad configuration (exit code 2) is not retried.
  cp /etc/kith/kith.toml /root/kith.toml.good
  printf '[bot]\nnmae = "kith"\n' > /etc/kith/kith.toml
  systemctl restart kith.service
  sleep 8
  echo "bad_config_$(systemctl show kith.service -p ActiveState)"
  echo "bad_config_$(systemctl show kith.service -p ExecMainStatus)"
  echo "bad_config_$(systemctl show kith.service -p NRestarts)"
  # Without /etc/kith/kith.toml the service does not start.
  rm /etc/kith/kith.toml
  systemctl reset-failed kith.service
  systemctl start kith.service
  echo "no_config_$(systemctl show kith.service -p ActiveState)"
  echo "no_config_$(systemctl show kith.service -p ConditionResult)"
  cp /root/kith.toml.good /etc/kith/kith.toml
  echo "--- journal"
  journalctl -u kith.service --no-pager -o cat
} > /root/probe.txt 2>&1
systemctl poweroff
EOF2
  chmod 755 "$root/usr/local/sbin/kith-probe"
  cat > "$root/etc/systemd/system/kith-probe.service" << 'EOF2'
[Unit]
Description=package test probe
After=kith.service
Wants=kith.service
[Service]
Type=oneshot
ExecStartPre=/bin/sleep 3
ExecStart=/usr/local/sbin/kith-probe
[Install]
WantedBy=multi-user.target
EOF2
  in_root systemctl enable kith-probe.service
  # The chroot's own mounts are not for the booted root.
  unmount_root
  rm -f "$root/root/probe.txt" "$root/usr/sbin/policy-rc.d"
  say "systemd-nspawn --boot"
  local rc=0 t0=$SECONDS nspawn_opts=()
  # Without systemd as this machine's PID 1 there is no scope to make and no machined to register with.
  [ -d /run/systemd/system ] || nspawn_opts=(--register=no --keep-unit)
  timeout 180 systemd-nspawn --quiet "${nspawn_opts[@]}" --boot --directory="$root" \
    --machine="kith-package-test-$$" > "$work/boot.log" 2>&1 < /dev/null || rc=$?
  echo "booted and powered off in $((SECONDS - t0)) s (exit $rc)"
  mount -t proc proc "$root/proc"
  [ -f "$root/root/probe.txt" ] || { tail -n 40 "$work/boot.log" >&2; fail "the booted root did not run the probe (exit $rc)"; }
  local probe
  probe="$(cat "$root/root/probe.txt")"
  echo "$probe"
  value() { sed -n "s/^$1=//p" <<< "$probe" | head -n 1; }
  expect "the service's state" "$(value ActiveState)/$(value SubState)" "active/running"
  expect "the service's user" "$(value user)" kith
  expect "/healthz while the chat server is unreachable" "$(value healthz)" "HTTP/1.1 503 Service Unavailable"
  expect "the database the service made" "$(value database)" "kith:kith 600"
  expect "the state directory" "$(value state_dir)" "kith:kith 700"
  expect "restarts before the kill" "$(value NRestarts)" 0
  expect "the service after SIGKILL" "$(value after_kill_ActiveState)" active
  expect "restarts after SIGKILL" "$(value after_kill_NRestarts)" 1
  expect "/healthz after the restart" "$(value after_kill_healthz)" "HTTP/1.1 503 Service Unavailable"
  expect "the service with a bad configuration" "$(value bad_config_ActiveState)" failed
  expect "its exit code" "$(value bad_config_ExecMainStatus)" 2
  expect "restarts with a bad configuration" "$(value bad_config_NRestarts)" 0
  expect "the service without /etc/kith/kith.toml" "$(value no_config_ActiveState)" inactive
  expect "its start condition without /etc/kith/kith.toml" "$(value no_config_ConditionResult)" no
  # A sandbox that refused something Kith needs shows in its log.
  if sed -n '/^--- journal$/,$p' <<< "$probe" | grep -Eiq "operation not permitted|permission denied|read-only file system|bad system call"; then
    fail "the service's log shows the sandbox refusing something"
  fi
  echo "ok: the service runs in its sandbox, answers /healthz, is restarted after a crash and not after a bad" \
    "configuration, and does not start without one"
}

step_purge() {
  need_root
  [ -x "$root/usr/bin/kith" ] || fail "no root with kith installed: the package.install_in_debian12 test makes it"
  local uid
  uid="$(in_root id -u kith)"
  say "apt-get purge kith"
  in_root apt-get purge -y -q kith > "$work/purge.log" 2>&1 || { cat "$work/purge.log" >&2; fail "apt-get purge kith"; }
  expect "the package after a purge" "$(in_root dpkg-query -W -f='${db:Status-Abbrev}' kith 2>/dev/null || echo gone)" gone
  for f in /usr/bin/kith /usr/lib/systemd/system/kith.service /usr/share/doc/kith; do
    [ ! -e "$root$f" ] || fail "$f is still there after a purge"
  done
  echo "ok: the binary, the unit and the documentation are gone"
  # What cannot be made again stays: the database (and key) and the admin's own configuration.
  [ -f "$root/var/lib/kith/kith.sqlite3" ] || fail "a purge deleted the database"
  [ -f "$root/etc/kith/kith.toml" ] || fail "a purge deleted the admin's /etc/kith/kith.toml"
  expect "the kith user after a purge" "$(in_root id -u kith)" "$uid"
  echo "ok: the database, /etc/kith/kith.toml and the kith user are kept"
  say "installing after a purge"
  in_root sh -c "cd /tmp && apt-get install -y -q ./$(basename "$(the_deb)")" > "$work/reinstall-after-purge.log" 2>&1 ||
    { cat "$work/reinstall-after-purge.log" >&2; fail "apt-get install after a purge"; }
  expect "kith's uid after a purge and an install" "$(in_root id -u kith)" "$uid"
  expect "/var/lib/kith after a purge and an install" "$(in_root stat -c '%U:%G %a' /var/lib/kith)" "kith:kith 700"
}

case "$step" in
  deb) step_deb ;;
  install) step_install ;;
  unit) step_unit ;;
  boot) step_boot ;;
  purge) step_purge ;;
  clean)
    need_root
    remove_root
    ;;
  *) fail "unknown step $step: deb, install, unit or clean" ;;
esac
