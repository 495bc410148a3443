//! The scoring kernel: factor points → category scores → total, then adjustments, clamping,
//! rating and gates, for every entity in parallel chunks (evaluate stage).
//!
//! Each entity is scored on its own, summing in factor order, so results are identical for any
//! thread count and any entity order.

use std::sync::atomic::{AtomicUsize, Ordering};

use rayon::prelude::*;

use super::aggregate::{Combined, Model, Outcome, Sums};
use super::block::{BLOCK, Scratch, backed, count_failed, count_unsourced, fill_block, stored};
use super::bounds::{Bounds, PointRanges, is_firm, total_bounds};
use super::conditions::apply_conditions;
use super::factor::{FactorView, Raw, views};
use super::floors::Floors;
use super::inputs::{CHUNK, failure_diagnostic};
use super::reasons::{BlockSlots, Summaries, Summarizer};
use super::sourcing::Unsourced;
use super::worker::Worker;
use crate::compile::KindPlan;
use crate::diag::{Code, Diagnostic, Diagnostics};
use crate::model::{EntityTable, KindSchema, RuleSet};
use crate::scale::Scorer;
use crate::script::{Failure, Limits};
use crate::source::SourceMap;

/// Whether an entity is ranked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    /// Scored and ranked.
    Scored,
    /// Excluded by the gate with this index.
    Excluded(u16),
    /// No factor had a value: nothing to score.
    NoData,
    /// Scored, but carrying no rating: below a coverage floor, or by a `not_rated` gate.
    NotRated(NotRated),
}

/// Why an entity is not rated.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NotRated {
    /// Its coverage is below the rule set's `coverage: {min}`.
    Coverage,
    /// The coverage of the category with this index is below its floor.
    Category(u16),
    /// The `not_rated` gate with this index fired.
    Gate(u16),
}

impl serde::Serialize for Status {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.word())
    }
}

impl Status {
    /// `ranked`, `excluded`, `no_data` or `not_rated`, as ledgers, CSV and diffs print it.
    pub fn word(self) -> &'static str {
        match self {
            Status::Scored => "ranked",
            Status::Excluded(_) => "excluded",
            Status::NoData => "no_data",
            Status::NotRated(_) => "not_rated",
        }
    }
}

/// One entity's result; which of its gates and adjustments fired is in [`Masks`], kept apart
/// (and only for rule sets that have any).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct EntityScore {
    /// Σ of factor contributions, before adjustments.
    pub base: f64,
    /// After adjustments, clamped to [0, 100].
    pub total: f64,
    /// Share of the model's weight backed by observed data, in [0, 1].
    pub coverage: f64,
    /// The lowest and highest total missing data allows (see `evaluate::bounds`).
    pub bounds: Bounds,
    /// Whether both bounds fall in the rating's band (see `evaluate::bounds`).
    pub firm: bool,
    /// Index of the rating band (best first), after caps.
    pub rating: Option<u8>,
    pub status: Status,
}

/// Which gates and adjustments fired for one entity, and which could not be decided (they
/// read missing data). Bit `i` of a mask refers to gate or adjustment `i`. Kept beside the
/// results rather than in them: a rule set without conditions (most large screens) pays
/// nothing for them, 32 bytes an entity (32 MB at a million).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Masks {
    pub(crate) gates_fired: u64,
    pub(crate) gates_unknown: u64,
    pub(crate) adjustments_applied: u64,
    pub(crate) adjustments_unknown: u64,
}

/// What a chunk reports besides its scores.
pub(super) struct ChunkResult {
    failure: Option<(usize, usize, Failure)>,
    /// Per factor with the `fail` policy: first row without a value, and how many.
    failed: Vec<(usize, usize)>,
}

/// A stage's factor inputs: raw values, resolved scales, and which values are unsourced.
pub(super) struct Inputs<'a> {
    pub(super) raw: &'a [Raw],
    pub(super) scorers: &'a [Scorer],
    pub(super) unsourced: &'a [Unsourced],
}

/// Scores every entity of a stage.
#[allow(clippy::too_many_arguments)]
pub(super) fn score_all(
    stage: &KindPlan,
    table: &std::sync::Arc<EntityTable>,
    schema: &KindSchema,
    inputs: Inputs<'_>,
    model: &Model,
    limits: &Limits,
    sources: &SourceMap,
    diags: &mut Diagnostics,
) -> Option<(Vec<EntityScore>, Vec<Masks>, Summaries)> {
    let n = table.len();
    let rules = &stage.rules;
    let mut results = crate::pool::filled(EntityScore::no_data(0.0, None), n);
    let mut summaries = Summaries::new(n, rules.reason_codes, rules.categories.len());
    let mut masks = crate::pool::filled(Masks::default(), if has_conditions(stage) { n } else { 0 });
    let layout = summaries.clone_layout();
    let (reasons, categories) = summaries.slots_mut();
    let out = Rows { scores: &mut results, masks: &mut masks, reasons, categories };
    let pass = Pass { stage, table, schema, inputs: &inputs, model, limits };
    let chunks = pass.score(0..n, &layout, out);
    report(stage, table, &chunks, sources, diags)?;
    Some((results, masks, summaries))
}

/// Whether a stage has gates or adjustments (scripts run row by row in the kernel).
pub(super) fn has_conditions(stage: &KindPlan) -> bool {
    !stage.gate_programs.is_empty() || !stage.adjustment_programs.is_empty()
}

/// What every pass of the kernel over a stage's rows reads.
pub(super) struct Pass<'p, 'a> {
    pub(super) stage: &'p KindPlan,
    pub(super) table: &'p std::sync::Arc<EntityTable>,
    pub(super) schema: &'p KindSchema,
    pub(super) inputs: &'p Inputs<'a>,
    pub(super) model: &'p Model,
    pub(super) limits: &'p Limits,
}

/// Where a pass writes the results of its rows: one slot per row of `scores` (and of `masks`,
/// unless it is empty: no conditions), the summaries' slots in `layout`'s strides.
pub(super) struct Rows<'s> {
    pub(super) scores: &'s mut [EntityScore],
    pub(super) masks: &'s mut [Masks],
    pub(super) reasons: &'s mut [u16],
    pub(super) categories: &'s mut [f64],
}

impl Pass<'_, '_> {
    /// Scores rows `rows` (whole chunks from a multiple of [`CHUNK`], or up to the table's end)
    /// into `out`; what each chunk reported, for [`report`].
    pub(super) fn score(&self, rows: std::ops::Range<usize>, layout: &Summaries, out: Rows<'_>) -> Vec<ChunkResult> {
        let Pass { stage, table, schema, inputs, model, limits } = *self;
        let rules = &stage.rules;
        let views = views(table, inputs.raw, inputs.scorers, rules);
        let conditions = has_conditions(stage);
        let first_failure = AtomicUsize::new(usize::MAX);
        let ranges = PointRanges::new(rules, model);
        let mut sums = Sums::new(rules.categories.len());
        let unsourced_range = ranges.base_bounds(model, |_| Outcome::Skipped, &mut sums);
        let frame = Frame {
            views: &views,
            model,
            ranges,
            floors: Floors::new(rules),
            unsourced: inputs.unsourced,
            bare_all: inputs.unsourced.iter().filter(|u| **u == Unsourced::All).count(),
            bare_by_row: (0..inputs.unsourced.len())
                .filter(|&f| matches!(inputs.unsourced[f], Unsourced::Rows(_)))
                .collect(),
            unsourced_range,
        };
        let Rows { scores, masks, reasons, categories } = out;
        let mask_chunks: Vec<&mut [Masks]> = if conditions {
            masks.chunks_mut(CHUNK).collect()
        } else {
            scores.chunks(CHUNK).map(|_| <&mut [Masks]>::default()).collect()
        };
        scores
            .par_chunks_mut(CHUNK)
            .zip(layout.par_chunks(reasons, categories, CHUNK))
            .zip(mask_chunks)
            .enumerate()
            .map_init(
                || {
                    let worker = conditions.then(|| Worker::new(table, schema, limits, false));
                    (worker, Scratch::new(rules.categories.len()), Summarizer::new(model, rules))
                },
                |(worker, scratch, summarizer), (c, ((out, (reasons, categories)), masks))| {
                    let first = rows.start + c * CHUNK;
                    let keep = Keep { layout, summarizer, reasons, categories };
                    let out = Out { scores: out, masks };
                    score_chunk(
                        stage,
                        &frame,
                        first..first + out.scores.len(),
                        out,
                        worker.as_mut(),
                        scratch,
                        keep,
                        &first_failure,
                    )
                },
            )
            .collect()
    }
}

/// Where a chunk writes its rows' results, and their masks (empty without conditions).
struct Out<'s> {
    scores: &'s mut [EntityScore],
    masks: &'s mut [Masks],
}

/// Where a chunk keeps its rows' reason codes and category scores.
struct Keep<'s, 'a> {
    layout: &'s Summaries,
    summarizer: &'s mut Summarizer<'a>,
    reasons: &'s mut [u16],
    categories: &'s mut [f64],
}

/// The diagnostics of a stage's chunks: the first script failure alone, else every factor with
/// the `fail` policy that lacked a value. `None` if there was any.
pub(super) fn report(
    stage: &KindPlan,
    table: &EntityTable,
    chunks: &[ChunkResult],
    sources: &SourceMap,
    diags: &mut Diagnostics,
) -> Option<()> {
    let failure = chunks.iter().filter_map(|c| c.failure.as_ref()).min_by_key(|(row, p, _)| (*row, *p));
    if let Some((row, p, failure)) = failure {
        // Scoring stopped early, at a point that depends on the threads: missing-data counts
        // would too, so the script failure is reported alone.
        diags.push(failure_diagnostic(&stage.programs[*p], table, *row, failure, sources));
        return None;
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
    (!any_failed).then_some(())
}

/// What every chunk of a stage reads: the factor views, the aggregation, each factor's point
/// range (for the bounds), the coverage floors, which values are unsourced, and the base's
/// range when no value is backed (every factor at its lowest, every factor at its highest).
struct Frame<'a> {
    views: &'a [FactorView<'a>],
    model: &'a Model,
    ranges: PointRanges,
    floors: Floors,
    unsourced: &'a [Unsourced],
    /// How many factors hold only unsourced values, and which are sourced row by row.
    bare_all: usize,
    bare_by_row: Vec<usize>,
    unsourced_range: Option<(f64, f64)>,
}

/// What the aggregation of a row leaves for its total: the base's bounds and a floor it is below.
pub(super) struct Pre {
    pub(super) range: Option<(f64, f64)>,
    pub(super) floor: Option<NotRated>,
}

// The chunk's inputs travel together through the parallel loop; bundling them into one more
// struct would only rename the arguments.
#[allow(clippy::too_many_arguments)]
fn score_chunk(
    stage: &KindPlan,
    frame: &Frame<'_>,
    rows: std::ops::Range<usize>,
    out: Out<'_>,
    mut worker: Option<&mut Worker>,
    scratch: &mut Scratch,
    keep: Keep<'_, '_>,
    first_failure: &AtomicUsize,
) -> ChunkResult {
    let (views, model) = (frame.views, frame.model);
    let mut report = ChunkResult { failure: None, failed: vec![(usize::MAX, 0); views.len()] };
    let additive = model.additive();
    let mut start = rows.start;
    while start < rows.end {
        let block = start..(start + BLOCK).min(rows.end);
        let nb = block.len();
        fill_block(views, &model.weights, block.clone(), scratch);
        for (k, row) in block.clone().enumerate() {
            let Scratch { sums, points, states, complete, base, zeros, later } = &mut *scratch;
            let (reasons, categories) = keep.layout.slots(keep.reasons, keep.categories, row - rows.start);
            let direct = keep.summarizer.direct();
            let (observed, unsourced) = if complete[k] {
                // Every factor observed: only the factors sourced row by row need a look.
                let by_row = frame.bare_by_row.iter().filter(|&&f| frame.unsourced[f].at(row)).count();
                (views.len(), frame.bare_all + by_row)
            } else {
                count_unsourced(frame.unsourced, states, nb, k, row)
            };
            let outcome = |f| stored(points, states, f * nb + k);
            if !complete[k] {
                count_failed(&mut report.failed, states, nb, k, row);
            }
            let (combined, pre) = if complete[k] && additive && unsourced < views.len() && unsourced > 0 {
                // Complete, some values unsourced: coverage and bounds row by row.
                let combined = model.score(outcome, sums);
                if direct {
                    keep.summarizer.scored(sums, outcome, reasons, categories);
                }
                partly_unsourced(frame, combined, row, outcome, sums)
            } else if complete[k] && additive {
                // Summarised with the block's other such rows, below.
                later[k] = direct;
                let b = base[k];
                if unsourced == 0 {
                    (
                        Combined { base: Some(b), coverage: model.weights.full_coverage },
                        Pre { range: Some((b, b)), floor: None },
                    )
                } else {
                    // Nothing is backed: no coverage, and every factor ranges over its points.
                    let floor = frame.floors.check(&model.weights, 0.0, zeros);
                    (Combined { base: Some(b), coverage: 0.0 }, Pre { range: frame.unsourced_range, floor })
                }
            } else {
                let mut combined = model.score(outcome, sums);
                if direct {
                    keep.summarizer.scored(sums, outcome, reasons, categories);
                }
                if unsourced == observed {
                    // Nothing observed is backed (no value, or only unsourced ones): the model's
                    // coverage of nothing, and every factor ranges over its points, the same
                    // for every such row.
                    if unsourced > 0 {
                        combined.coverage = model.weights.coverage(zeros);
                    }
                    let floor = frame.floors.check(&model.weights, combined.coverage, zeros);
                    (combined, Pre { range: frame.unsourced_range, floor })
                } else if unsourced > 0 {
                    partly_unsourced(frame, combined, row, outcome, sums)
                } else {
                    let floor = frame.floors.check(&model.weights, combined.coverage, &sums.observed);
                    let range = match combined.base {
                        Some(b) if complete[k] => Some((b, b)),
                        _ => frame.ranges.base_bounds(model, outcome, sums),
                    };
                    (combined, Pre { range, floor })
                }
            };
            if !direct {
                keep.summarizer.row(sums, outcome, reasons, categories);
            }
            out.scores[row - rows.start] = match (combined.base, worker.as_deref_mut()) {
                (None, _) => EntityScore::no_data(combined.coverage, pre.range),
                (Some(base), None) => {
                    let s = finish(&stage.rules, base, combined.coverage, pre.range, &Adjusted::default());
                    settle(&stage.rules, s, pre.floor, &Masks::default())
                }
                (Some(base), Some(w)) => {
                    if row > first_failure.load(Ordering::Relaxed) {
                        return report;
                    }
                    match apply_conditions(stage, w, row, base, combined.coverage, pre) {
                        Ok((s, m)) => {
                            out.masks[row - rows.start] = m;
                            s
                        }
                        Err((p, f)) => {
                            first_failure.fetch_min(row, Ordering::Relaxed);
                            report.failure = Some((row, p, f));
                            return report;
                        }
                    }
                }
            };
        }
        let slots = BlockSlots {
            layout: keep.layout,
            reasons: &mut *keep.reasons,
            categories: &mut *keep.categories,
            first: block.start - rows.start,
        };
        keep.summarizer.complete_block(&scratch.points, &scratch.later, slots);
        start += nb;
    }
    report
}

/// A row some of whose observed values are unsourced (and some backed), after `score` gave
/// `combined`: unsourced values score, but back no coverage and bound like missing data.
#[inline]
fn partly_unsourced(
    frame: &Frame<'_>,
    mut combined: Combined,
    row: usize,
    outcome: impl Fn(usize) -> Outcome,
    sums: &mut Sums,
) -> (Combined, Pre) {
    let model = frame.model;
    let sourced = |f: usize| match outcome(f) {
        Outcome::Observed(p) if frame.unsourced[f].at(row) => Outcome::Imputed(p),
        o => o,
    };
    combined.coverage = model.weights.coverage(backed(&model.weights, sourced, sums));
    let floor = frame.floors.check(&model.weights, combined.coverage, &sums.observed);
    let range = frame.ranges.base_bounds(model, sourced, sums);
    (combined, Pre { range, floor })
}

impl EntityScore {
    /// The result of a row with nothing to score (also what a row's slot holds before it is).
    pub(super) fn no_data(coverage: f64, range: Option<(f64, f64)>) -> EntityScore {
        let bounds = range.map_or(Bounds::exact(0.0), |r| total_bounds(r, 0.0, (0.0, 0.0), r.0.clamp(0.0, 100.0)));
        EntityScore { base: 0.0, total: 0.0, coverage, bounds, firm: false, rating: None, status: Status::NoData }
    }
}

/// The adjustments of one row: points of those that fired, and what the undetermined ones
/// could add to the low and high bound.
#[derive(Clone, Copy, Default)]
pub(super) struct Adjusted {
    pub(super) points: f64,
    pub(super) undetermined: (f64, f64),
}

/// Total after adjustments, clamped, with its bounds and its rating before any gate.
pub(super) fn finish(
    rules: &RuleSet,
    base: f64,
    coverage: f64,
    range: Option<(f64, f64)>,
    adj: &Adjusted,
) -> EntityScore {
    let Adjusted { points, undetermined } = *adj;
    let total = (base + points).clamp(0.0, 100.0);
    EntityScore {
        base,
        total,
        coverage,
        bounds: total_bounds(range.unwrap_or((base, base)), points, undetermined, total),
        firm: false,
        rating: rules.rating_of(total).map(|r| r as u8),
        status: Status::Scored,
    }
}

/// After the gates: a coverage floor withholds the rating of an entity still rated, and the
/// rating is firm or provisional (`masks`: the gates that fired or could not be decided).
pub(super) fn settle(rules: &RuleSet, mut s: EntityScore, floor: Option<NotRated>, masks: &Masks) -> EntityScore {
    if let (Status::Scored, Some(why)) = (s.status, floor) {
        s.status = Status::NotRated(why);
    }
    if matches!(s.status, Status::NotRated(_)) {
        s.rating = None;
    }
    s.firm = s.status == Status::Scored && is_firm(rules, s.bounds, masks.gates_fired, masks.gates_unknown);
    s
}

#[cfg(test)]
mod tests {
    use super::{EntityScore, Masks};

    /// A million results are held through every stage: the masks stay out of them.
    #[test]
    fn a_result_holds_no_masks() {
        assert!(size_of::<EntityScore>() <= 48, "EntityScore is {} bytes", size_of::<EntityScore>());
        assert_eq!(size_of::<Masks>(), 32);
    }
}
