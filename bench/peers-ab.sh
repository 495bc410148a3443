#!/usr/bin/env bash
# thesis against Polars and DuckDB at size, alternating: each round runs every command once
# (CSV→CSV, then Parquet→Parquet), N rounds; prints median wall seconds, user CPU and peak RSS
# (GNU time's maximum resident set size) per command, the thesis/peer ratios, and checks the
# last outputs agree (bench/peers.py agree). Optional BASE=binary adds an earlier thesis build.
#   OUT=bench/out N=5 bench/peers-ab.sh THESIS_BINARY     (after bench/run.sh made OUT)
# RES=dir puts the outputs there instead of into OUT (for a shared, read-only OUT).
set -euo pipefail
cd "$(dirname "$0")/.."
THESIS=$1 OUT=${OUT:-bench/out} N=${N:-5} BASE=${BASE:-}
RES=${RES:-$OUT}
mkdir -p "$RES"
# shellcheck source=bench/peers.sh
. bench/peers.sh
R=$OUT/rules/declarative/rules.yaml
times=$(mktemp)
run() { # run NAME COMMAND...
  /usr/bin/time -o "$times" -a -f "$1 %e %U %M" "${@:2}" >/dev/null
}
for _ in $(seq "$N"); do
  for f in csv parquet; do
    data=$OUT/datasets src=$OUT/datasets/universe.csv
    if [ $f = parquet ]; then data=$OUT/parquet src=$OUT/parquet/universe.parquet; fi
    run "thesis-$f" "$THESIS" --rules "$R" --data "$data" rank --format $f --output "$RES/thesis.$f"
    if [ -n "$BASE" ]; then
      run "base-$f" "$BASE" --rules "$R" --data "$data" rank --format $f --output "$RES/base.$f"
    fi
    run "polars-$f" "$PY" bench/peers.py polars "$R" "$src" "$RES/polars.$f"
    run "duckdb-$f" "$PY" bench/peers.py duckdb "$R" "$src" "$RES/duckdb.$f"
  done
done
for f in csv parquet; do
  "$PY" bench/peers.py agree "$RES/thesis.$f" "$RES/polars.$f" "$RES/duckdb.$f"
  # CSV byte for byte; Parquet as a table (writers may encode the same table differently).
  if [ -n "$BASE" ] && [ $f = csv ]; then cmp "$RES/thesis.$f" "$RES/base.$f"; fi
  if [ -n "$BASE" ] && [ $f = parquet ]; then
    "$PY" -c 'import polars as pl, sys; assert pl.read_parquet(sys.argv[1]).equals(pl.read_parquet(sys.argv[2])), "tables differ"' \
      "$RES/thesis.$f" "$RES/base.$f"
  fi
done
"$PY" - "$times" <<'PY'
import collections, statistics, sys
runs = collections.defaultdict(list)
for line in open(sys.argv[1]):
    name, wall, user, rss = line.split()
    runs[name].append((float(wall), float(user), int(rss)))
med = {}
for name, v in sorted(runs.items()):
    wall = statistics.median(x[0] for x in v)
    med[name] = wall
    print(f"{name:15} wall median {wall:.2f} s (min {min(x[0] for x in v):.2f}, max {max(x[0] for x in v):.2f})"
          f"  user median {statistics.median(x[1] for x in v):.2f} s"
          f"  peak RSS median {statistics.median(x[2] for x in v) / 1024:.0f} MB  ({len(v)} runs)")
for f in ("csv", "parquet"):
    t = med[f"thesis-{f}"]
    print(f"{f:8} thesis/polars {t / med[f'polars-{f}']:.2f}   thesis/duckdb {t / med[f'duckdb-{f}']:.2f}"
          + (f"   thesis/base {t / med[f'base-{f}']:.2f}" if f"base-{f}" in med else ""))
PY
rm -f "$times"
