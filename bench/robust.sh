#!/usr/bin/env bash
# The `thesis robust` figures in BENCHMARKS.md (issue 11 §4): SMAA-2 with 10,000 samples over
# 10,000 companies × 40 factors, and flip points for 1,000,000 companies against `rank`.
# Needs GNU time. Run once, late, on a release build.
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=${OUT:-bench/out}
SMALL=${SMALL:-bench/out-10k}
THESIS=target/release/thesis
cargo build --release --bin thesis --example gen_universe
[ -f "$OUT/datasets/universe.csv" ] || target/release/examples/gen_universe --rows 1000000 --attrs 40 --out "$OUT"
[ -f "$SMALL/datasets/universe.csv" ] || target/release/examples/gen_universe --rows 10000 --attrs 40 --out "$SMALL"
uptime
run() { /usr/bin/time -f "%e s wall, %U s user, %M KB peak RSS" "$@"; }
echo "== SMAA-2: 10,000 samples × 10,000 companies × 40 factors (4 categories: the category weights vary)"
run $THESIS --rules "$SMALL/rules/declarative" --data "$SMALL/datasets" --timings \
  robust --analyses smaa --samples 10000 --seed 1 --format json --output "$SMALL/smaa.json"
echo "== the same, the factor weights of one category (10 factors) varying"
run $THESIS --rules "$SMALL/rules/declarative" --data "$SMALL/datasets" --timings \
  robust --analyses smaa --samples 10000 --seed 1 --vary risk --format json --output "$SMALL/smaa-risk.json"
echo "== rank of 10,000 (the load + score floor of the SMAA run)"
run $THESIS --rules "$SMALL/rules/declarative" --data "$SMALL/datasets" --timings rank --format csv --output "$SMALL/rank.csv"
echo "== rank of 1,000,000 companies"
run $THESIS --rules "$OUT/rules/declarative" --data "$OUT/datasets" --timings rank --format csv --output /dev/null
echo "== flip points of 1,000,000 companies (computed; the CSV written to /dev/null)"
run $THESIS --rules "$OUT/rules/declarative" --data "$OUT/datasets" --timings \
  robust --analyses flips --format csv --output /dev/null
uptime
