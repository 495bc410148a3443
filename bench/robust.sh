#!/usr/bin/env bash
# The `thesis robust` figures in BENCHMARKS.md (issue 11 §4), each against `rank` of the same
# build in the same run, alternating, N rounds (default 5), medians printed at the end:
#   - flip points of 1,000,000 companies × 40 factors against `rank`, CSV and Parquet written
#     to a file (FLIPS_OUT, default bench/out-robust; the CSV of the flips that exist is ~178 MB,
#     ~2.2 GB with --out-of-reach, which EXTRA="--out-of-reach" adds to both flips runs);
#   - SMAA-2, 10,000 samples × 10,000 companies × 40 factors (category weights varying),
#     JSON, against `rank` of the 10,000 (its peak RSS over rank's is the memory figure).
# Usage: THESIS=target/release/thesis [U=dir-of-1M] [SMALL=dir-of-10k] [N=5] bench/robust.sh
# U and SMALL are `gen_universe` outputs (datasets/ and rules/declarative/); they are generated
# under bench/ when not given. Needs GNU time.
set -euo pipefail
cd "$(dirname "$0")/.."
THESIS=${THESIS:-target/release/thesis}
N=${N:-5}
U=${U:-bench/out}
SMALL=${SMALL:-bench/out-10k}
OUT=${FLIPS_OUT:-bench/out-robust}
mkdir -p "$OUT"
if [ ! -f "$U/datasets/universe.csv" ] || [ ! -f "$SMALL/datasets/universe.csv" ]; then
  cargo build --release --example gen_universe
  [ -f "$U/datasets/universe.csv" ] || target/release/examples/gen_universe --rows 1000000 --attrs 40 --out "$U"
  [ -f "$SMALL/datasets/universe.csv" ] || target/release/examples/gen_universe --rows 10000 --attrs 40 --out "$SMALL"
fi
LOG="$OUT/runs.log"
: > "$LOG"
# One measured run: label, then the command; appends "label wall_s peak_kb" to the log.
run() {
  local label=$1; shift
  /usr/bin/time -o "$OUT/time" -f "%e %M" "$@" > /dev/null
  echo "$label $(cat "$OUT/time")" | tee -a "$LOG"
}
big=(--rules "$U/rules/declarative" --data "$U/datasets")
small=(--rules "$SMALL/rules/declarative" --data "$SMALL/datasets")
uptime
for i in $(seq "$N"); do
  run rank-1m-csv "$THESIS" "${big[@]}" rank --format csv --output "$OUT/rank.csv"
  run flips-1m-csv "$THESIS" "${big[@]}" robust --analyses flips ${EXTRA:-} --format csv --output "$OUT/flips.csv"
  rm -f "$OUT/flips.csv"
  run rank-1m-parquet "$THESIS" "${big[@]}" rank --format parquet --output "$OUT/rank.parquet"
  run flips-1m-parquet "$THESIS" "${big[@]}" robust --analyses flips ${EXTRA:-} --format parquet --output "$OUT/flips.parquet"
  run rank-10k-csv "$THESIS" "${small[@]}" rank --format csv --output "$OUT/rank-10k.csv"
  run smaa-10k-json "$THESIS" "${small[@]}" robust --analyses smaa --samples 10000 --seed 1 --format json --output "$OUT/smaa.json"
  uptime
done
echo "== medians over $N runs (wall s, peak RSS KB)"
awk '{ w[$1] = w[$1] " " $2; m[$1] = m[$1] " " $3 }
     END { for (k in w) { print k, w[k] " |" m[k] } }' "$LOG" | while read -r label rest; do
  walls=${rest%%|*}; mems=${rest#*|}
  med() { tr ' ' '\n' | grep -v '^$' | sort -g | awk '{ a[NR] = $1 } END { print (NR % 2 ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2) }'; }
  echo "$label wall $(echo "$walls" | med) s (runs:$walls) peak $(echo "$mems" | med) KB"
done | sort
