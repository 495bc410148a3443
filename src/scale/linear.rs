//! `linear {lo, hi, direction}`: fixed bounds, clamped, 100·clamp((x − lo)/(hi − lo), 0, 1).

use super::Direction;
use super::{Expect, RawValue, ScaleKind, Scorer, UniverseStats, direction_suffix};
use crate::fmt::number;

/// A `linear` scale.
#[derive(Clone, Debug, PartialEq)]
pub struct Linear {
    /// The value that scores 0 (100 for `direction: lower`).
    pub lo: f64,
    /// The value that scores 100 (0 for `direction: lower`); above `lo`.
    pub hi: f64,
    /// Whether a higher or a lower value is better.
    pub direction: Direction,
}

/// Points of `x` on a linear scale: the one definition the kernel's fast path and
/// [`Scorer::number`] share.
#[inline]
pub(crate) fn linear_points(lo: f64, hi: f64, lower: bool, x: f64) -> f64 {
    let t = if lower { (hi - x) / (hi - lo) } else { (x - lo) / (hi - lo) };
    100.0 * t.clamp(0.0, 1.0)
}

impl ScaleKind for Linear {
    fn name(&self) -> &'static str {
        "linear"
    }
    fn expects(&self) -> Expect {
        Expect::Number
    }
    fn is_relative(&self) -> bool {
        false
    }
    fn bounds(&self) -> (f64, f64) {
        (0.0, 100.0)
    }
    fn describe(&self) -> String {
        format!("linear {}..{}{}", number(self.lo), number(self.hi), direction_suffix(self.direction))
    }
    fn resolve(&self, _: &mut dyn Iterator<Item = f64>) -> (Scorer, Option<UniverseStats>) {
        (Scorer::Linear { lo: self.lo, hi: self.hi, lower: self.direction == Direction::Lower }, None)
    }
    /// The value inside [lo, hi] that scores `points` (0..100).
    fn invert(&self, points: f64) -> Option<RawValue> {
        if !(0.0..=100.0).contains(&points) {
            return None;
        }
        let span = (self.hi - self.lo) * points / 100.0;
        Some(RawValue::Number(if self.direction == Direction::Lower { self.hi - span } else { self.lo + span }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invert_gives_the_value_that_scores_the_points_both_ways() {
        for direction in [Direction::Higher, Direction::Lower] {
            let s = Linear { lo: 10.0, hi: 20.0, direction };
            let (scorer, _) = s.resolve(&mut std::iter::empty());
            for p in [0.0, 25.0, 50.0, 100.0] {
                let Some(RawValue::Number(x)) = s.invert(p) else { panic!("linear inverts {p}") };
                assert_eq!(scorer.number(x), Some(p), "{direction:?} {p} → {x}");
            }
        }
        let s = Linear { lo: 10.0, hi: 20.0, direction: Direction::Lower };
        assert_eq!(s.invert(75.0), Some(RawValue::Number(12.5)));
        assert_eq!(s.invert(101.0), None);
    }
}
