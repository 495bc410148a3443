#!/usr/bin/env bash
# The read stage at size, alternating builds: each round runs `rank --timings` once per binary
# per input (CSV→CSV, Parquet→Parquet), N rounds; prints per binary and input the median of
# the `check datasets` stage, of the whole run (wall) and of the peak RSS, and checks every
# binary's last outputs against the first binary's: CSV byte-identical, Parquet the same table
# (read back with Polars from OUT's venv: writers may encode the same table differently).
#   OUT=bench/out RES=/tmp/read N=5 bench/read-ab.sh BINARY [BINARY...]   (OUT from bench/run.sh)
# Outputs go to RES (default: a fresh temporary directory), never into OUT.
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=${OUT:-bench/out} N=${N:-5} RES=${RES:-$(mktemp -d)}
mkdir -p "$RES"
R=$OUT/rules/declarative/rules.yaml
log=$RES/read-ab.log
: >"$log"
for _ in $(seq "$N"); do
  for f in csv parquet; do
    data=$OUT/datasets
    if [ $f = parquet ]; then data=$OUT/parquet; fi
    i=0
    for bin in "$@"; do
      i=$((i + 1))
      /usr/bin/time -o "$RES/time" -f "%e %M" "$bin" --rules "$R" --data "$data" rank --format $f \
        --output "$RES/out$i.$f" --timings 2>"$RES/err"
      stage=$(awk '/check datasets/ {print $(NF-1)}' "$RES/err")
      echo "$i $f $stage $(cat "$RES/time")" >>"$log"
    done
  done
done
for i in $(seq 2 $#); do
  cmp "$RES/out1.csv" "$RES/out$i.csv"
  "$OUT/venv/bin/python" -c 'import polars as pl, sys; assert pl.read_parquet(sys.argv[1]).equals(pl.read_parquet(sys.argv[2])), "Parquet tables differ"' \
    "$RES/out1.parquet" "$RES/out$i.parquet"
done
python3 - "$log" "$@" <<'PY'
import collections, statistics, sys
runs = collections.defaultdict(list)
for line in open(sys.argv[1]):
    i, f, stage, wall, rss = line.split()
    runs[(int(i), f)].append((float(stage), float(wall), int(rss)))
for (i, f), v in sorted(runs.items()):
    med = lambda k: statistics.median(x[k] for x in v)
    print(f"{sys.argv[1 + i]:40} {f:8} check datasets {med(0):7.0f} ms (min {min(x[0] for x in v):.0f})"
          f"  wall {med(1):.2f} s  peak RSS {med(2) / 1024:.0f} MB  ({len(v)} runs)")
PY
