#!/usr/bin/env bash
# Alternates two thesis binaries on bench/run.sh's (a) and (b) rankings, N pairs each, and
# prints the medians of GNU time's wall and user CPU seconds. On a shared machine user CPU
# and alternation tell two builds apart where hyperfine's back-to-back wall clock cannot.
#   bench/ab.sh BEFORE_BINARY AFTER_BINARY     (OUT=bench/out N=5; run bench/run.sh once first)
set -euo pipefail
cd "$(dirname "$0")/.."
BEFORE=$1 AFTER=$2 OUT=${OUT:-bench/out} N=${N:-5}
times=$(mktemp)
for rules in declarative scripted; do
  for _ in $(seq "$N"); do
    for side in before after; do
      exe=$BEFORE; [ "$side" = after ] && exe=$AFTER
      /usr/bin/time -o "$times" -a -f "$rules $side %e %U" \
        "$exe" --rules "$OUT/rules/$rules" --data "$OUT/datasets" rank --format csv --output "$OUT/ab-$side.csv"
    done
    cmp "$OUT/ab-before.csv" "$OUT/ab-after.csv"
  done
done
python3 - "$times" <<'PY'
import collections, statistics, sys
runs = collections.defaultdict(list)
for line in open(sys.argv[1]):
    rules, side, wall, user = line.split()
    runs[(rules, side)].append((float(wall), float(user)))
for (rules, side), v in sorted(runs.items()):
    wall, user = [x[0] for x in v], [x[1] for x in v]
    print(f"{rules:11} {side:6} wall median {statistics.median(wall):.2f} s (min {min(wall):.2f})"
          f"  user median {statistics.median(user):.2f} s (min {min(user):.2f})  {len(v)} runs")
PY
rm -f "$times"
