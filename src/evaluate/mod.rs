//! Evaluate stage: score every entity of each kind under its plan, in parallel, with results
//! that do not depend on thread count or entity order. Produces [`Scores`].

pub(crate) mod aggregate;
mod attribution;
mod basis;
mod block;
pub(crate) mod bounds;
mod conditions;
mod evidence;
mod factor;
mod floors;
mod inputs;
mod kernel;
pub(crate) mod ledger;
mod reasons;
mod segments;
pub(crate) mod sourcing;
mod states;
mod worker;

pub(crate) use aggregate::{Outcome, nominal_base, nominal_shares, nominal_swing};
pub use basis::Basis;
pub use bounds::Bounds;
pub(crate) use factor::Raw;
pub(crate) use floors::{Floors, not_rated_by};
pub(crate) use kernel::{EntityScore, Masks};
pub use kernel::{NotRated, Status};
pub use ledger::Ledger;
pub(crate) use ledger::ledger;
pub(crate) use reasons::ReasonScratch;

use std::sync::Arc;

use crate::compile::{KindPlan, Plan};
use crate::diag::Diagnostics;
use crate::model::{Dataset, EntityTable, Kind};
use crate::scale::{Scorer, UniverseStats};
use crate::source::SourceMap;

/// The scores of one kind: raw inputs, resolved scales and each entity's result.
#[derive(Debug)]
pub struct KindScores {
    /// The compiled rule set that scored the kind.
    pub plan: Arc<KindPlan>,
    /// The entities scored, in table order.
    pub table: Arc<EntityTable>,
    /// Raw value source of each factor.
    pub raw: Vec<Raw>,
    /// Which rows of each factor rest on an unsourced value (see `evaluate::sourcing`).
    pub(crate) unsourced: Vec<sourcing::Unsourced>,
    /// Resolved scale of each factor.
    pub scorers: Vec<Scorer>,
    /// Universe statistics of each factor with a relative scale.
    pub stats: Vec<Option<UniverseStats>>,
    /// Each entity's result, by row.
    pub results: Vec<EntityScore>,
    /// Each entity's gate and adjustment masks, by row; empty when the rule set has neither.
    pub(crate) masks: Vec<Masks>,
    /// Each entity's reason codes and category scores, kept by the kernel.
    pub(crate) summaries: reasons::Summaries,
    /// The rule set's aggregation, prepared once for the kind.
    pub model: aggregate::Model,
    /// Attribute names of the kind, by id.
    pub attr_names: Vec<String>,
    /// The sandbox limits of the run (for ledger traces).
    pub limits: crate::script::Limits,
}

impl KindScores {
    /// The kind scored.
    pub fn kind(&self) -> Kind {
        self.plan.kind
    }

    /// Which gates and adjustments fired for `row`, and which could not be decided.
    pub(crate) fn masks(&self, row: usize) -> Masks {
        self.masks.get(row).copied().unwrap_or_default()
    }
}

/// How many entities have no value for factor `f` (skipped, imputed or failed).
pub(crate) fn factor_missing_count(ks: &KindScores, f: usize) -> usize {
    factor_outcomes(ks, f).iter().filter(|o| !matches!(o, Outcome::Observed(_))).count()
}

/// How factor `f` fared for each entity, by row.
pub(crate) fn factor_outcomes(ks: &KindScores, f: usize) -> Vec<Outcome> {
    let views = factor::views(&ks.table, &ks.raw, &ks.scorers, &ks.plan.rules);
    (0..ks.table.len()).map(|row| views[f].outcome(row)).collect()
}

/// Every evaluated kind, in evaluation order.
#[derive(Debug, Default)]
pub struct Scores {
    /// The scores of each kind, in evaluation order.
    pub kinds: Vec<KindScores>,
}

impl Scores {
    /// The scores of one kind, if it was scored.
    pub fn of(&self, kind: Kind) -> Option<&KindScores> {
        self.kinds.iter().find(|k| k.kind() == kind)
    }
}

/// Scores every kind of the plan. `None` (with diagnostics) if a script failed or a factor
/// with the `fail` policy had no value.
pub(crate) fn evaluate(plan: &Plan, dataset: &Dataset, sources: &SourceMap, diags: &mut Diagnostics) -> Option<Scores> {
    let mut scores = Scores::default();
    for stage in &plan.stages {
        let mut table = Arc::clone(dataset.table(stage.kind));
        let ks = score_stage(plan, stage, &mut table, dataset.schema(stage.kind), &scores, sources, diags, false)?;
        scores.kinds.push(ks);
    }
    Some(scores)
}

/// [`evaluate`] for a command that reads only ids, names and results afterwards (a ranking
/// as a table, CSV, Parquet or Arrow): the last stage's attribute columns are freed as the
/// kernel scores them (see `evaluate::segments`), which lowers the peak memory of a large
/// table by most of its results' size. The dataset keeps the emptied table. A stage the
/// segments cannot score, or a kind an earlier stage scored too, is scored as by [`evaluate`].
pub(crate) fn evaluate_consuming(
    plan: &Plan,
    dataset: &mut Dataset,
    sources: &SourceMap,
    diags: &mut Diagnostics,
) -> Option<Scores> {
    let mut scores = Scores::default();
    for (i, stage) in plan.stages.iter().enumerate() {
        let (k, earlier) = (stage.kind.index(), &plan.stages[..i]);
        let consume =
            i + 1 == plan.stages.len() && segments::can_consume(stage) && !earlier.iter().any(|s| s.kind == stage.kind);
        // The dataset's handle goes while the kernel cuts the columns, so it holds the only one.
        let placeholder = || Arc::new(EntityTable::new(stage.kind));
        let mut table = if consume {
            std::mem::replace(&mut dataset.tables[k], placeholder())
        } else {
            Arc::clone(&dataset.tables[k])
        };
        let ks = score_stage(plan, stage, &mut table, dataset.schema(stage.kind), &scores, sources, diags, consume);
        dataset.tables[k] = table;
        scores.kinds.push(ks?);
    }
    Some(scores)
}

/// Scores one stage over `table`, cutting its columns as it goes if `consume` (see
/// [`evaluate_consuming`]).
#[allow(clippy::too_many_arguments)]
fn score_stage(
    plan: &Plan,
    stage: &Arc<KindPlan>,
    table: &mut Arc<EntityTable>,
    schema: &crate::model::KindSchema,
    scores: &Scores,
    sources: &SourceMap,
    diags: &mut Diagnostics,
    consume: bool,
) -> Option<KindScores> {
    let (raw, unsourced) = inputs::raw_inputs(stage, table, schema, scores, &plan.limits, sources, diags)?;
    let (scorers, stats) = inputs::scorers(stage, table, &raw);
    let model = aggregate::Model::new(&stage.rules);
    let inputs = kernel::Inputs { raw: &raw, scorers: &scorers, unsourced: &unsourced };
    let limits = &plan.limits;
    let (results, masks, summaries) = match consume {
        true => segments::score_consuming(stage, table, schema, inputs, &model, limits, sources, diags)?,
        false => kernel::score_all(stage, table, schema, inputs, &model, limits, sources, diags)?,
    };
    Some(KindScores {
        model,
        plan: Arc::clone(stage),
        table: Arc::clone(table),
        raw,
        unsourced,
        scorers,
        stats,
        results,
        masks,
        summaries,
        attr_names: schema.names().map(str::to_string).collect(),
        limits: plan.limits,
    })
}

/// The factor points of the rows `rows` under `scorers`, row-major (`[(row - rows.start) *
/// factors + f]`), observed or imputed alike, NaN where a factor has none: the points matrix a
/// sensitivity analysis reweights without scoring again (whole, or a chunk of rows at a time).
pub(crate) fn points(ks: &KindScores, scorers: &[Scorer], rows: std::ops::Range<usize>) -> Vec<f64> {
    use rayon::prelude::*;
    let views = factor::views(&ks.table, &ks.raw, scorers, &ks.plan.rules);
    let nf = views.len().max(1);
    let mut out = vec![f64::NAN; rows.len() * views.len()];
    let fill = |first: usize, chunk: &mut [f64]| {
        for (k, row_out) in chunk.chunks_mut(nf).enumerate() {
            for (f, v) in views.iter().enumerate() {
                row_out[f] = v.outcome(first + k).points().unwrap_or(f64::NAN);
            }
        }
    };
    if rows.len() <= 4 * inputs::CHUNK {
        fill(rows.start, &mut out);
    } else {
        out.par_chunks_mut(nf * inputs::CHUNK)
            .enumerate()
            .for_each(|(c, chunk)| fill(rows.start + c * inputs::CHUNK, chunk));
    }
    out
}

/// The backed factors of the rows `rows`, row-major like [`points`]: observed data that is not
/// unsourced, what coverage and the coverage floors count (see `evaluate::sourcing`).
pub(crate) fn backed(ks: &KindScores, rows: std::ops::Range<usize>) -> Vec<bool> {
    let views = factor::views(&ks.table, &ks.raw, &ks.scorers, &ks.plan.rules);
    let nf = views.len();
    (0..rows.len() * nf)
        .map(|i| {
            let (row, f) = (rows.start + i / nf, i % nf);
            matches!(views[f].outcome(row), Outcome::Observed(_)) && !ks.unsourced[f].at(row)
        })
        .collect()
}

/// Each factor's scale resolved against the rows `keep` admits only (relative scales see that
/// universe; the others do not depend on it): how the kind scores with some entities removed.
pub(crate) fn scorers_without(ks: &KindScores, keep: impl Fn(usize) -> bool) -> Vec<Scorer> {
    ks.plan
        .rules
        .factors
        .iter()
        .zip(&ks.raw)
        .zip(&ks.scorers)
        .map(|((f, r), s)| match r.view(&ks.table) {
            factor::View::Number(v) if f.scale.is_relative() => {
                Scorer::new(&f.scale, &mut v.iter().enumerate().filter(|(row, _)| keep(*row)).map(|(_, x)| *x)).0
            }
            _ => s.clone(),
        })
        .collect()
}
