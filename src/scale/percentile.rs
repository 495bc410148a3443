//! `percentile {direction}`: mid-rank percentile in the universe (opt-in: rank reversal); 50
//! points for all when the universe cannot tell values apart.

use super::Direction;
use super::{DEGENERATE_POINTS, Expect, RawValue, ScaleKind, Scorer, UniverseStats, direction_suffix, sorted_observed};

/// A `percentile` scale.
#[derive(Clone, Debug, PartialEq)]
pub struct Percentile {
    /// Whether a higher or a lower value is better.
    pub direction: Direction,
}

impl ScaleKind for Percentile {
    fn name(&self) -> &'static str {
        "percentile"
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
        format!("percentile{}", direction_suffix(self.direction))
    }
    fn resolve(&self, values: &mut dyn Iterator<Item = f64>) -> (Scorer, Option<UniverseStats>) {
        let sorted = sorted_observed(values);
        let st = UniverseStats::of(&sorted);
        let scorer = if st.count < 2 || st.max == st.min {
            Scorer::Constant(DEGENERATE_POINTS)
        } else {
            Scorer::Percentile { sorted: sorted.into(), lower: self.direction == Direction::Lower }
        };
        (scorer, Some(st))
    }
    fn invert(&self, _: f64) -> Option<RawValue> {
        None
    }
}
