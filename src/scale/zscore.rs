//! `zscore {direction, clamp}`: standard score in the universe, ±clamp standard deviations mapped
//! to 0..100 (opt-in: rank reversal); 50 points for all when the spread is zero.

use super::Direction;
use super::{
    DEGENERATE_POINTS, Expect, Issue, RawValue, ScaleKind, Scorer, UniverseStats, direction_suffix, sorted_observed,
};
use crate::diag::{Code, Problem};
use crate::fmt::number;

/// A `zscore` scale.
#[derive(Clone, Debug, PartialEq)]
pub struct Zscore {
    /// Whether a higher or a lower value is better.
    pub direction: Direction,
    /// Standard deviations mapped to 0 and 100; positive.
    pub clamp: f64,
}

impl Zscore {
    /// The scale clamped at ±`clamp` standard deviations, which needs a positive clamp.
    pub(crate) fn check(direction: Direction, clamp: f64) -> Result<Zscore, Vec<Issue>> {
        if clamp <= 0.0 {
            let problem =
                Problem::new(Code::BadScale, "zscore clamp must be positive").hint("clamp: 3 maps −3σ..+3σ to 0..100");
            return Err(vec![Issue::at(problem, &["zscore", "clamp"])]);
        }
        Ok(Zscore { direction, clamp })
    }
}

impl ScaleKind for Zscore {
    fn name(&self) -> &'static str {
        "zscore"
    }
    fn expects(&self) -> Expect {
        Expect::Number
    }
    fn is_relative(&self) -> bool {
        true
    }
    fn bounds(&self) -> (f64, f64) {
        (0.0, 100.0)
    }
    fn describe(&self) -> String {
        format!("zscore ±{}σ{}", number(self.clamp), direction_suffix(self.direction))
    }
    fn resolve(&self, values: &mut dyn Iterator<Item = f64>) -> (Scorer, Option<UniverseStats>) {
        let st = UniverseStats::of(&sorted_observed(values));
        let scorer = if st.count < 2 || st.sd == 0.0 {
            Scorer::Constant(DEGENERATE_POINTS)
        } else {
            Scorer::Zscore { mean: st.mean, sd: st.sd, clamp: self.clamp, lower: self.direction == Direction::Lower }
        };
        (scorer, Some(st))
    }
    fn invert(&self, _: f64) -> Option<RawValue> {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn check_wants_a_positive_clamp() {
        assert!(Zscore::check(Direction::Higher, 3.0).is_ok());
        let issues = Zscore::check(Direction::Higher, 0.0).expect_err("zero clamp");
        assert_eq!(issues[0].at, Issue::at(issues[0].problem.clone(), &["zscore", "clamp"]).at);
    }
}
