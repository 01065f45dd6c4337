#!/usr/bin/env bash
# Checks systemd/marsad.service with systemd-analyze: `verify` must print
# nothing, and the offline exposure score must be at most 2.0. Installs
# Debian's systemd package when the tool is missing and apt is usable;
# otherwise skips with a notice.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v systemd-analyze >/dev/null 2>&1; then
    if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
        (apt-get update -qq && apt-get install -y -qq systemd >/dev/null) || true
    fi
fi
if ! command -v systemd-analyze >/dev/null 2>&1; then
    echo "check-systemd: systemd-analyze not available; skipping the unit checks"
    exit 0
fi

bin="${MARSAD_BIN:-$PWD/target/debug/marsad}"
[ -x "$bin" ] || cargo build -q
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
# verify checks that ExecStart exists: point it at the binary just built.
sed "s|/usr/local/bin/marsad|$bin|" systemd/marsad.service >"$tmp/marsad.service"
out="$(systemd-analyze verify "$tmp/marsad.service" 2>&1 || true)"
if [ -n "$out" ]; then
    echo "systemd-analyze verify:"
    echo "$out"
    exit 1
fi
score="$(systemd-analyze security --offline=yes "$tmp/marsad.service" 2>&1 | sed -n 's/.*Overall exposure level for marsad.service: \([0-9.]*\).*/\1/p')"
echo "systemd-analyze verify: clean; exposure score: ${score:-?}"
if [ -z "$score" ] || ! python3 -c "import sys; sys.exit(0 if float('$score') <= 2.0 else 1)"; then
    echo "exposure score above 2.0"
    exit 1
fi
