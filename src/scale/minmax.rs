//! `minmax {direction}`: linear between the smallest and largest value in the universe (opt-in:
//! rank reversal); 50 points for all when the universe cannot tell values apart.

use super::Direction;
use super::{DEGENERATE_POINTS, Expect, RawValue, ScaleKind, Scorer, UniverseStats, direction_suffix, sorted_observed};

/// A `minmax` scale.
#[derive(Clone, Debug, PartialEq)]
pub struct Minmax {
    /// Whether a higher or a lower value is better.
    pub direction: Direction,
}

impl ScaleKind for Minmax {
    fn name(&self) -> &'static str {
        "minmax"
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
        format!("minmax{}", direction_suffix(self.direction))
    }
    fn resolve(&self, values: &mut dyn Iterator<Item = f64>) -> (Scorer, Option<UniverseStats>) {
        let st = UniverseStats::of(&sorted_observed(values));
        let scorer = if st.count < 2 || st.max == st.min {
            Scorer::Constant(DEGENERATE_POINTS)
        } else {
            Scorer::Linear { lo: st.min, hi: st.max, lower: self.direction == Direction::Lower }
        };
        (scorer, Some(st))
    }
    fn invert(&self, _: f64) -> Option<RawValue> {
        None
    }
}
