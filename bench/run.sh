#!/usr/bin/env bash
# Reproduces the figures in BENCHMARKS.md on this machine.
# Needs hyperfine and GNU time (Debian: apt-get install hyperfine time).
set -euo pipefail
cd "$(dirname "$0")/.."
ROWS=${ROWS:-1000000}
ATTRS=${ATTRS:-40}
OUT=${OUT:-bench/out}
THESIS=target/release/thesis

cargo build --release --bin thesis --example gen_universe
if [ ! -f "$OUT/datasets/universe.csv" ]; then
  target/release/examples/gen_universe --rows "$ROWS" --attrs "$ATTRS" --out "$OUT"
fi
ls -l "$OUT/datasets/universe.csv"

rank() { # rank RULES OUTPUT
  echo "$THESIS --rules $OUT/rules/$1 --data $OUT/datasets rank --format csv --output $OUT/$2"
}

echo "== end to end: parse + score + rank + write (a: 40 declarative factors; b: the same plus 4 Rhai factors)"
hyperfine --warmup 1 --runs 10 --export-markdown "$OUT/e2e.md" --export-json "$OUT/e2e.json" \
  -n "read the CSV (cat, the I/O floor)" "cat $OUT/datasets/universe.csv > /dev/null" \
  -n "(a) rank, 40 declarative factors" "$(rank declarative rank-a.csv)" \
  -n "(b) rank, 40 declarative + 4 Rhai factors" "$(rank scripted rank-b.csv)"

python3 - "$OUT/e2e.json" <<'PY'
import json, sys
for r in json.load(open(sys.argv[1]))["results"]:
    print("median %.3f s  min %.3f s  max %.3f s  %s" % (r["median"], r["min"], r["max"], r["command"]))
PY

echo "== peak memory (GNU time, maximum resident set size)"
for rules in declarative scripted; do
  /usr/bin/time -f "$rules: %e s wall, %M KB peak RSS" $(rank "$rules" "rank-$rules.csv")
done

echo "== one run's stages (--timings)"
for rules in declarative scripted; do
  echo "-- $rules"
  $(rank "$rules" "rank-$rules.csv") --timings
done

echo "== (c) scoring kernel against a hand-written loop, and Rhai throughput (criterion)"
THESIS_BENCH_DIR="$OUT" cargo bench --bench scoring
