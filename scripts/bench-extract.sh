#!/usr/bin/env bash
# Extraction benchmark: runs `marsad extract --jsonl` over the ScrapingHub and
# trafilatura-eval pages, scores both with ../shared/bench/extraction/evaluate.py
# and fails (exit 1) when ScrapingHub F1 < 0.95 (the CI gate).
#
#   MARSAD_BIN=path      binary to run (default target/release/marsad)
#   EXTRACT_CMD="cmd"    full command instead, e.g.
#                        EXTRACT_CMD="target/release/examples/extract" (it gets
#                        `--jsonl FILE...` appended)
#   BENCH_OUT=dir        where predictions go (default bench-out/, gitignored)
#   MIN_F1=0.95          the gate
set -euo pipefail
cd "$(dirname "$0")/.."

BENCH=../shared/bench/extraction
if [[ ! -d "$BENCH" ]]; then
    echo "bench-extract: $BENCH not found; skipping the extraction benchmark"
    exit 0
fi
BIN=${MARSAD_BIN:-target/release/marsad}
if [[ -z "${EXTRACT_CMD:-}" && ! -x "$BIN" ]]; then
    echo "bench-extract: $BIN not found; build it (cargo build --release) or set MARSAD_BIN / EXTRACT_CMD" >&2
    exit 2
fi
CMD=${EXTRACT_CMD:-"$BIN extract"}
OUT=${BENCH_OUT:-bench-out}
MIN_F1=${MIN_F1:-0.95}
mkdir -p "$OUT"

run_set() { # name, glob dir
    local name=$1 dir=$2 start end
    start=$(date +%s.%N)
    # shellcheck disable=SC2086
    $CMD --jsonl "$dir"/* > "$OUT/$name.jsonl"
    end=$(date +%s.%N)
    python3 scripts/bench_preds.py "$OUT/$name.json" < "$OUT/$name.jsonl"
    local n
    n=$(wc -l < "$OUT/$name.jsonl")
    python3 -c "import sys; n,s,e=int(sys.argv[1]),float(sys.argv[2]),float(sys.argv[3]); print(f'$name: {n} pages in {e-s:.2f} s, {n/(e-s):.1f} pages/s (end to end: read, gunzip, decode, extract, JSON)')" "$n" "$start" "$end"
}

run_set scrapinghub "$BENCH/scrapinghub/html"
run_set trafilatura-eval "$BENCH/trafilatura-eval/pages"

echo "== scrapinghub"
python3 "$BENCH/evaluate.py" "$OUT/scrapinghub.json" --per-page "$OUT/scrapinghub.per-page.json" | tee "$OUT/scrapinghub.score"
echo "== trafilatura-eval"
python3 "$BENCH/evaluate.py" "$OUT/trafilatura-eval.json" --set trafilatura-eval | tee "$OUT/trafilatura-eval.score"

f1=$(tail -n 1 "$OUT/scrapinghub.score" | awk '{print $2}')
if python3 -c "import sys; sys.exit(0 if float(sys.argv[1]) >= float(sys.argv[2]) else 1)" "$f1" "$MIN_F1"; then
    echo "bench-extract: scrapinghub F1 $f1 >= $MIN_F1"
else
    echo "bench-extract: FAIL scrapinghub F1 $f1 < $MIN_F1" >&2
    exit 1
fi
