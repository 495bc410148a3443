# Sourced by bench/run.sh and bench/agree.sh: a local virtual environment with the peers from
# PyPI, and the Parquet copy of the universe (written by Polars, Snappy) beside the CSV one.
# Needs OUT (the benchmark directory, with datasets/ from gen_universe).
PEERS_VENV=${PEERS_VENV:-$OUT/venv}
if [ ! -x "$PEERS_VENV/bin/python" ]; then
  python3 -m venv "$PEERS_VENV"
fi
"$PEERS_VENV/bin/pip" install --quiet --disable-pip-version-check "polars==2.1.0" "duckdb==2.0.0"
PY="$PEERS_VENV/bin/python"
"$PY" -c 'import polars, duckdb; print("peers: polars", polars.__version__, "duckdb", duckdb.__version__)'
if [ ! -f "$OUT/parquet/universe.parquet" ] || [ "$OUT/datasets/universe.csv" -nt "$OUT/parquet/universe.parquet" ]; then
  mkdir -p "$OUT/parquet"
  cp "$OUT/datasets/schema.yaml" "$OUT/parquet/schema.yaml"
  "$PY" -c "import polars as pl, sys; pl.scan_csv(sys.argv[1]).sink_parquet(sys.argv[2], compression='snappy')" \
    "$OUT/datasets/universe.csv" "$OUT/parquet/universe.parquet"
fi
ls -l "$OUT/parquet/universe.parquet"
