//! The analyses on the fixture projects of `tests/fixtures/robust/`: flip points checked by
//! rescoring (each invertible scale, a capped entity, entities at 0 and 100), the points
//! matrix against the kernel, SMAA across thread counts.

use std::path::PathBuf;

use super::*;
use crate::diag::Diagnostics;
use crate::project::{Options, Session};
use crate::scale::{RawValue, Scorer};
use crate::source::SourceMap;

fn session(dir: &str, threads: usize) -> Session {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/robust").join(dir);
    let opts = Options {
        rules: vec![root.join("rules")],
        data: vec![root.join("datasets")],
        threads: Some(threads),
        ..Default::default()
    };
    let mut diags = Diagnostics::new();
    crate::pipeline::score(&opts, &SourceMap::new(), &mut diags).expect("the fixture scores")
}

fn kind(s: &Session) -> &KindScores {
    s.scores.of(crate::model::Kind::Company).expect("companies")
}

/// The rating of a row with factor `f` at `p` points.
fn rating_with(ks: &KindScores, m: &Matrix, row: usize, f: usize, p: f64) -> Option<usize> {
    let mut points = m.row(row).to_vec();
    points[f] = p;
    let mut sums = Sums::new(ks.plan.rules.categories.len());
    m.total_of(&ks.model, &mut sums, row, &points).and_then(|t| m.rating(&ks.plan.rules, row, t))
}

fn moved(flip: &Flip, now: usize, to: Option<usize>) -> bool {
    to.is_some_and(|b| match flip.direction {
        Direction::Up => b < now,
        Direction::Down => b > now,
    })
}

#[test]
fn the_points_matrix_rescored_gives_the_kernels_totals_bit_for_bit() {
    for dir in ["scales", "."] {
        let s = session(dir, 2);
        let ks = kind(&s);
        let m = Matrix::new(ks, &ks.scorers);
        let mut sums = Sums::new(ks.plan.rules.categories.len());
        for row in 0..m.rows() {
            let total = m.total(&ks.model, &mut sums, row).expect("scored");
            assert_eq!(total.to_bits(), ks.results[row].total.to_bits(), "{dir} row {row}");
            assert_eq!(m.rating(&ks.plan.rules, row, total), ks.results[row].rating.map(usize::from));
        }
    }
}

/// Every flip of a kind against the scoring: a reported change moves the rating into its band
/// and the next float toward no change does not; out of reach means not even the factor's far
/// bound moves it. Returns how many flips had a change.
fn check_flips(ks: &KindScores, what: &str) -> usize {
    let m = Matrix::new(ks, &ks.scorers);
    let all = flips::flips(ks, &m);
    for flip in &all {
        let now = ks.results[flip.row].rating.expect("rated") as usize;
        let Some(d) = flip.points else {
            let (lo, hi) = ks.plan.rules.factors[flip.factor].points_bounds();
            let far = if flip.direction == Direction::Up { hi } else { lo };
            let to = rating_with(ks, &m, flip.row, flip.factor, far);
            assert!(flip.capped_by.is_some() || !moved(flip, now, to), "{what}: {flip:?} moves at {far}");
            continue;
        };
        let at = flip.from + d;
        assert!(moved(flip, now, rating_with(ks, &m, flip.row, flip.factor, at)), "{what}: {flip:?}");
        assert_eq!(rating_with(ks, &m, flip.row, flip.factor, at), Some(flip.band), "{what}: {flip:?}");
        // The next change toward none: the reported change is the smallest that flips.
        let less = flip.from + if d > 0.0 { d.next_down() } else { d.next_up() };
        assert_eq!(rating_with(ks, &m, flip.row, flip.factor, less), Some(now), "{what}: {flip:?} by less");
        assert_eq!(rating_with(ks, &m, flip.row, flip.factor, flip.from + 0.99 * d), Some(now), "{what}: {flip:?}");
    }
    all.iter().filter(|f| f.points.is_some()).count()
}

#[test]
fn moving_a_factor_by_its_flip_amount_changes_the_rating_and_by_less_does_not() {
    for dir in ["scales", ".", "weights"] {
        let s = session(dir, 1);
        let found = check_flips(kind(&s), dir);
        assert!(found >= 4, "{dir}: {found} flips with points");
    }
    // Hundreds of entities, where changes small beside the points are common.
    let dir = tempfile::tempdir().expect("temp dir");
    let s = universe(dir.path(), 300);
    let found = check_flips(kind(&s), "300 generated");
    assert!(found >= 100, "{found} flips with points");
}

/// The points a scorer gives a raw value.
fn points_of(scorer: &Scorer, v: &RawValue) -> Option<f64> {
    match v {
        RawValue::Number(x) => scorer.number(*x),
        RawValue::Bool(b) => scorer.boolean(*b),
        RawValue::Text(t) => scorer.text(t),
    }
}

#[test]
fn the_raw_value_of_each_invertible_scale_flips_the_rating_too() {
    let s = session("scales", 1);
    let ks = kind(&s);
    let m = Matrix::new(ks, &ks.scorers);
    let all = flips::flips(ks, &m);
    let mut kinds = std::collections::BTreeSet::new();
    for flip in all.iter().filter(|f| f.points.is_some()) {
        let now = ks.results[flip.row].rating.expect("rated") as usize;
        let value = flip.value.as_ref().unwrap_or_else(|| panic!("{flip:?} has a value"));
        let p = points_of(&ks.scorers[flip.factor], value).expect("the value scores");
        assert!(moved(flip, now, rating_with(ks, &m, flip.row, flip.factor, p)), "{flip:?} at {p}");
        kinds.insert(ks.plan.rules.factors[flip.factor].scale.name());
    }
    assert_eq!(kinds.into_iter().collect::<Vec<_>>(), ["bands", "bool", "linear", "map"]);
}

#[test]
fn a_capped_entity_says_the_cap_holds_and_entities_at_100_and_0_have_one_direction() {
    let s = session("scales", 1);
    let ks = kind(&s);
    let row = |id: &str| (0..ks.table.len()).find(|&r| ks.table.id(r) == id).expect(id);
    let capped = entity_flips(ks, row("capped"));
    let gate = ks.plan.rules.gates.iter().position(|g| g.id == "unfiled");
    let ups: Vec<&Flip> = capped.iter().filter(|f| f.direction == Direction::Up).collect();
    assert_eq!(ups.len(), 4);
    assert!(ups.iter().all(|f| f.points.is_none() && f.capped_by == gate), "{ups:?}");
    let perfect = entity_flips(ks, row("perfect"));
    assert_eq!(ks.results[row("perfect")].total, 100.0);
    assert!(perfect.iter().all(|f| f.direction == Direction::Down), "{perfect:?}");
    assert!(perfect.iter().any(|f| f.points.is_some_and(|d| d < 0.0)));
    let nothing = entity_flips(ks, row("nothing"));
    assert_eq!(ks.results[row("nothing")].total, 0.0);
    assert!(nothing.iter().all(|f| f.direction == Direction::Up && f.points.is_none()), "{nothing:?}");
}

#[test]
fn smaa_is_identical_for_one_and_two_threads() {
    let run = |threads| {
        let s = session(".", threads);
        let ks = kind(&s);
        let sampling = Sampling { samples: 3001, seed: 9, vary: default_vary(ks), spread: None, ranks: 7 };
        let settings = Settings { analyses: vec![Analysis::Smaa], deltas: vec![], sampling, out_of_reach: false };
        let r = crate::pool::in_pool(Some(threads), || analyse(ks, &settings)).expect("pool").expect("analysed");
        r.smaa.expect("ran").1
    };
    let one = run(1);
    assert_eq!(one, run(2));
    for a in one.entities() {
        assert!((a.shares().sum::<f64>() - 1.0).abs() < 1e-12, "all ranks listed: {a:?}");
    }
}

/// A wide universe of `n` companies under the `scales` rules, written into `dir`: growth and
/// margin spread over their scales, a missing margin, a listing, a moat, caps and bonuses
/// every few rows, so that flips of every kind (reachable, out of reach, capped, with raw
/// values) occur in every chunk.
fn universe(dir: &std::path::Path, n: usize) -> Session {
    let mut csv = String::from("id,name,kind,growth,margin,listed,moat,unfiled,bonus\n");
    for i in 0..n {
        let margin = if i % 11 == 0 { String::new() } else { format!("{}", (i * 7) % 35) as String };
        let moat = ["wide", "narrow", "none"][i % 3];
        let (listed, unfiled, bonus) = (i % 2 == 0, i % 13 == 0, i % 5 == 0);
        csv.push_str(&format!("c{i:05},C {i},company,{},{margin},{listed},{moat},{unfiled},{bonus}\n", (i * 37) % 41));
    }
    std::fs::write(dir.join("universe.csv"), csv).expect("universe");
    let fixtures = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/robust");
    let opts = Options {
        rules: vec![fixtures.join("scales/rules")],
        data: vec![fixtures.join("stream"), dir.to_path_buf()],
        threads: Some(2),
        ..Default::default()
    };
    let mut diags = Diagnostics::new();
    crate::pipeline::score(&opts, &SourceMap::new(), &mut diags).expect("the universe scores")
}

/// The stream hands on every row's flips in table order, the same records the collected
/// analysis gives, for any chunk size (one row, a few, more than there are rows); without the
/// ones out of reach unless asked for.
#[test]
fn the_stream_gives_the_collected_flips_in_table_order_for_any_chunk_size() {
    let dir = tempfile::tempdir().expect("temp dir");
    let s = universe(dir.path(), 300);
    let ks = kind(&s);
    let all = flips::flips(ks, &Matrix::new(ks, &ks.scorers));
    assert!(all.iter().any(|f| f.points.is_some()) && all.iter().any(|f| f.capped_by.is_some()));
    let listed: Vec<Flip> = all.iter().filter(|f| f.listed()).cloned().collect();
    assert!(listed.len() < all.len() && listed.iter().any(|f| f.points.is_none()), "caps listed, the rest not");
    for (chunk, out_of_reach) in [1, 7, 64, 299, 300, 1000].into_iter().flat_map(|c| [(c, true), (c, false)]) {
        let want = if out_of_reach { &all } else { &listed };
        let mut got = Vec::new();
        let chunks = crate::pool::in_pool(Some(2), || {
            stream::stream(
                ks,
                chunk,
                out_of_reach,
                |row: &[Flip], buf: &mut Vec<Flip>| buf.extend_from_slice(row),
                |buf| {
                    got.append(buf);
                    Ok::<_, ()>(())
                },
            )
        })
        .expect("pool")
        .expect("streamed");
        assert_eq!(chunks, 300usize.div_ceil(chunk));
        assert!(got == *want, "chunks of {chunk}: {} records, collected {}", got.len(), want.len());
    }
}

/// Memory does not grow with the universe: the solver is never more than three windows of
/// chunks (solving, queued, being written) ahead of the writer, whatever the number of rows.
#[test]
fn the_stream_writes_while_it_solves_never_more_than_three_windows_ahead() {
    use std::sync::atomic::{AtomicUsize, Ordering};
    let dir = tempfile::tempdir().expect("temp dir");
    let s = universe(dir.path(), 2600);
    let ks = kind(&s);
    let chunk = 16;
    let rows_encoded = AtomicUsize::new(0);
    let (mut chunks_written, mut worst) = (0usize, 0usize);
    let window = crate::pool::in_pool(Some(2), || {
        let window = rayon::current_num_threads() * 2;
        let encode = |row: &[Flip], buf: &mut usize| {
            rows_encoded.fetch_add(1, Ordering::SeqCst);
            *buf += row.len();
        };
        let write = |buf: &mut usize| {
            let ahead = rows_encoded.load(Ordering::SeqCst).saturating_sub(chunks_written * chunk);
            worst = worst.max(ahead);
            assert!(ahead <= 3 * window * chunk, "{ahead} rows solved ahead of the writer");
            chunks_written += 1;
            *buf = 0;
            Ok::<_, ()>(())
        };
        stream::stream(ks, chunk, true, encode, write).expect("streamed");
        window
    })
    .expect("pool");
    assert_eq!(chunks_written, 2600usize.div_ceil(chunk));
    assert!(worst <= 3 * window * chunk && chunks_written > 3 * window, "{worst}");
}

/// The memo fixture's Echo: its robustness table lists every factor whose points alone can move
/// it to Underweight — Regions (85 → 81.33), Segments and Margin too, which a search stepping
/// the change one float at a time (at most 64) reported out of reach — and each holds on the
/// scoring: the change moves the rating, one float less does not.
#[test]
fn every_reachable_flip_of_the_memo_fixture_holds_on_the_scoring() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/memo");
    let opts = Options {
        rules: vec![root.join("rules")],
        data: vec![root.join("datasets")],
        as_of: crate::model::Date::parse("2025-12-31"),
        ..Default::default()
    };
    let s = crate::pipeline::score(&opts, &SourceMap::new(), &mut Diagnostics::new()).expect("the memo fixture scores");
    let ks = kind(&s);
    check_flips(ks, "memo");
    let echo = (0..ks.table.len()).find(|&r| ks.table.id(r) == "echo").expect("echo");
    let reachable: Vec<&str> = entity_flips(ks, echo)
        .into_iter()
        .filter(|f| f.direction == Direction::Down && f.points.is_some())
        .map(|f| ks.plan.rules.factors[f.factor].id.as_str())
        .collect();
    for factor in ["growth", "regions", "segments", "autonomy", "margin"] {
        assert!(reachable.iter().any(|f| f.contains(factor)), "{factor} not in {reachable:?}");
    }
}
