#!/usr/bin/env bash
# Reproduces the figures in BENCHMARKS.md on this machine.
# Needs hyperfine and GNU time (Debian: apt-get install hyperfine time), and python3 with venv:
# Polars and DuckDB are installed from PyPI into $OUT/venv (bench/peers.sh).
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

echo "== against the peers: the same scoring in Polars and DuckDB on the same CSV and Parquet files"
# shellcheck source=bench/peers.sh
. bench/peers.sh
R=$OUT/rules/declarative/rules.yaml
CSV=$OUT/datasets/universe.csv
PQ=$OUT/parquet/universe.parquet
hyperfine --warmup 1 --runs "${PEER_RUNS:-5}" --export-json "$OUT/peers.json" \
  -n "thesis csv" "$THESIS --rules $R --data $OUT/datasets rank --format csv --output $OUT/thesis.csv" \
  -n "polars csv" "$PY bench/peers.py polars $R $CSV $OUT/polars.csv" \
  -n "duckdb csv" "$PY bench/peers.py duckdb $R $CSV $OUT/duckdb.csv" \
  -n "thesis parquet" "$THESIS --rules $R --data $OUT/parquet rank --format parquet --output $OUT/thesis.parquet" \
  -n "polars parquet" "$PY bench/peers.py polars $R $PQ $OUT/polars.parquet" \
  -n "duckdb parquet" "$PY bench/peers.py duckdb $R $PQ $OUT/duckdb.parquet"
"$PY" bench/peers.py agree "$OUT/thesis.csv" "$OUT/polars.csv" "$OUT/duckdb.csv"
"$PY" bench/peers.py agree "$OUT/thesis.parquet" "$OUT/polars.parquet" "$OUT/duckdb.parquet"
"$PY" - "$OUT/peers.json" <<'PY'
import json, sys
m = {r["command"]: r["median"] for r in json.load(open(sys.argv[1]))["results"]}
for r in json.load(open(sys.argv[1]))["results"]:
    print("median %.3f s  min %.3f s  max %.3f s  %s" % (r["median"], r["min"], r["max"], r["command"]))
for f in ("csv", "parquet"):
    t = m["thesis " + f]
    print("%-8s thesis/polars %.2f   thesis/duckdb %.2f" % (f, t / m["polars " + f], t / m["duckdb " + f]))
PY
for f in csv parquet; do
  data=$OUT/datasets; [ $f = parquet ] && data=$OUT/parquet
  /usr/bin/time -f "thesis $f: %e s wall, %M KB peak RSS" $THESIS --rules $R --data $data rank --format $f --output $OUT/thesis.$f
  $THESIS --rules $R --data $data rank --format $f --output $OUT/thesis.$f --timings
done

echo "== (c) scoring kernel against a hand-written loop, and Rhai throughput (criterion)"
THESIS_BENCH_DIR="$OUT" cargo bench --bench scoring
