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

/// Each factor's lowest and highest points, in factor order, and what bounds a row's base with
/// them.
pub(crate) struct PointRanges {
    ranges: Vec<(f64, f64)>,
    /// The model's [`Model::present_shares`]: every factor has points at both ends, so under
    /// such a method both ends are one pass of Σ share·points.
    shares: Option<Vec<f64>>,
}

impl PointRanges {
    pub(crate) fn new(rules: &RuleSet, model: &Model) -> PointRanges {
        PointRanges {
            ranges: rules.factors.iter().map(|f| f.points_bounds()).collect(),
            shares: model.present_shares(),
        }
    }

    /// The base of one row with every factor that has no observed data at its lowest (`lo`)
    /// and highest (`hi`) points; `None` for a rule set whose factors have no weight. May
    /// overwrite `sums`.
    #[inline]
    pub(crate) fn base_bounds(
        &self,
        model: &Model,
        outcome: impl Fn(usize) -> Outcome,
        sums: &mut Sums,
    ) -> Option<(f64, f64)> {
        match &self.shares {
            Some(shares) => Some(self.summed(shares, outcome)),
            None => self.scored(model, outcome, sums),
        }
    }

    /// Both ends as `score` sums them, in one pass: the same terms in the same order.
    #[inline]
    fn summed(&self, shares: &[f64], outcome: impl Fn(usize) -> Outcome) -> (f64, f64) {
        let (mut lo, mut hi) = (0.0, 0.0);
        for (f, (&share, &(low, high))) in shares.iter().zip(&self.ranges).enumerate() {
            let (l, h) = match outcome(f) {
                Outcome::Observed(p) => (p, p),
                _ => (low, high),
            };
            lo += share * l;
            hi += share * h;
        }
        (lo, hi)
    }

    /// Both ends scored by the model, one row each.
    fn scored(&self, model: &Model, outcome: impl Fn(usize) -> Outcome, sums: &mut Sums) -> Option<(f64, f64)> {
        let at = |end: fn(&(f64, f64)) -> f64| {
            let outcome = &outcome;
            move |f: usize| match outcome(f) {
                o @ Outcome::Observed(_) => o,
                _ => Outcome::Observed(end(&self.ranges[f])),
            }
        };
        let lo = model.score(at(|r| r.0), sums).base?;
        let hi = model.score(at(|r| r.1), sums).base?;
        Some((lo, hi))
    }
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
    use super::super::aggregate::{Method, WeightedSum, Weights};
    use super::*;

    /// The one-pass ends are the model's, bit for bit: rows of observed, imputed and skipped
    /// factors, over a category without weight, a zero-weight factor and ranges not 0 to 100.
    #[test]
    fn summed_bounds_are_the_scored_ones_bit_for_bit() {
        let category = vec![0, 1, 2, 0, 1, 3, 0, 2, 3];
        let factor = vec![1.0, 2.5, 3.0, 0.0, 1.5, 0.0, 0.7, 4.0, 0.0];
        let model = Model {
            weights: Weights::of(category, factor, vec![30.0, 45.0, 25.0, 10.0]),
            method: Method::WeightedSum(WeightedSum),
        };
        let ranges: Vec<(f64, f64)> = (0..9).map(|f| (f as f64 * 3.1, 100.0 - f as f64 * 1.7)).collect();
        let summed = PointRanges { ranges: ranges.clone(), shares: model.present_shares() };
        let scored = PointRanges { ranges, shares: None };
        assert!(summed.shares.is_some());
        let mut state = 0x9E37_79B9_7F4A_7C15u64;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        let mut sums = Sums::new(4);
        for row in 0..10_000 {
            let outcomes: Vec<Outcome> = (0..9)
                .map(|_| match next() % 4 {
                    0 | 1 => Outcome::Observed((next() >> 11) as f64 / (1u64 << 53) as f64 * 100.0),
                    2 => Outcome::Imputed(50.0),
                    _ => Outcome::Skipped,
                })
                .collect();
            let a = summed.base_bounds(&model, |f| outcomes[f], &mut sums).expect("a base");
            let b = scored.base_bounds(&model, |f| outcomes[f], &mut sums).expect("a base");
            assert_eq!((a.0.to_bits(), a.1.to_bits()), (b.0.to_bits(), b.1.to_bits()), "row {row}: {outcomes:?}");
        }
    }

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
