//! The scoring kernel: factor points → category scores → total, then adjustments, clamping,
//! rating and gates, for every entity in parallel chunks (evaluate stage).
//!
//! Each entity is scored on its own, summing in factor order, so results are identical for any
//! thread count and any entity order.

use std::sync::atomic::{AtomicUsize, Ordering};

use rayon::prelude::*;

use super::KindScores;
use super::inputs::{CHUNK, Raw, View, failure_diagnostic};
use super::scale::Scorer;
use super::worker::Worker;
use crate::compile::KindPlan;
use crate::diag::{Code, Diagnostic, Diagnostics};
use crate::load::rules::GateMissing;
use crate::model::{EntityTable, GateAction, KindSchema, Missing, RuleSet};
use crate::script::{Failure, Limits};
use crate::source::SourceMap;

/// Whether an entity is ranked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    Scored,
    /// Excluded by the gate with this index.
    Excluded(u16),
    /// No factor had a value: nothing to score.
    NoData,
}

/// One entity's result. Bit `i` of a mask refers to gate or adjustment `i`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct EntityScore {
    /// Σ of factor contributions, before adjustments.
    pub base: f64,
    /// After adjustments, clamped to [0, 100].
    pub total: f64,
    /// Share of the model's weight backed by observed data, in [0, 1].
    pub coverage: f64,
    /// Index of the rating band (best first), after caps.
    pub rating: Option<u8>,
    pub status: Status,
    pub gates_fired: u64,
    pub gates_unknown: u64,
    pub adjustments_applied: u64,
    pub adjustments_unknown: u64,
}

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
    pub fn points(&self) -> Option<f64> {
        match self {
            Outcome::Observed(p) | Outcome::Imputed(p) => Some(*p),
            _ => None,
        }
    }
}

/// A factor ready to score rows.
pub struct FactorView<'a> {
    values: View<'a>,
    scorer: &'a Scorer,
    missing: Missing,
}

impl FactorView<'_> {
    #[inline]
    pub fn outcome(&self, row: usize) -> Outcome {
        let points = match self.values {
            View::Number(v) => {
                let x = v[row];
                if x.is_nan() { None } else { self.scorer.number(x) }
            }
            View::Bool(v) => v[row].and_then(|b| self.scorer.boolean(b)),
            View::Text(v) => v[row].as_deref().and_then(|s| self.scorer.text(s)),
            View::None => None,
        };
        match (points, self.missing) {
            (Some(p), _) => Outcome::Observed(p),
            (None, Missing::Skip) => Outcome::Skipped,
            (None, Missing::Fail) => Outcome::Failed,
            (None, Missing::Points(p)) => Outcome::Imputed(p),
            (None, Missing::Assume(x)) => self.scorer.number(x).map_or(Outcome::Skipped, Outcome::Imputed),
        }
    }
}

pub fn views<'a>(
    table: &'a EntityTable,
    raw: &'a [Raw],
    scorers: &'a [Scorer],
    rules: &RuleSet,
) -> Vec<FactorView<'a>> {
    raw.iter()
        .zip(scorers)
        .zip(&rules.factors)
        .map(|((r, s), f)| FactorView { values: r.view(table), scorer: s, missing: f.missing })
        .collect()
}

/// The weights of a rule set, precomputed once per kind.
pub struct Weights {
    /// Category of each factor.
    pub category: Vec<usize>,
    pub factor: Vec<f64>,
    pub category_weight: Vec<f64>,
    /// Σ wᶠ of each category over all its factors.
    pub category_total: Vec<f64>,
    /// Σ W꜀ over the categories that have factors.
    pub total: f64,
}

impl Weights {
    pub fn new(rules: &RuleSet) -> Weights {
        let nc = rules.categories.len();
        let mut cat_sum = vec![0.0; nc];
        for f in &rules.factors {
            cat_sum[f.category] += f.weight;
        }
        let total: f64 = (0..nc).filter(|&c| cat_sum[c] > 0.0).map(|c| rules.categories[c].weight).sum();
        Weights {
            category: rules.factors.iter().map(|f| f.category).collect(),
            factor: rules.factors.iter().map(|f| f.weight).collect(),
            category_weight: rules.categories.iter().map(|c| c.weight).collect(),
            category_total: cat_sum,
            total,
        }
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
    /// Σ of contributions (`None` when no factor has points).
    pub base: Option<f64>,
    pub coverage: f64,
}

/// Reusable per-thread buffers.
pub struct Scratch {
    pub outcomes: Vec<Outcome>,
    /// Σ wᶠ per category over the factors with points.
    pub cat_sum: Vec<f64>,
    /// Σ wᶠ per category over the factors with observed data.
    pub observed: Vec<f64>,
}

impl Scratch {
    pub fn new(nf: usize, nc: usize) -> Scratch {
        Scratch { outcomes: Vec::with_capacity(nf), cat_sum: vec![0.0; nc], observed: vec![0.0; nc] }
    }
}

/// Fills `s.outcomes` for a row and combines them: category sums over the factors with points,
/// then contributions (W꜀/ΣW)·(wᶠ/Σw꜀)·sᶠ summed in factor order.
#[inline]
pub fn combine_row(views: &[FactorView<'_>], w: &Weights, row: usize, s: &mut Scratch) -> Combined {
    s.outcomes.clear();
    s.cat_sum.iter_mut().for_each(|x| *x = 0.0);
    s.observed.iter_mut().for_each(|x| *x = 0.0);
    for (f, v) in views.iter().enumerate() {
        let o = v.outcome(row);
        if o.points().is_some() {
            s.cat_sum[w.category[f]] += w.factor[f];
        }
        if let Outcome::Observed(_) = o {
            s.observed[w.category[f]] += w.factor[f];
        }
        s.outcomes.push(o);
    }
    let coverage = w.coverage(&s.observed);
    let present: f64 = s.cat_sum.iter().zip(&w.category_weight).filter(|(sum, _)| **sum > 0.0).map(|(_, cw)| cw).sum();
    if present == 0.0 {
        return Combined { base: None, coverage };
    }
    let mut base = 0.0;
    for (f, o) in s.outcomes.iter().enumerate() {
        if let Some(p) = o.points() {
            let c = w.category[f];
            base += contribution(w.category_weight[c], present, w.factor[f], s.cat_sum[c], p);
        }
    }
    Combined { base: Some(base), coverage }
}

/// (W꜀/ΣW)·(wᶠ/Σw꜀)·points: the one formula both the kernel and the ledger use.
#[inline]
pub fn contribution(cat_weight: f64, present: f64, weight: f64, cat_sum: f64, points: f64) -> f64 {
    (cat_weight / present) * (weight / cat_sum) * points
}

/// A category's score for one entity: Σ wᶠ·sᶠ / Σ wᶠ over its factors with points.
pub fn category_score(ks: &KindScores, row: usize, category: usize) -> Option<f64> {
    let rules = &ks.plan.rules;
    let views = views(&ks.table, &ks.raw, &ks.scorers, rules);
    let (mut num, mut den) = (0.0, 0.0);
    for (f, v) in views.iter().enumerate() {
        if rules.factors[f].category != category {
            continue;
        }
        if let Some(p) = v.outcome(row).points() {
            num += rules.factors[f].weight * p;
            den += rules.factors[f].weight;
        }
    }
    (den > 0.0).then(|| num / den)
}

struct ChunkResult {
    scores: Vec<EntityScore>,
    failure: Option<(usize, usize, Failure)>,
    /// Per factor with the `fail` policy: first row without a value, and how many.
    failed: Vec<(usize, usize)>,
}

/// Scores every entity of a stage.
#[allow(clippy::too_many_arguments)]
pub fn score_all(
    stage: &KindPlan,
    table: &std::sync::Arc<EntityTable>,
    schema: &KindSchema,
    raw: &[Raw],
    scorers: &[Scorer],
    limits: &Limits,
    sources: &SourceMap,
    diags: &mut Diagnostics,
) -> Option<Vec<EntityScore>> {
    let rules = &stage.rules;
    let views = views(table, raw, scorers, rules);
    let weights = Weights::new(rules);
    let n = table.len();
    let conditions = !stage.gate_programs.is_empty() || !stage.adjustment_programs.is_empty();
    let first_failure = AtomicUsize::new(usize::MAX);
    let chunks: Vec<ChunkResult> = (0..n.div_ceil(CHUNK))
        .into_par_iter()
        .map_init(
            || {
                let worker = conditions.then(|| Worker::new(table, schema, limits, false));
                (worker, Scratch::new(rules.factors.len(), rules.categories.len()))
            },
            |(worker, scratch), c| {
                let rows = c * CHUNK..((c + 1) * CHUNK).min(n);
                score_chunk(stage, &views, &weights, rows, worker.as_mut(), scratch, &first_failure)
            },
        )
        .collect();
    report(stage, table, &chunks, sources, diags)?;
    Some(chunks.into_iter().flat_map(|c| c.scores).collect())
}

fn report(
    stage: &KindPlan,
    table: &EntityTable,
    chunks: &[ChunkResult],
    sources: &SourceMap,
    diags: &mut Diagnostics,
) -> Option<()> {
    let failure = chunks.iter().filter_map(|c| c.failure.as_ref()).min_by_key(|(row, p, _)| (*row, *p));
    if let Some((row, p, failure)) = failure {
        diags.push(failure_diagnostic(&stage.programs[*p], table, *row, failure, sources));
    }
    let nf = stage.rules.factors.len();
    let mut failed = vec![(usize::MAX, 0usize); nf];
    for c in chunks {
        for (f, &(first, count)) in c.failed.iter().enumerate() {
            failed[f] = (failed[f].0.min(first), failed[f].1 + count);
        }
    }
    let any_failed = failed.iter().any(|(_, n)| *n > 0);
    for (f, &(first, count)) in failed.iter().enumerate() {
        if count == 0 {
            continue;
        }
        let factor = &stage.rules.factors[f];
        let more = if count > 1 { format!(" (and {} more entities)", count - 1) } else { String::new() };
        diags.push(
            Diagnostic::error(
                Code::MissingData,
                format!("factor `{}` has no value for `{}`{more}", factor.id, table.id(first)),
            )
            .at_opt(factor.span)
            .hint("supply the value, or give the factor `missing: skip`, `{assume: X}` or `{points: P}`"),
        );
    }
    (failure.is_none() && !any_failed).then_some(())
}

#[allow(clippy::too_many_arguments)]
fn score_chunk(
    stage: &KindPlan,
    views: &[FactorView<'_>],
    weights: &Weights,
    rows: std::ops::Range<usize>,
    mut worker: Option<&mut Worker>,
    scratch: &mut Scratch,
    first_failure: &AtomicUsize,
) -> ChunkResult {
    let mut out = ChunkResult {
        scores: Vec::with_capacity(rows.len()),
        failure: None,
        failed: vec![(usize::MAX, 0); views.len()],
    };
    for row in rows {
        let combined = combine_row(views, weights, row, scratch);
        for (f, o) in scratch.outcomes.iter().enumerate() {
            if *o == Outcome::Failed {
                out.failed[f] = (out.failed[f].0.min(row), out.failed[f].1 + 1);
            }
        }
        let score = match (combined.base, worker.as_deref_mut()) {
            (None, _) => EntityScore::no_data(combined.coverage),
            (Some(base), None) => finish(&stage.rules, base, combined.coverage, 0.0, 0, 0),
            (Some(base), Some(w)) => {
                if row > first_failure.load(Ordering::Relaxed) {
                    break;
                }
                match apply_conditions(stage, w, row, base, combined.coverage) {
                    Ok(s) => s,
                    Err((p, f)) => {
                        first_failure.fetch_min(row, Ordering::Relaxed);
                        out.failure = Some((row, p, f));
                        break;
                    }
                }
            }
        };
        out.scores.push(score);
    }
    out
}

impl EntityScore {
    fn no_data(coverage: f64) -> EntityScore {
        EntityScore {
            base: 0.0,
            total: 0.0,
            coverage,
            rating: None,
            status: Status::NoData,
            gates_fired: 0,
            gates_unknown: 0,
            adjustments_applied: 0,
            adjustments_unknown: 0,
        }
    }
}

/// Total after adjustments, clamped, with its rating before any gate.
fn finish(rules: &RuleSet, base: f64, coverage: f64, adjust: f64, applied: u64, unknown: u64) -> EntityScore {
    let total = (base + adjust).clamp(0.0, 100.0);
    EntityScore {
        base,
        total,
        coverage,
        rating: rules.rating_of(total).map(|r| r as u8),
        status: Status::Scored,
        gates_fired: 0,
        gates_unknown: 0,
        adjustments_applied: applied,
        adjustments_unknown: unknown,
    }
}

/// A condition's verdict: fired, not fired, or undetermined (it read missing data).
fn verdict(
    w: &mut Worker,
    stage: &KindPlan,
    p: usize,
    row: usize,
    score: f64,
    rating: &str,
) -> Result<Option<bool>, Failure> {
    match w.run_condition(&stage.programs[p], row, score, rating) {
        Ok(d) if d.is_unit() => Ok(None),
        Ok(d) => d.as_bool().map(Some).map_err(|_| Failure::Error {
            code: Code::ScriptType,
            message: format!("returned {} where true or false was expected", d.type_name()),
            at: None,
        }),
        Err(Failure::Missing(_)) => Ok(None),
        Err(f) => Err(f),
    }
}

fn resolve(v: Option<bool>, policy: GateMissing, label: &str) -> Result<(bool, bool), Failure> {
    match (v, policy) {
        (Some(b), _) => Ok((b, false)),
        (None, GateMissing::Skip) => Ok((false, true)),
        (None, GateMissing::Fire) => Ok((true, true)),
        (None, GateMissing::Fail) => Err(Failure::Error {
            code: Code::MissingData,
            message: format!("{label} reads data the entity lacks, and its policy is `missing: fail`"),
            at: None,
        }),
    }
}

fn apply_conditions(
    stage: &KindPlan,
    w: &mut Worker,
    row: usize,
    base: f64,
    coverage: f64,
) -> Result<EntityScore, (usize, Failure)> {
    let rules = &stage.rules;
    let (mut adjust, mut applied, mut unknown) = (0.0, 0u64, 0u64);
    for (i, (a, &p)) in rules.adjustments.iter().zip(&stage.adjustment_programs).enumerate() {
        let v = verdict(w, stage, p, row, base, "").map_err(|f| (p, f))?;
        let (fired, undetermined) = resolve(v, a.missing, &stage.programs[p].label).map_err(|f| (p, f))?;
        if fired {
            adjust += a.points;
            applied |= 1 << i;
        }
        if undetermined {
            unknown |= 1 << i;
        }
    }
    let mut s = finish(rules, base, coverage, adjust, applied, unknown);
    let label = s.rating.map_or("", |r| rules.ratings[r as usize].label.as_str()).to_string();
    for (i, (g, &p)) in rules.gates.iter().zip(&stage.gate_programs).enumerate() {
        let v = verdict(w, stage, p, row, s.total, &label).map_err(|f| (p, f))?;
        let (fired, undetermined) = resolve(v, g.missing, &stage.programs[p].label).map_err(|f| (p, f))?;
        if undetermined {
            s.gates_unknown |= 1 << i;
        }
        if !fired {
            continue;
        }
        s.gates_fired |= 1 << i;
        match g.action {
            GateAction::Exclude if s.status == Status::Scored => s.status = Status::Excluded(i as u16),
            GateAction::Cap(cap) => s.rating = s.rating.map(|r| r.max(cap as u8)),
            _ => {}
        }
    }
    Ok(s)
}
