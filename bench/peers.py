"""The benchmark's scoring re-expressed in Polars and in DuckDB, and the agreement check.

    peers.py polars  RULES.yaml IN.(csv|parquet) OUT.(csv|parquet)
    peers.py duckdb  RULES.yaml IN.(csv|parquet) OUT.(csv|parquet)
    peers.py agree   THESIS.(csv|parquet) PEER.(csv|parquet) [PEER ...]

The rule set is the one examples/gen_universe.rs writes (`bench-declarative`): linear scales
with their bounds and directions, `missing: skip` (a category's weights renormalise over the
factors with values, the total's over the categories with any), category weighted means,
rating bands, ranks by the score rounded to 9 decimals with ties sharing the best (min) rank,
ordered by id within a tie, output sorted by rank. Everything is read from the rule file, so
the peers score what thesis scores.
"""

import re
import sys

TIE_DECIMALS = 9


def read_rules(path):
    text = open(path).read()
    cats = dict((k, float(v)) for k, v in re.findall(r"(\w+): (\d+(?:\.\d+)?)", re.search(r"categories: \{([^}]*)\}", text).group(1)))
    factors = []
    for line in text.splitlines():
        m = re.search(r"id: (\w+), category: (\w+), weight: ([\d.]+),.*attribute: (\w+) \}, scale: \{ linear: \{ lo: ([\d.e+-]+), hi: ([\d.e+-]+), direction: (\w+)", line)
        if m:
            fid, cat, w, attr, lo, hi, d = m.groups()
            factors.append(dict(id=fid, cat=cat, w=float(w), attr=attr, lo=float(lo), hi=float(hi), lower=d == "lower"))
    ratings = [(label, float(lo), float(hi)) for label, lo, hi in re.findall(r"label: (\w+), min: ([\d.]+), max: ([\d.]+)", text)]
    return cats, factors, ratings


def polars(rules, src, dst):
    import polars as pl

    cats, factors, ratings = read_rules(rules)
    lf = pl.scan_parquet(src) if src.endswith(".parquet") else pl.scan_csv(src)
    pts = {}
    for f in factors:
        p = ((pl.col(f["attr"]) - f["lo"]) / (f["hi"] - f["lo"])).clip(0, 1) * 100
        pts[f["id"]] = (100 - p) if f["lower"] else p
    cat_cols, present_terms, total_terms = [], [], []
    for c, wc in cats.items():
        fs = [f for f in factors if f["cat"] == c]
        num = pl.sum_horizontal([pts[f["id"]] * f["w"] for f in fs])
        den = pl.sum_horizontal([pl.col(f["attr"]).is_not_null().cast(pl.Float64) * f["w"] for f in fs])
        cat_cols.append(pl.when(den > 0).then(num / den).alias(f"score_{c}"))
    lf = lf.with_columns(cat_cols)
    for c, wc in cats.items():
        has = pl.col(f"score_{c}").is_not_null()
        present_terms.append(has.cast(pl.Float64) * wc)
        total_terms.append(pl.col(f"score_{c}").fill_null(0) * wc)
    present = pl.sum_horizontal(present_terms)
    lf = lf.with_columns(pl.when(present > 0).then(pl.sum_horizontal(total_terms) / present).clip(0, 100).alias("score"))
    rating = pl.lit(None, dtype=pl.String)
    for label, lo, hi in reversed(ratings):
        inside = (pl.col("score") >= lo) & ((pl.col("score") < hi) | ((hi >= 100) & (pl.col("score") <= hi)))
        rating = pl.when(inside).then(pl.lit(label)).otherwise(rating)
    key = (pl.col("score") * 10**TIE_DECIMALS).round().cast(pl.Int64)
    out = (
        lf.filter(pl.col("score").is_not_null())
        .with_columns(rating.alias("rating"), key.rank("min", descending=True).cast(pl.UInt32).alias("rank"))
        .select(["rank", "id", "name", "score", "rating"] + [f"score_{c}" for c in cats])
        .sort(["rank", "id"])
    )
    if dst.endswith(".parquet"):
        out.sink_parquet(dst, compression="snappy")
    else:
        out.sink_csv(dst)


def duckdb(rules, src, dst):
    import duckdb as ddb

    cats, factors, ratings = read_rules(rules)
    reader = f"read_parquet('{src}')" if src.endswith(".parquet") else f"read_csv('{src}', header=true)"
    def pts(f):
        p = f"(least(greatest(({f['attr']} - {f['lo']!r}) / {f['hi'] - f['lo']!r}, 0), 1) * 100)"
        return f"(100 - {p})" if f["lower"] else p
    cat_exprs = []
    for c in cats:
        fs = [f for f in factors if f["cat"] == c]
        # greatest/least skip NULLs in DuckDB (greatest(NULL, 0) is 0), so a missing value is
        # kept out of the sum by its own test, not by NULL propagation.
        num = " + ".join(f"(CASE WHEN {f['attr']} IS NULL THEN 0 ELSE {pts(f)} * {f['w']!r} END)" for f in fs)
        den = " + ".join(f"(CASE WHEN {f['attr']} IS NULL THEN 0 ELSE {f['w']!r} END)" for f in fs)
        cat_exprs.append(f"CASE WHEN ({den}) > 0 THEN ({num}) / ({den}) END AS score_{c}")
    present = " + ".join(f"(CASE WHEN score_{c} IS NULL THEN 0 ELSE {w!r} END)" for c, w in cats.items())
    total = " + ".join(f"coalesce(score_{c}, 0) * {w!r}" for c, w in cats.items())
    rating = "CASE " + " ".join(
        f"WHEN score >= {lo!r} AND (score < {hi!r} OR ({hi!r} >= 100 AND score <= {hi!r})) THEN '{label}'"
        for label, lo, hi in ratings
    ) + " END"
    cat_names = ", ".join(f"score_{c}" for c in cats)
    query = f"""
        WITH c AS (SELECT id, name, {', '.join(cat_exprs)} FROM {reader}),
             t AS (SELECT *, CASE WHEN ({present}) > 0 THEN least(greatest(({total}) / ({present}), 0), 100) END AS score FROM c)
        SELECT CAST(rank() OVER (ORDER BY CAST(round(score * 1e{TIE_DECIMALS}) AS BIGINT) DESC) AS UINTEGER) AS rank,
               id, name, score, {rating} AS rating, {cat_names}
        FROM t WHERE score IS NOT NULL ORDER BY rank, id"""
    fmt = "(FORMAT parquet, COMPRESSION snappy)" if dst.endswith(".parquet") else "(FORMAT csv, HEADER)"
    con = ddb.connect()
    con.execute("SET preserve_insertion_order = true")
    con.execute(f"COPY ({query}) TO '{dst}' {fmt}")


def agree(thesis, *peers):
    import polars as pl

    def load(p):
        df = pl.read_parquet(p) if p.endswith(".parquet") else pl.read_csv(p, infer_schema_length=0)
        if "status" in df.columns:
            df = df.filter(pl.col("status") == "ranked")
        scores = ["score"] + sorted(c for c in df.columns if c.startswith("score_"))
        return df.select(
            pl.col("rank").cast(pl.Int64), pl.col("id").cast(pl.String),
            pl.col("rating").cast(pl.String).fill_null(""), *(pl.col(c).cast(pl.Float64) for c in scores),
        )

    t = load(thesis)
    ok = t.height > 0
    if not ok:
        print(f"DISAGREE {thesis}: no ranked rows")
    for p in peers:
        q = load(p)
        if t.height != q.height or t.columns != q.columns:
            print(f"DISAGREE {p}: {q.height} ranked rows {q.columns}, thesis {t.height} {t.columns}")
            ok = False
            continue
        ids = (t["id"] != q["id"]).sum()
        ranks = (t["rank"] != q["rank"]).sum()
        ratings = (t["rating"] != q["rating"]).sum()
        # Every score, total and per category; a category without values is missing in both.
        nulls = sum(int((t[c].is_null() != q[c].is_null()).sum()) for c in t.columns if c.startswith("score"))
        diff = max((t[c] - q[c]).abs().max() or 0.0 for c in t.columns if c.startswith("score"))
        good = ids == 0 and ranks == 0 and ratings == 0 and nulls == 0 and diff <= 1e-9
        ok &= good
        print(f"{'agree' if good else 'DISAGREE'} {p}: {t.height} rows, order differs at {ids}, ranks at {ranks}, "
              f"ratings at {ratings}, missing scores at {nulls}, max |score diff| {diff:.2e} (total and categories)")
    return ok


if __name__ == "__main__":
    cmd, args = sys.argv[1], sys.argv[2:]
    if cmd == "polars":
        polars(*args)
    elif cmd == "duckdb":
        duckdb(*args)
    elif cmd == "agree":
        sys.exit(0 if agree(*args) else 1)
    else:
        sys.exit(f"unknown command {cmd}")
