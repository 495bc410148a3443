#!/usr/bin/env bash
# The history benchmark (issue 10): ROWS companies × ATTRS attributes × QUARTERS quarterly
# observations in the long layout (one row per observation), and `thesis history` over the
# QUARTERS publication dates, against a baseline measured in the same run: `thesis rank` at the
# last date on the same file (the same load, one view date). Runs alternate (baseline, history),
# RUNS of each; prints the median wall time and peak RSS of each and their ratio.
# Needs GNU time (Debian: apt-get install time). Build first:
#   CARGO_TARGET_DIR=/work/bench-target cargo build --release --bin thesis --example gen_universe
set -euo pipefail
cd "$(dirname "$0")/.."
ROWS=${ROWS:-100000}
ATTRS=${ATTRS:-40}
QUARTERS=${QUARTERS:-8}
RUNS=${RUNS:-5}
OUT=${OUT:-bench/out-history}
THESIS=${THESIS:-target/release/thesis}
GEN=${GEN:-target/release/examples/gen_universe}

if [ ! -f "$OUT/datasets/history.csv" ]; then
  "$GEN" --rows "$ROWS" --attrs "$ATTRS" --quarters "$QUARTERS" --out "$OUT"
fi
ls -l "$OUT/datasets/history.csv"
DATES=$(cat "$OUT/dates.txt")
LAST=${DATES##*,}
COMMON=(--rules "$OUT/rules/declarative" --data "$OUT/datasets")
uptime
: > "$OUT/times.txt"
for i in $(seq "$RUNS"); do
  /usr/bin/time -f "rank %e %M" -a -o "$OUT/times.txt" \
    "$THESIS" "${COMMON[@]}" --as-of "$LAST" rank --format csv > "$OUT/rank.csv"
  /usr/bin/time -f "history %e %M" -a -o "$OUT/times.txt" \
    "$THESIS" "${COMMON[@]}" history --dates "$DATES" --format csv > "$OUT/history.csv"
done
uptime
wc -l "$OUT/history.csv"
python3 - "$OUT/times.txt" "$ROWS" "$ATTRS" "$QUARTERS" <<'PY'
import statistics, sys
runs = {}
for line in open(sys.argv[1]):
    name, wall, kb = line.split()
    runs.setdefault(name, []).append((float(wall), int(kb)))
rows, attrs, quarters = map(int, sys.argv[2:5])
obs = rows * attrs * quarters
med = {k: (statistics.median(w for w, _ in v), max(m for _, m in v)) for k, v in runs.items()}
for k, (wall, kb) in med.items():
    walls = ", ".join("%.2f" % w for w, _ in runs[k])
    print("%-8s median %.2f s (runs: %s), peak RSS %.0f MiB, %.2f M observations/s" % (k, wall, walls, kb / 1024, obs / wall / 1e6))
print("history / rank: %.2f× the wall time for %d view dates instead of 1" % (med["history"][0] / med["rank"][0], quarters))
PY
