#!/usr/bin/env bash
# The benchmark's agreement check on a small universe, cheap enough for CI: thesis, Polars and
# DuckDB score the same CSV and the same Parquet file under the same rule set and must agree on
# every score (to 1e-9), rank and rating. Debug build; the peers come from PyPI into a venv.
set -euo pipefail
cd "$(dirname "$0")/.."
ROWS=${ROWS:-20000}
ATTRS=${ATTRS:-12}
OUT=${OUT:-target/agree}
# CI passes AGREE_PREBUILT=1: `cargo test` built both already, and a `cargo build` here would
# compile a second copy of the dependencies whose features the dev-dependencies change.
if [ -z "${AGREE_PREBUILT:-}" ] || [ ! -x target/debug/examples/gen_universe ]; then
  cargo build --quiet --bin thesis --example gen_universe
fi
THESIS=target/debug/thesis
target/debug/examples/gen_universe --rows "$ROWS" --attrs "$ATTRS" --out "$OUT"
# shellcheck source=bench/peers.sh
. bench/peers.sh
RULES=$OUT/rules/declarative/rules.yaml
for fmt in csv parquet; do
  src=$OUT/datasets/universe.csv
  data=$OUT/datasets
  if [ $fmt = parquet ]; then src=$OUT/parquet/universe.parquet; data=$OUT/parquet; fi
  $THESIS --rules "$RULES" --data "$data" rank --format $fmt --output "$OUT/thesis.$fmt"
  "$PY" bench/peers.py polars "$RULES" "$src" "$OUT/polars.$fmt"
  "$PY" bench/peers.py duckdb "$RULES" "$src" "$OUT/duckdb.$fmt"
  "$PY" bench/peers.py agree "$OUT/thesis.$fmt" "$OUT/polars.$fmt" "$OUT/duckdb.$fmt"
done
