//! Robustness (after rank): what would change each rating, and how much the ranking rests on
//! the weights. Flip points per entity and factor ([`flips`]), one-at-a-time weight
//! sensitivity ([`oat`]), SMAA-2 rank acceptability ([`smaa`]) and leave-one-out rank reversal
//! ([`loo`]), all from one points matrix ([`matrix`]) computed once per kind: weights enter
//! the aggregation linearly once points are known, and gate and adjustment verdicts do not
//! depend on them (a condition that reads `score` or `rating` is refused, E750).
//!
//! The pub(crate) API the memo and explain read: [`analyse`] → [`Report`], and [`entity_flips`]
//! for one entity.

mod edge;
pub(crate) mod flips;
pub(crate) mod loo;
pub(crate) mod matrix;
pub(crate) mod oat;
pub(crate) mod smaa;
mod stats;
pub(crate) mod stream;
pub(crate) mod weight_flips;

#[cfg(test)]
pub(crate) use flips::Direction;
pub(crate) use flips::Flip;
pub(crate) use loo::LeftOut;
pub(crate) use matrix::Matrix;
pub(crate) use oat::{Oat, WeightId};
pub(crate) use smaa::{Acceptability, Sampling, Smaa};
pub(crate) use weight_flips::WeightFlip;

use crate::diag::{Code, Diagnostic};
use crate::evaluate::KindScores;
use crate::evaluate::aggregate::Sums;

/// Which analyses to run.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum Analysis {
    Flips,
    /// Weight flips: per entity, the weight that alone moves the rating (a rescoring per probe,
    /// so its own analysis: `flips` stays within 2× of `rank` on large universes).
    Weights,
    Oat,
    Smaa,
    Loo,
}

/// What `thesis robust` was asked for.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Settings {
    pub analyses: Vec<Analysis>,
    /// One-at-a-time deltas, as fractions.
    pub deltas: Vec<f64>,
    pub sampling: Sampling,
    /// Whether flip points list the flips no change of the factor alone makes, too.
    pub out_of_reach: bool,
}

/// Every analysis of one kind.
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct Report {
    /// Whether flip points were asked for. They are not held here: a report's writer solves
    /// them as it writes them ([`stream::stream`]), so a universe of millions never holds all.
    pub flips: bool,
    /// Whether they list the flips out of reach too (no points, no cap): by default a listing
    /// holds the flips that exist, each factor that alone moves the rating and each cap that
    /// holds it ([`Flip::listed`]); on a large universe most pairs of entity and factor have none.
    pub out_of_reach: bool,
    /// The weight flips (analysis `weights`), those out of reach only when asked for.
    pub weight_flips: Vec<WeightFlip>,
    /// How many weight flips were solved, listed or not (the table says how many it left out).
    pub weight_flips_solved: usize,
    pub oat: Vec<Oat>,
    pub smaa: Option<(Sampling, Smaa)>,
    pub leave_one_out: Vec<LeftOut>,
}

/// The weights SMAA varies by default: the only category's factor weights when the rule set
/// has one category (the textbook SMAA-2), else the category weights.
pub(crate) fn default_vary(ks: &KindScores) -> Vec<WeightId> {
    let w = &ks.model.weights;
    let with_factors: Vec<usize> = (0..w.category_weight.len()).filter(|&c| w.category_total[c] > 0.0).collect();
    match with_factors.as_slice() {
        [c] => factors_of(ks, *c),
        _ => with_factors.into_iter().map(WeightId::Category).collect(),
    }
}

/// The factor weights of category `c`.
pub(crate) fn factors_of(ks: &KindScores, c: usize) -> Vec<WeightId> {
    (0..ks.model.weights.factor.len()).filter(|&f| ks.model.weights.category[f] == c).map(WeightId::Factor).collect()
}

/// Runs the analyses on a scored kind; E750 when a gate or adjustment reads the score.
pub(crate) fn analyse(ks: &KindScores, settings: &Settings) -> Result<Report, Vec<Diagnostic>> {
    let refused = matrix::check_conditions(&ks.plan.rules);
    if !refused.is_empty() {
        return Err(refused);
    }
    if settings.sampling.vary.is_empty() && settings.analyses.contains(&Analysis::Smaa) {
        return Err(vec![
            Diagnostic::error(Code::RobustNothingToVary, "SMAA has no weights to vary")
                .hint("`--vary` names `categories` or a category with factors"),
        ]);
    }
    let on = |a| settings.analyses.contains(&a);
    // The whole kind's points matrix, for the analyses that reweight every row (flips stream
    // chunk by chunk with their own).
    let whole = [Analysis::Weights, Analysis::Oat, Analysis::Smaa, Analysis::Loo];
    let m = if whole.iter().any(|&a| on(a)) {
        Matrix::new(ks, &ks.scorers)
    } else {
        Matrix::of_rows(ks, &ks.scorers, 0..0)
    };
    let weight_flips = if on(Analysis::Weights) { weight_flips::weight_flips(ks, &m) } else { Vec::new() };
    Ok(Report {
        flips: on(Analysis::Flips),
        out_of_reach: settings.out_of_reach,
        weight_flips_solved: weight_flips.len(),
        weight_flips: if settings.out_of_reach {
            weight_flips
        } else {
            weight_flips.into_iter().filter(WeightFlip::listed).collect()
        },
        oat: if on(Analysis::Oat) { oat::oat(ks, &m, &settings.deltas) } else { Vec::new() },
        smaa: on(Analysis::Smaa).then(|| (settings.sampling.clone(), smaa::smaa(ks, &m, &settings.sampling))),
        leave_one_out: if on(Analysis::Loo) { loo::leave_one_out(ks, &m) } else { Vec::new() },
    })
}

/// The flip points of one entity (for `explain` and memos); empty when a condition reads the
/// score (the verdicts could not be held) or the entity is not ranked.
pub(crate) fn entity_flips(ks: &KindScores, row: usize) -> Vec<Flip> {
    if !matrix::check_conditions(&ks.plan.rules).is_empty() {
        return Vec::new();
    }
    let m = Matrix::of_rows(ks, &ks.scorers, row..row + 1);
    flips::of_row(&ks.plan.rules, &ks.model, &m, 0)
}

/// The weight flips of one entity (for `explain` and memos), empty as [`entity_flips`] is.
pub(crate) fn entity_weight_flips(ks: &KindScores, row: usize) -> Vec<WeightFlip> {
    if !matrix::check_conditions(&ks.plan.rules).is_empty() {
        return Vec::new();
    }
    let m = Matrix::new(ks, &ks.scorers);
    weight_flips::of_row(ks, &m, &mut Sums::new(ks.plan.rules.categories.len()), row)
}

#[cfg(test)]
mod tests;
