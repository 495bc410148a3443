//! Score bounds and firmness: the one home of "how far could missing data move this score"
//! (evaluate stage; the kernel fills them per entity, ledgers, rankings, memos, rule tests and
//! `thesis robust` read them).
//!
//! # The rule
//!
//! For every factor without observed data (skipped, imputed with `{assume: X}` or
//! `{points: P}`, a text value the map does not know), the low bound gives it the lowest points
//! it can get ([`crate::model::Factor::points_bounds`]: its scale's, widened by a `{points: P}`
//! policy) and the high bound the highest, as if the missing-data policy were wrong; the other
//! factors keep their points. Both go through the rule set's aggregation (both methods rise
//! with every factor's points, so the extremes are at the ends), then the adjustments that
//! fired are added; an adjustment that is undetermined (its condition read missing data) adds
//! its points to the bound they move towards. The bounds are clamped to [0, 100] like the
//! total, and always contain the total itself.
//!
//! The rating is **firm** when the lowest and the highest score fall in the rating's band once
//! the caps that fired are applied, and no cap, exclude or not-rated gate is undetermined;
//! otherwise it is **provisional**. Gate and adjustment conditions are evaluated once, at the
//! entity's own score: a condition that reads `score` is not re-run at the bounds.

use super::aggregate::{Model, Outcome, Sums};
use crate::model::{GateAction, RuleSet};

/// The lowest and highest total missing data allows.
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize)]
pub struct Bounds {
    /// The total if every factor without observed data had its worst points.
    pub lo: f64,
    /// The total if every factor without observed data had its best points.
    pub hi: f64,
}

impl Bounds {
    /// Bounds of a total that nothing can move.
    pub(crate) fn exact(total: f64) -> Bounds {
        Bounds { lo: total, hi: total }
    }

    /// Whether the two ranges share a point.
    pub(crate) fn overlaps(&self, other: &Bounds) -> bool {
        self.lo <= other.hi && other.lo <= self.hi
    }
}

/// Each factor's lowest and highest points, in factor order.
pub(crate) fn point_ranges(rules: &RuleSet) -> Vec<(f64, f64)> {
    rules.factors.iter().map(|f| f.points_bounds()).collect()
}

/// The base of one row with every factor that has no observed data at its lowest (`lo`) and
/// highest (`hi`) points; `None` for a rule set whose factors have no weight. Overwrites `sums`.
#[inline]
pub(crate) fn base_bounds(
    model: &Model,
    ranges: &[(f64, f64)],
    outcome: impl Fn(usize) -> Outcome,
    sums: &mut Sums,
) -> Option<(f64, f64)> {
    let at = |end: fn(&(f64, f64)) -> f64| {
        let outcome = &outcome;
        move |f: usize| match outcome(f) {
            o @ Outcome::Observed(_) => o,
            _ => Outcome::Observed(end(&ranges[f])),
        }
    };
    let lo = model.score(at(|r| r.0), sums).base?;
    let hi = model.score(at(|r| r.1), sums).base?;
    Some((lo, hi))
}

/// The total's bounds from the base's: adjustments that fired added to both, undetermined
/// ones to the end they move towards, clamped, widened to contain `total`.
pub(crate) fn total_bounds(base: (f64, f64), fired: f64, undetermined: (f64, f64), total: f64) -> Bounds {
    let lo = (base.0 + fired + undetermined.0).clamp(0.0, 100.0);
    let hi = (base.1 + fired + undetermined.1).clamp(0.0, 100.0);
    Bounds { lo: lo.min(total), hi: hi.max(total) }
}

/// The rating band (best first) of `score`, after a cap at band `cap` (a cap keeps a rating
/// from being better than the capped band).
pub(crate) fn band(rules: &RuleSet, score: f64, cap: Option<usize>) -> Option<usize> {
    rules.rating_of(score).map(|r| cap.map_or(r, |c| r.max(c)))
}

/// The cap the fired gates put on the rating (the worst band they cap at), if any.
pub(crate) fn cap_of(rules: &RuleSet, gates_fired: u64) -> Option<usize> {
    rules
        .gates
        .iter()
        .enumerate()
        .filter(|(i, _)| gates_fired & (1 << i) != 0)
        .filter_map(|(_, g)| match g.action {
            GateAction::Cap(c) => Some(c),
            _ => None,
        })
        .max()
}

/// Whether a gate left undetermined could change the rating or status if it fired.
fn undetermined_matters(rules: &RuleSet, gates_unknown: u64) -> bool {
    rules.gates.iter().enumerate().any(|(i, g)| gates_unknown & (1 << i) != 0 && g.action != GateAction::Flag)
}

/// Whether a rating is firm: both bounds in the rating's band after the caps that fired, and
/// no undetermined gate that could cap, exclude or withhold the rating.
pub(crate) fn is_firm(rules: &RuleSet, bounds: Bounds, gates_fired: u64, gates_unknown: u64) -> bool {
    let cap = cap_of(rules, gates_fired);
    let lo = band(rules, bounds.lo, cap);
    lo.is_some() && lo == band(rules, bounds.hi, cap) && !undetermined_matters(rules, gates_unknown)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounds_contain_the_total_and_clamp() {
        let b = total_bounds((40.0, 120.0), 5.0, (-10.0, 0.0), 50.0);
        assert_eq!(b, Bounds { lo: 35.0, hi: 100.0 });
        let b = total_bounds((60.0, 60.0), 0.0, (0.0, 0.0), 58.0);
        assert_eq!(b, Bounds { lo: 58.0, hi: 60.0 });
    }

    #[test]
    fn overlap_is_symmetric_and_touching_counts() {
        let a = Bounds { lo: 40.0, hi: 50.0 };
        let b = Bounds { lo: 50.0, hi: 60.0 };
        let c = Bounds { lo: 50.5, hi: 60.0 };
        assert!(a.overlaps(&b) && b.overlaps(&a));
        assert!(!a.overlaps(&c) && !c.overlaps(&a));
    }
}
