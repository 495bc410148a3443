//! Scoring benchmarks on the synthetic universe (see BENCHMARKS.md): thesis's declarative kernel
//! against a hand-written loop computing the same scores from the same columns, and Rhai factor
//! throughput. Generate the universe first:
//!
//! cargo run --release --example gen_universe -- --rows 1000000 --attrs 40 --out bench/out
//! cargo bench --bench scoring

use std::path::PathBuf;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use rayon::prelude::*;
use thesis::Diagnostics;
use thesis::SourceMap;
use thesis::score;
use thesis::{Column, Kind};
use thesis::{Options, Session};

fn bench_dir() -> PathBuf {
    std::env::var_os("THESIS_BENCH_DIR").map_or_else(|| PathBuf::from("bench/out"), PathBuf::from)
}

fn session(rules: &str) -> Session {
    let dir = bench_dir();
    assert!(
        dir.join("datasets/universe.csv").exists(),
        "no universe at {}: run `cargo run --release --example gen_universe -- --out {}` first",
        dir.display(),
        dir.display()
    );
    let opts =
        Options { rules: vec![dir.join("rules").join(rules)], data: vec![dir.join("datasets")], ..Options::default() };
    let mut diags = Diagnostics::new();
    score(&opts, &SourceMap::new(), &mut diags).unwrap_or_else(|e| panic!("{e}: {diags:?}"))
}

/// The generator's rules, written out by hand: factor j reads a{j} on a linear scale
/// 0..10^(1 + j % 4), lower-is-better when j % 5 == 4, weight 1 + j % 5, category j % 4.
const CATEGORY_WEIGHTS: [f64; 4] = [30.0, 40.0, 15.0, 15.0];

fn factor_params(j: usize) -> (f64, bool, f64, usize) {
    (10f64.powi(1 + (j % 4) as i32), j % 5 == 4, (1 + j % 5) as f64, j % 4)
}

/// The baseline: a plain loop over the columns, parallel over rows like thesis.
fn baseline(columns: &[&[f64]], out: &mut [f64]) {
    let params: Vec<(f64, bool, f64, usize)> = (0..columns.len()).map(factor_params).collect();
    out.par_chunks_mut(2048).enumerate().for_each(|(c, chunk)| {
        for (k, o) in chunk.iter_mut().enumerate() {
            let row = c * 2048 + k;
            let (mut num, mut den) = ([0.0f64; 4], [0.0f64; 4]);
            for (col, &(hi, lower, w, cat)) in columns.iter().zip(&params) {
                let x = col[row];
                if x.is_nan() {
                    continue;
                }
                let t = if lower { (hi - x) / hi } else { x / hi };
                num[cat] += w * 100.0 * t.clamp(0.0, 1.0);
                den[cat] += w;
            }
            let (mut total, mut weight) = (0.0, 0.0);
            for cat in 0..4 {
                if den[cat] > 0.0 {
                    total += CATEGORY_WEIGHTS[cat] * num[cat] / den[cat];
                    weight += CATEGORY_WEIGHTS[cat];
                }
            }
            *o = total / weight;
        }
    });
}

/// Runs a measurement on the library's worker pool, as `score` runs, so each iteration does
/// not start a pool of its own.
fn on_pool(f: impl FnOnce() + Send) {
    thesis::in_pool(None, f).expect("a worker pool");
}

fn numeric_columns(s: &Session) -> Vec<&[f64]> {
    s.project
        .dataset
        .table(Kind::Company)
        .columns
        .iter()
        .map(|c| match c {
            Column::Number(v) => v.as_slice(),
            _ => &[],
        })
        .collect()
}

fn kernel(c: &mut Criterion) {
    let s = session("declarative");
    let ks = s.scores.of(Kind::Company).expect("companies scored");
    let columns = numeric_columns(&s);
    let n = ks.table.len();
    let mut expected = vec![0.0; n];
    baseline(&columns, &mut expected);
    for (row, (e, r)) in expected.iter().zip(&ks.results).enumerate() {
        assert!((e - r.total).abs() < 1e-9, "row {row}: baseline {e}, thesis {}", r.total);
    }
    let mut g = c.benchmark_group("kernel");
    g.sample_size(10).throughput(Throughput::Elements(n as u64));
    g.bench_function("thesis_declarative_40_factors", |b| on_pool(|| b.iter(|| s.rescore(&mut Diagnostics::new()))));
    g.bench_function("handwritten_baseline", |b| {
        let mut out = vec![0.0; n];
        b.iter(|| baseline(&columns, &mut out))
    });
    g.finish();
}

fn rhai(c: &mut Criterion) {
    let s = session("scripts-only");
    let n = s.project.dataset.table(Kind::Company).len();
    let evals = 4 * n as u64;
    let mut g = c.benchmark_group("rhai");
    g.sample_size(10).throughput(Throughput::Elements(evals));
    g.bench_function("four_scripted_factors", |b| on_pool(|| b.iter(|| s.rescore(&mut Diagnostics::new()))));
    g.finish();
}

criterion_group!(benches, kernel, rhai);
criterion_main!(benches);
