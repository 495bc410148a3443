//! `linear {lo, hi, direction}`: fixed bounds, clamped, 100·clamp((x − lo)/(hi − lo), 0, 1).

use super::Direction;
use super::{Expect, Issue, RawValue, ScaleKind, Scorer, UniverseStats, direction_suffix};
use crate::diag::{Code, Problem};
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

impl Linear {
    /// The scale `lo..hi`, which needs `lo < hi`.
    pub(crate) fn check(lo: f64, hi: f64, direction: Direction) -> Result<Linear, Vec<Issue>> {
        if lo >= hi {
            let problem =
                Problem::new(Code::BadScale, format!("linear scale needs lo < hi; here lo is {lo} and hi is {hi}"))
                    .hint("for lower-is-better, keep lo < hi and add `direction: lower`");
            return Err(vec![Issue::at(problem, &["linear", "hi"])]);
        }
        Ok(Linear { lo, hi, direction })
    }
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

    #[test]
    fn check_wants_lo_below_hi_and_points_at_hi() {
        assert!(Linear::check(0.0, 50.0, Direction::Lower).is_ok());
        let issues = Linear::check(5.0, 5.0, Direction::Higher).expect_err("lo = hi");
        assert_eq!(issues[0].at, Issue::at(issues[0].problem.clone(), &["linear", "hi"]).at);
        assert_eq!(issues[0].problem.message, "linear scale needs lo < hi; here lo is 5 and hi is 5");
    }
}
