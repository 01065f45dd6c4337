#!/usr/bin/env bash
# Scores `marsad claims` on the shared development set of control claims.
#
# usage: scripts/eval-claims.sh        (from the repository root)
# env:   MARSAD_BIN  the binary to run (default target/debug/marsad)
#        MIN_F1      the threshold (default 0.95)
# Exits non-zero when the F1 is below the threshold; prints a notice and
# exits 0 when the shared evaluation data (../shared) is not present.
set -euo pipefail

cd "$(dirname "$0")/.."
shared=../shared
gold="$shared/eval/claims-dev.jsonl"
watchlist="$shared/eval/watchlist-dev.toml"
scorer="$shared/eval/score_claims.py"

if [ ! -d "$shared" ] || [ ! -f "$gold" ] || [ ! -f "$watchlist" ] || [ ! -f "$scorer" ]; then
    echo "eval-claims: $shared/eval not found; skipping the claims evaluation"
    exit 0
fi

bin="${MARSAD_BIN:-target/debug/marsad}"
pred="$(mktemp "${TMPDIR:-/tmp}/marsad-claims.XXXXXX.jsonl")"
trap 'rm -f "$pred"' EXIT

"$bin" claims --watchlist "$watchlist" "$gold" >"$pred"
python3 "$scorer" "$gold" "$pred" --min-f1 "${MIN_F1:-0.95}"
