//! Property tests of the scoring invariants, on generated universes and rule sets (through the
//! library API, on files as the CLI reads them): scores stay in [0, 100]; contributions plus
//! adjustments plus clamping equal the total; input order never changes output; raising a
//! higher-is-better input never lowers the entity's score; the ranking is a permutation; and with
//! one category and min-max scales the score is the textbook weighted sum.

use std::collections::BTreeMap;

use proptest::prelude::*;
use thesis::Diagnostics;
use thesis::Kind;
use thesis::SourceMap;
use thesis::Status;
use thesis::score;
use thesis::{Options, Session};

#[derive(Clone, Debug)]
enum ScaleKind {
    Linear(f64, f64),
    Bands(f64, f64),
    Minmax,
    Percentile,
    Zscore,
}

#[derive(Clone, Debug)]
struct FactorCase {
    category: usize,
    weight: f64,
    scale: ScaleKind,
    lower: bool,
    missing: u8,
}

#[derive(Clone, Debug)]
struct Case {
    values: Vec<Vec<Option<f64>>>,
    factors: Vec<FactorCase>,
    category_weights: [f64; 2],
    adjustment: f64,
}

fn scale_kind() -> impl Strategy<Value = ScaleKind> {
    prop_oneof![
        (-50.0..50.0f64, 1.0..100.0f64).prop_map(|(lo, span)| ScaleKind::Linear(lo, lo + span)),
        (-50.0..50.0f64, 1.0..60.0f64).prop_map(|(lo, span)| ScaleKind::Bands(lo, lo + span)),
        Just(ScaleKind::Minmax),
        Just(ScaleKind::Percentile),
        Just(ScaleKind::Zscore),
    ]
}

fn factor() -> impl Strategy<Value = FactorCase> {
    (0..2usize, 0.1..5.0f64, scale_kind(), any::<bool>(), 0..3u8)
        .prop_map(|(category, weight, scale, lower, missing)| FactorCase { category, weight, scale, lower, missing })
}

fn case() -> impl Strategy<Value = Case> {
    (1..5usize, 2..10usize).prop_flat_map(|(k, n)| {
        let value = prop_oneof![4 => (-100.0..200.0f64).prop_map(Some), 1 => Just(None)];
        (
            proptest::collection::vec(proptest::collection::vec(value, k), n),
            proptest::collection::vec(factor(), k),
            [0.5..10.0f64, 0.5..10.0f64],
            prop_oneof![Just(0.0), -150.0..150.0f64],
        )
            .prop_map(|(values, factors, category_weights, adjustment)| Case {
                values,
                factors,
                category_weights,
                adjustment,
            })
    })
}

fn yaml_number(x: f64) -> String {
    format!("{x:?}")
}

impl Case {
    fn dataset(&self, order: &[usize]) -> String {
        let k = self.factors.len();
        let mut s = String::from("attributes:\n  company:\n");
        for j in 0..k {
            s.push_str(&format!("    x{j}: number\n"));
        }
        s.push_str("kind: company\nentities:\n");
        for &i in order {
            s.push_str(&format!("  - id: e{i}\n    name: E{i}\n    attributes:\n"));
            for (j, v) in self.values[i].iter().enumerate() {
                if let Some(v) = v {
                    s.push_str(&format!("      x{j}: {{ value: {}, source: \"generated case\" }}\n", yaml_number(*v)));
                }
            }
        }
        s
    }

    fn rules(&self) -> String {
        let mut s = format!(
            "rule_set: p\nversion: 1\ndescription: P.\nkind: company\ncategories: {{ a: {}, b: {} }}\nfactors:\n",
            yaml_number(self.category_weights[0]),
            yaml_number(self.category_weights[1])
        );
        for (j, f) in self.factors.iter().enumerate() {
            let dir = if f.lower { "lower" } else { "higher" };
            let scale = match f.scale {
                ScaleKind::Linear(lo, hi) => {
                    format!("{{ linear: {{ lo: {}, hi: {}, direction: {dir} }} }}", yaml_number(lo), yaml_number(hi))
                }
                ScaleKind::Bands(lo, hi) if f.lower => format!(
                    "{{ bands: [ {{ max: {a}, points: 100 }}, {{ min: {a}, max: {b}, points: 40 }}, {{ min: {b}, points: 0 }} ] }}",
                    a = yaml_number(lo),
                    b = yaml_number(hi)
                ),
                ScaleKind::Bands(lo, hi) => format!(
                    "{{ bands: [ {{ max: {a}, points: 0 }}, {{ min: {a}, max: {b}, points: 60 }}, {{ min: {b}, points: 100 }} ] }}",
                    a = yaml_number(lo),
                    b = yaml_number(hi)
                ),
                ScaleKind::Minmax => format!("{{ minmax: {{ direction: {dir} }} }}"),
                ScaleKind::Percentile => format!("{{ percentile: {{ direction: {dir} }} }}"),
                ScaleKind::Zscore => format!("{{ zscore: {{ direction: {dir} }} }}"),
            };
            let missing = ["skip", "{ assume: 10 }", "{ points: 30 }"][f.missing as usize];
            let cat = ["a", "b"][f.category];
            s.push_str(&format!(
                "  - {{ id: f{j}, category: {cat}, weight: {}, description: F, input: {{ attribute: x{j} }}, scale: {scale}, missing: {missing} }}\n",
                yaml_number(f.weight)
            ));
        }
        if self.adjustment != 0.0 {
            s.push_str(&format!(
                "adjustments:\n  - {{ id: adj, when: \"true\", points: {}, reason: R }}\n",
                yaml_number(self.adjustment)
            ));
        }
        s
    }

    fn order(&self) -> Vec<usize> {
        (0..self.values.len()).collect()
    }
}

fn run(dataset: &str, rules: &str) -> Session {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::create_dir_all(dir.path().join("rules")).expect("rules dir");
    std::fs::create_dir_all(dir.path().join("datasets")).expect("data dir");
    std::fs::write(dir.path().join("rules/r.yaml"), rules).expect("write rules");
    std::fs::write(dir.path().join("datasets/d.yaml"), dataset).expect("write data");
    let opts = Options {
        rules: vec![dir.path().join("rules")],
        data: vec![dir.path().join("datasets")],
        ..Options::default()
    };
    let mut diags = Diagnostics::new();
    let session = score(&opts, &SourceMap::new(), &mut diags);
    match session {
        Ok(s) => s,
        Err(e) => panic!("{e}: {:?}\n{rules}\n{dataset}", diags.iter().map(|d| &d.message).collect::<Vec<_>>()),
    }
}

/// id → (total, rank or 0 when not ranked)
fn results(s: &Session) -> BTreeMap<String, (f64, u32)> {
    let ks = s.scores.of(Kind::Company).expect("companies scored");
    let ranking = s.rank(Kind::Company).expect("ranked");
    (0..ks.table.len())
        .map(|r| (ks.table.id(r).to_string(), (ks.results[r].total, ranking.position(r).map_or(0, |p| p.0))))
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn scores_are_in_range_and_their_ledger_adds_up(case in case()) {
        let s = run(&case.dataset(&case.order()), &case.rules());
        let ks = s.scores.of(Kind::Company).expect("scored");
        for row in 0..ks.table.len() {
            let l = s.ledger(Kind::Company, row, false).expect("a ledger");
            prop_assert!((0.0..=100.0).contains(&l.score), "score {} out of range", l.score);
            let contributions: f64 = l.factors.iter().map(|f| f.contribution).sum();
            let adjustments: f64 = l.adjustments.iter().filter(|a| a.fired).filter_map(|a| a.points).sum();
            if l.status != Status::NoData {
                prop_assert!((contributions + adjustments + l.clamp - l.score).abs() < 1e-9);
                prop_assert_eq!(contributions, l.base, "contributions add up to the base exactly");
            }
        }
    }

    /// The weighted product on the same cases: scores in range, each category score between
    /// its factors' lowest and highest points, and a breakdown that still attributes the base.
    #[test]
    fn weighted_product_scores_are_in_range_and_attributed(case in case()) {
        let rules = case.rules().replacen("kind: company\n", "kind: company\naggregation: weighted_product\n", 1);
        prop_assert!(rules.contains("aggregation: weighted_product"));
        let s = run(&case.dataset(&case.order()), &rules);
        let ks = s.scores.of(Kind::Company).expect("scored");
        for row in 0..ks.table.len() {
            let l = s.ledger(Kind::Company, row, false).expect("a ledger");
            prop_assert!((0.0..=100.0).contains(&l.score), "score {} out of range", l.score);
            if l.status == Status::NoData {
                continue;
            }
            let contributions: f64 = l.factors.iter().map(|f| f.contribution).sum();
            prop_assert!((contributions - l.base).abs() < 1e-9, "contributions {} vs base {}", contributions, l.base);
            let points: Vec<f64> = l.factors.iter().filter_map(|f| f.points).collect();
            let (lo, hi) = points.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), p| (a.min(*p), b.max(*p)));
            prop_assert!(l.base >= lo - 1e-9 && l.base <= hi + 1e-9, "base {} outside [{}, {}]", l.base, lo, hi);
            for f in &l.factors {
                prop_assert!((f.contribution + f.lost - 100.0 * f.share).abs() < 1e-9);
            }
        }
    }

    /// Bounds contain the score; with every factor observed (and the adjustment unconditional)
    /// they are the score itself; firm means both bounds rate as the entity does.
    #[test]
    fn bounds_contain_the_score_and_close_with_full_coverage(case in case(), product in any::<bool>()) {
        let rules = if product {
            case.rules().replacen("kind: company\n", "kind: company\naggregation: weighted_product\n", 1)
        } else {
            case.rules()
        };
        let s = run(&case.dataset(&case.order()), &rules);
        let ks = s.scores.of(Kind::Company).expect("scored");
        let rules = &ks.plan.rules;
        for row in 0..ks.table.len() {
            let l = s.ledger(Kind::Company, row, false).expect("a ledger");
            let (lo, hi) = (l.bounds.lo, l.bounds.hi);
            prop_assert!(lo <= l.score && l.score <= hi, "{} outside [{}, {}]", l.score, lo, hi);
            prop_assert!((0.0..=100.0).contains(&lo) && (0.0..=100.0).contains(&hi));
            let full = l.factors.iter().all(|f| f.state.word() == "observed");
            if full && l.status != Status::NoData {
                prop_assert_eq!(lo, l.score);
                prop_assert_eq!(hi, l.score);
                prop_assert!(l.firm, "a fully covered rating is firm");
            }
            if l.status == Status::Scored {
                let same = rules.rating_of(lo) == rules.rating_of(hi);
                prop_assert_eq!(l.firm, same, "firm iff both bounds share the band [{}, {}]", lo, hi);
            }
        }
    }

    /// Filling every missing value in at random never leaves the bounds (fixed scales only: a
    /// relative scale's points move with the universe).
    #[test]
    fn filling_missing_values_stays_within_the_bounds(case in case(), fill in proptest::collection::vec(-100.0..200.0f64, 40)) {
        prop_assume!(case.factors.iter().all(|f| matches!(f.scale, ScaleKind::Linear(..) | ScaleKind::Bands(..))));
        let s = run(&case.dataset(&case.order()), &case.rules());
        let ks = s.scores.of(Kind::Company).expect("scored");
        let before: Vec<(f64, f64)> = ks.results.iter().map(|r| (r.bounds.lo, r.bounds.hi)).collect();
        let mut filled = case.clone();
        let mut k = 0;
        for row in &mut filled.values {
            for v in row.iter_mut().filter(|v| v.is_none()) {
                *v = Some(fill[k % fill.len()]);
                k += 1;
            }
        }
        let after = results(&run(&filled.dataset(&filled.order()), &filled.rules()));
        for (i, (lo, hi)) in before.iter().enumerate() {
            let score = after[&format!("e{i}")].0;
            prop_assert!(*lo - 1e-9 <= score && score <= *hi + 1e-9, "e{} filled scores {} outside [{}, {}]", i, score, lo, hi);
        }
    }

    #[test]
    fn input_order_never_changes_the_output(case in case()) {
        let forward = results(&run(&case.dataset(&case.order()), &case.rules()));
        let mut reversed = case.order();
        reversed.reverse();
        let backward = results(&run(&case.dataset(&reversed), &case.rules()));
        prop_assert_eq!(forward, backward);
    }

    #[test]
    fn the_ranking_is_a_permutation_with_competition_ranks(case in case()) {
        let s = run(&case.dataset(&case.order()), &case.rules());
        let ks = s.scores.of(Kind::Company).expect("scored");
        let ranking = s.rank(Kind::Company).expect("ranked");
        let mut rows: Vec<u32> = ranking.ranked.iter().map(|r| r.row).chain(ranking.excluded.iter().copied()).collect();
        rows.sort_unstable();
        prop_assert_eq!(rows, (0..ks.table.len() as u32).collect::<Vec<_>>());
        let key = |row: u32| (ks.results[row as usize].total * 10f64.powi(thesis::TIE_DECIMALS)).round();
        for (i, pair) in ranking.ranked.windows(2).enumerate() {
            let (a, b) = (&pair[0], &pair[1]);
            prop_assert!(key(a.row) >= key(b.row));
            if key(a.row) == key(b.row) {
                prop_assert_eq!(b.rank, a.rank);
                prop_assert!(ks.table.id(a.row as usize) < ks.table.id(b.row as usize));
            } else {
                prop_assert_eq!(b.rank, i as u32 + 2);
            }
        }
    }

    #[test]
    fn raising_a_higher_is_better_input_never_lowers_the_score(case in case(), pick in any::<proptest::sample::Index>(), delta in 0.01..80.0f64) {
        let higher: Vec<usize> = (0..case.factors.len()).filter(|&j| !case.factors[j].lower).collect();
        prop_assume!(!higher.is_empty());
        let j = higher[pick.index(higher.len())];
        let present: Vec<usize> = (0..case.values.len()).filter(|&i| case.values[i][j].is_some()).collect();
        prop_assume!(!present.is_empty());
        let i = present[pick.index(present.len())];
        let before = results(&run(&case.dataset(&case.order()), &case.rules()))[&format!("e{i}")].0;
        let mut raised = case.clone();
        raised.values[i][j] = raised.values[i][j].map(|v| v + delta);
        let after = results(&run(&raised.dataset(&raised.order()), &raised.rules()))[&format!("e{i}")].0;
        prop_assert!(after >= before - 1e-9, "raising x{j} of e{i} by {delta} lowered its score {before} → {after}");
    }

    #[test]
    fn one_category_of_minmax_factors_is_the_textbook_weighted_sum(
        matrix in proptest::collection::vec(proptest::collection::vec(0.0..1000.0f64, 3), 3..9),
        weights in proptest::collection::vec(0.1..10.0f64, 3),
        lower in proptest::collection::vec(any::<bool>(), 3),
    ) {
        let case = Case {
            values: matrix.iter().map(|r| r.iter().map(|v| Some(*v)).collect()).collect(),
            factors: (0..3).map(|j| FactorCase { category: 0, weight: weights[j], scale: ScaleKind::Minmax, lower: lower[j], missing: 0 }).collect(),
            category_weights: [1.0, 1.0],
            adjustment: 0.0,
        };
        let got = results(&run(&case.dataset(&case.order()), &case.rules()));
        let wsum: f64 = weights.iter().sum();
        for (i, row) in matrix.iter().enumerate() {
            let mut expected = 0.0;
            for j in 0..3 {
                let col: Vec<f64> = matrix.iter().map(|r| r[j]).collect();
                let (min, max) = col.iter().fold((f64::MAX, f64::MIN), |(a, b), &v| (a.min(v), b.max(v)));
                let n = if max == min { 0.5 } else if lower[j] { (max - row[j]) / (max - min) } else { (row[j] - min) / (max - min) };
                expected += weights[j] / wsum * n;
            }
            let got = got[&format!("e{i}")].0;
            prop_assert!((got - 100.0 * expected).abs() < 1e-9, "e{}: {} vs {}", i, got, 100.0 * expected);
        }
    }
}
