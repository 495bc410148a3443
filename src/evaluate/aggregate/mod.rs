//! Aggregation: factor outcomes → one entity's base score and its [`Breakdown`] (contributions,
//! shares, points lost, category scores), the one place that knows how points combine
//! (evaluate stage; read by the kernel, ledgers, row summaries, roll-ups, lints, memos and diffs).
//!
//! # The seam
//!
//! A rule set names its method (`aggregation: weighted_sum`, the default, or `weighted_product`);
//! [`Model`] holds the kind's [`Weights`] and the prepared method, and every consumer goes
//! through it. A method implements [`Aggregator`]:
//!
//! - `prepare(weights)`: the pass made once per kind before any row is scored (`evaluate` keeps
//!   the prepared [`Model`] in the kind's `KindScores`, so ledgers, summaries and roll-ups reuse
//!   it). The weighted sum and product need only the weights; a method that needs the universe
//!   (TOPSIS: its ideal and anti-ideal points) would take the kind's outcomes here too and keep
//!   what it found in `Self`, like the relative scales do with their universe statistics.
//! - `score(weights, outcome, sums)`: the base of one row, without allocating (the hot path).
//! - `attribute(weights, outcomes, sums, breakdown)`: the rest of the [`Breakdown`] for one row,
//!   after `score` has filled `sums`. Whatever the method, contributions add up to the base and
//!   `contribution + lost = share · 100` for every factor with points, so the waterfall chart,
//!   drivers, reason codes and diffs read the same fields for every method.
//! - `nominal_base(shares, points)`: the base of an entity whose factors all have these points
//!   (the W202 lint bounds totals with it).
//! - `nominal_shares(weights)`: each factor's share with every factor present, and
//!   `nominal_swing(share, lo, hi)`: how far such a factor can move a base of 100 (the W201 lint).
//! - `ADDITIVE`: whether the base of a row whose factors all have observed data is
//!   Σ nominal share · points, so the kernel's blocked fast path may sum it directly.
//!
//! Adding a method is one file here, one variant of [`crate::model::Aggregation`] (the rule key,
//! which feeds the schema) and one line in each of [`Model::new`] and `dispatch!`; the compiler
//! lists those sites.

mod weighted_product;
mod weighted_sum;

pub(crate) use weighted_product::WeightedProduct;
pub(crate) use weighted_sum::WeightedSum;

use crate::model::{Aggregation, RuleSet};

/// How a factor fared for one entity.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Outcome {
    /// Points from observed data.
    Observed(f64),
    /// Points from the missing-data policy (`assume` or `points`).
    Imputed(f64),
    /// No value and the policy is `skip`.
    Skipped,
    /// No value and the policy is `fail`.
    Failed,
}

impl Outcome {
    /// The points, observed or imputed; `None` when skipped or failed.
    pub fn points(&self) -> Option<f64> {
        match self {
            Outcome::Observed(p) | Outcome::Imputed(p) => Some(*p),
            _ => None,
        }
    }
}

/// The weights of a rule set, precomputed once per kind.
#[derive(Debug)]
pub struct Weights {
    /// Category of each factor.
    pub category: Vec<usize>,
    /// Weight wᶠ of each factor.
    pub factor: Vec<f64>,
    /// Weight W꜀ of each category.
    pub category_weight: Vec<f64>,
    /// Σ wᶠ of each category over all its factors.
    pub category_total: Vec<f64>,
    /// Σ W꜀ over the categories that have factors.
    pub total: f64,
    /// Each factor's nominal share, with every factor present: W꜀/(ΣW·Σw꜀)·wᶠ, exactly as
    /// [`Sums::share`] computes it for such a row (the weighted sum's contribution per point).
    pub full: Vec<f64>,
    /// The coverage of such a row.
    pub full_coverage: f64,
}

impl Weights {
    /// The weights of `rules`.
    pub fn new(rules: &RuleSet) -> Weights {
        let category = rules.factors.iter().map(|f| f.category).collect();
        let factor = rules.factors.iter().map(|f| f.weight).collect();
        Weights::of(category, factor, rules.categories.iter().map(|c| c.weight).collect())
    }

    /// The weights with each factor's category, factor weights wᶠ and category weights W꜀ given
    /// (a rule set's, or the varied ones of a sensitivity analysis).
    pub fn of(category: Vec<usize>, factor: Vec<f64>, category_weight: Vec<f64>) -> Weights {
        let mut cat_sum = vec![0.0; category_weight.len()];
        for (&c, &w) in category.iter().zip(&factor) {
            cat_sum[c] += w;
        }
        let present = present_weight(&cat_sum, &category_weight);
        let full = category
            .iter()
            .zip(&factor)
            .map(|(&c, &w)| contribution_scale(category_weight[c], present, cat_sum[c]) * w)
            .collect();
        let mut w = Weights {
            category,
            factor,
            full,
            category_weight,
            category_total: cat_sum,
            total: present,
            full_coverage: 0.0,
        };
        w.full_coverage = w.coverage(&w.category_total.clone());
        w
    }

    /// Σ over categories of W꜀·(observed Σwᶠ / all Σwᶠ), over ΣW: the nominal share of the
    /// model backed by observed data (computed per category, so whole shares come out exact).
    pub fn coverage(&self, observed: &[f64]) -> f64 {
        let covered: f64 = observed
            .iter()
            .enumerate()
            .filter(|(c, o)| **o > 0.0 && self.category_total[*c] > 0.0)
            .map(|(c, o)| self.category_weight[c] * o / self.category_total[c])
            .sum();
        covered / self.total
    }
}

/// The result of combining factor outcomes.
pub struct Combined {
    /// The base score (`None` when no factor has points).
    pub base: Option<f64>,
    /// Share of the model backed by observed data, in [0, 1].
    pub coverage: f64,
}

/// Per-category buffers of one row, reused across rows.
pub struct Sums {
    /// Σ wᶠ per category over the factors with points.
    pub cat_sum: Vec<f64>,
    /// Σ wᶠ per category over the factors with observed data.
    pub observed: Vec<f64>,
    /// W꜀ / (ΣW · Σw꜀) per category, over the categories with points (0 for the others).
    pub scale: Vec<f64>,
    /// ΣW over the categories with points.
    pub present: f64,
}

impl Sums {
    /// Buffers for `nc` categories.
    pub fn new(nc: usize) -> Sums {
        Sums { cat_sum: vec![0.0; nc], observed: vec![0.0; nc], scale: vec![0.0; nc], present: 0.0 }
    }

    /// Fills the category sums over the factors with points and returns the coverage; `scale`
    /// and `present` follow when some factor has points (then `present > 0`).
    #[inline]
    pub fn fill(&mut self, w: &Weights, outcome: impl Fn(usize) -> Outcome) -> f64 {
        self.cat_sum.iter_mut().for_each(|x| *x = 0.0);
        self.observed.iter_mut().for_each(|x| *x = 0.0);
        for f in 0..w.factor.len() {
            match outcome(f) {
                Outcome::Observed(_) => {
                    self.cat_sum[w.category[f]] += w.factor[f];
                    self.observed[w.category[f]] += w.factor[f];
                }
                Outcome::Imputed(_) => self.cat_sum[w.category[f]] += w.factor[f],
                Outcome::Skipped | Outcome::Failed => {}
            }
        }
        let coverage = w.coverage(&self.observed);
        self.present = present_weight(&self.cat_sum, &w.category_weight);
        if self.present > 0.0 {
            for (c, k) in self.scale.iter_mut().enumerate() {
                *k = if self.cat_sum[c] > 0.0 {
                    contribution_scale(w.category_weight[c], self.present, self.cat_sum[c])
                } else {
                    0.0
                };
            }
        }
        coverage
    }

    /// (W꜀/ΣW)·(wᶠ/Σw꜀) of factor `f`, over the factors with points (call only for one with points).
    #[inline]
    pub fn share(&self, w: &Weights, f: usize) -> f64 {
        self.scale[w.category[f]] * w.factor[f]
    }
}

/// ΣW over the categories whose Σw꜀ is positive, in category order.
#[inline]
pub(crate) fn present_weight(cat_sum: &[f64], category_weight: &[f64]) -> f64 {
    cat_sum.iter().zip(category_weight).filter(|(sum, _)| **sum > 0.0).map(|(_, cw)| cw).sum()
}

/// W꜀ / (ΣW · Σw꜀): contribution per unit of wᶠ·sᶠ in category c.
#[inline]
pub(crate) fn contribution_scale(cat_weight: f64, present: f64, cat_sum: f64) -> f64 {
    cat_weight / (present * cat_sum)
}

/// One entity's account of how its factors made its base score.
#[derive(Clone, Debug, Default)]
pub struct Breakdown {
    /// Each factor's outcome, in factor order.
    pub outcomes: Vec<Outcome>,
    /// The base (`None` when no factor has points).
    pub base: Option<f64>,
    /// Share of the model backed by observed data, in [0, 1].
    pub coverage: f64,
    /// Per factor: effective share of the total over the factors with points (0 without points).
    pub share: Vec<f64>,
    /// Per factor: points it adds to the base; they add up to the base.
    pub contribution: Vec<f64>,
    /// Per factor: points lost below its maximum (`share · 100 − contribution`).
    pub lost: Vec<f64>,
    /// Per category: its score (`None` where no factor of it has points).
    pub category_score: Vec<Option<f64>>,
    /// Per category: W꜀/ΣW over the categories with points (0 for the others).
    pub category_share: Vec<f64>,
    /// Per category: Σ of its factors' contributions.
    pub category_contribution: Vec<f64>,
    /// Per category: a buffer for the methods' running sums.
    pub(super) category_buffer: Vec<f64>,
}

impl Breakdown {
    fn reset(&mut self, nf: usize, nc: usize) {
        for v in [&mut self.share, &mut self.contribution, &mut self.lost] {
            v.clear();
            v.resize(nf, 0.0);
        }
        self.category_score.clear();
        self.category_score.resize(nc, None);
        self.category_share.clear();
        self.category_share.resize(nc, 0.0);
        self.category_contribution.clear();
        self.category_contribution.resize(nc, 0.0);
        self.category_buffer.clear();
        self.category_buffer.resize(nc, 0.0);
    }

    /// Category shares and contributions: the parts that read the same for every method. A
    /// category's contribution is the `Sum` of its factors' in factor order (from `Sum`'s own
    /// starting value, so an empty category reads as the ledgers always printed it).
    fn finish_categories(&mut self, w: &Weights, sums: &Sums) {
        let zero: f64 = std::iter::empty::<f64>().sum();
        self.category_contribution.iter_mut().for_each(|x| *x = zero);
        for (f, &c) in w.category.iter().enumerate() {
            self.category_contribution[c] += self.contribution[f];
        }
        for c in 0..w.category_weight.len() {
            let has = sums.cat_sum[c] > 0.0;
            self.category_share[c] = if has && sums.present > 0.0 { w.category_weight[c] / sums.present } else { 0.0 };
        }
    }
}

/// An aggregation method (see the module doc for the contract).
pub(crate) trait Aggregator: Sized {
    /// Whether complete rows score Σ nominal share · points (the kernel's blocked fast path).
    const ADDITIVE: bool;
    /// The once-per-kind pass (see the module doc).
    fn prepare(w: &Weights) -> Self;
    /// The base and coverage of one row; fills `sums`.
    fn score(&self, w: &Weights, outcome: impl Fn(usize) -> Outcome, sums: &mut Sums) -> Combined;
    /// The rest of the breakdown of one row that has a base, after `score` filled `sums`.
    fn attribute(&self, w: &Weights, outcomes: &[Outcome], sums: &Sums, out: &mut Breakdown);
    /// The base of an entity whose factors have `points`, with these nominal shares.
    fn nominal_base(shares: &[f64], points: impl Iterator<Item = f64>) -> f64;
    /// The most a factor with this nominal share and points in [lo, hi] moves a base of 100,
    /// as a fraction (the W201 lint); the weighted sum's is its share.
    fn nominal_swing(share: f64, lo: f64, hi: f64) -> f64;
    /// The points factor `f` would need for the row's base to be `target`, the others held,
    /// after `score` filled `sums` and gave `base` (`points`: NaN where a factor has none).
    /// Solved in closed form; the caller checks the result against `score`.
    fn solve(&self, w: &Weights, points: &[f64], sums: &Sums, f: usize, base: f64, target: f64) -> f64;
    /// The method as a running sum, for [`Probe`]: `score`'s base is
    /// `finish(start() + term(share₁, p₁) + term(share₂, p₂) + …)` over the factors with points,
    /// added in factor order, bit for bit (a unit test of `probe` holds each method to it).
    fn start() -> f64;
    /// One factor's term of the running sum.
    fn term(share: f64, p: f64) -> f64;
    /// The base from the running sum.
    fn finish(acc: f64) -> f64;
    /// Each factor's nominal share, with every factor present.
    fn nominal_shares(w: &Weights) -> Vec<f64> {
        w.full.clone()
    }
    /// For a method whose base of a row with every factor given points is Σ share·points in
    /// factor order, bit for bit as `score` sums it, those shares (`None`: no such form, or no
    /// factor with weight). The bounds of a row take one pass with them (`evaluate::bounds`).
    fn present_shares(_: &Weights) -> Option<Vec<f64>> {
        None
    }
}

/// A prepared method, one variant per [`Aggregator`].
#[derive(Debug)]
pub enum Method {
    /// Σ share · points.
    WeightedSum(WeightedSum),
    /// 100 · Π (points/100)^share.
    WeightedProduct(WeightedProduct),
}

/// Runs `$body` with `$m` bound to the prepared method (an expression), or with `$t` as the
/// method's type (a type-level call): the one list of methods besides [`Model::new`].
macro_rules! dispatch {
    ($method:expr, $m:ident => $body:expr) => {
        match $method {
            Method::WeightedSum($m) => $body,
            Method::WeightedProduct($m) => $body,
        }
    };
    (type $aggregation:expr, $t:ident => $body:expr) => {
        match $aggregation {
            Aggregation::WeightedSum => {
                type $t = WeightedSum;
                $body
            }
            Aggregation::WeightedProduct => {
                type $t = WeightedProduct;
                $body
            }
        }
    };
}

mod probe;
pub(crate) use probe::Probe;

/// A kind's aggregation: its weights and prepared method, made once per kind by `evaluate` and
/// kept in its `KindScores` for ledgers, summaries and roll-ups.
#[derive(Debug)]
pub struct Model {
    /// The rule set's weights.
    pub weights: Weights,
    /// The prepared method.
    pub method: Method,
}

impl Model {
    /// The aggregation of `rules`, prepared.
    pub fn new(rules: &RuleSet) -> Model {
        let weights = Weights::new(rules);
        let method = match rules.aggregation {
            Aggregation::WeightedSum => Method::WeightedSum(WeightedSum::prepare(&weights)),
            Aggregation::WeightedProduct => Method::WeightedProduct(WeightedProduct::prepare(&weights)),
        };
        Model { weights, method }
    }

    /// The same method under other factor and category weights (each factor keeps its
    /// category): what a sensitivity analysis rescores with.
    pub fn reweighted(&self, factor: &[f64], category: &[f64]) -> Model {
        let weights = Weights::of(self.weights.category.clone(), factor.to_vec(), category.to_vec());
        let method = match self.method {
            Method::WeightedSum(_) => Method::WeightedSum(WeightedSum::prepare(&weights)),
            Method::WeightedProduct(_) => Method::WeightedProduct(WeightedProduct::prepare(&weights)),
        };
        Model { weights, method }
    }

    /// The points factor `f` of a row with `points` (NaN: no points) and this `base` would need
    /// for a base of `target` (see [`Aggregator::solve`]), after `score` filled `sums` for the
    /// row (a change of one factor's points leaves them as they are).
    pub fn solve(&self, sums: &Sums, points: &[f64], f: usize, base: f64, target: f64) -> f64 {
        dispatch!(&self.method, m => m.solve(&self.weights, points, sums, f, base, target))
    }

    /// Whether the kernel may sum complete rows directly (see [`Aggregator::ADDITIVE`]).
    pub fn additive(&self) -> bool {
        dispatch!(&self.method, m => is_additive(m))
    }

    /// See [`Aggregator::present_shares`].
    pub(crate) fn present_shares(&self) -> Option<Vec<f64>> {
        dispatch!(&self.method, m => present_shares_of(m, &self.weights))
    }

    /// The base and coverage of one row.
    #[inline]
    pub fn score(&self, outcome: impl Fn(usize) -> Outcome, sums: &mut Sums) -> Combined {
        dispatch!(&self.method, m => m.score(&self.weights, outcome, sums))
    }

    /// The full breakdown of one row whose outcomes are in `out.outcomes`.
    pub fn breakdown(&self, sums: &mut Sums, out: &mut Breakdown) {
        let outcomes = std::mem::take(&mut out.outcomes);
        let combined = self.score(|f| outcomes[f], sums);
        out.reset(outcomes.len(), self.weights.category_weight.len());
        out.base = combined.base;
        out.coverage = combined.coverage;
        if combined.base.is_some() {
            dispatch!(&self.method, m => m.attribute(&self.weights, &outcomes, sums, out));
        }
        out.finish_categories(&self.weights, sums);
        out.outcomes = outcomes;
    }
}

fn is_additive<A: Aggregator>(_: &A) -> bool {
    A::ADDITIVE
}

fn present_shares_of<A: Aggregator>(_: &A, w: &Weights) -> Option<Vec<f64>> {
    A::present_shares(w)
}

/// Each factor's nominal share of the total under `rules`, with every factor present.
pub(crate) fn nominal_shares(rules: &RuleSet) -> Vec<f64> {
    let w = Weights::new(rules);
    dispatch!(type rules.aggregation, A => A::nominal_shares(&w))
}

/// The most a factor with this nominal share and points in [lo, hi] moves a base of 100 under
/// `rules`, as a fraction.
pub(crate) fn nominal_swing(rules: &RuleSet, share: f64, lo: f64, hi: f64) -> f64 {
    dispatch!(type rules.aggregation, A => A::nominal_swing(share, lo, hi))
}

/// The base of an entity under `rules` whose factors all have these points.
pub(crate) fn nominal_base(rules: &RuleSet, shares: &[f64], points: impl Iterator<Item = f64>) -> f64 {
    dispatch!(type rules.aggregation, A => A::nominal_base(shares, points))
}
