//! `bool {direction}`: true → 100 and false → 0, mirrored for `direction: lower`.

use super::Direction;
use super::{Expect, RawValue, ScaleKind, Scorer, UniverseStats, direction_suffix};

/// A `bool` scale.
#[derive(Clone, Debug, PartialEq)]
pub struct Bool {
    /// `lower`: false scores 100.
    pub direction: Direction,
}

impl ScaleKind for Bool {
    fn name(&self) -> &'static str {
        "bool"
    }
    fn expects(&self) -> Expect {
        Expect::Bool
    }
    fn is_relative(&self) -> bool {
        false
    }
    fn bounds(&self) -> (f64, f64) {
        (0.0, 100.0)
    }
    fn describe(&self) -> String {
        format!("bool{}", direction_suffix(self.direction))
    }
    fn resolve(&self, _: &mut dyn Iterator<Item = f64>) -> (Scorer, Option<UniverseStats>) {
        (Scorer::Bool { lower: self.direction == Direction::Lower }, None)
    }
    /// 100 and 0 points each come from one value; nothing else does.
    fn invert(&self, points: f64) -> Option<RawValue> {
        let lower = self.direction == Direction::Lower;
        if points == 100.0 {
            Some(RawValue::Bool(!lower))
        } else if points == 0.0 {
            Some(RawValue::Bool(lower))
        } else {
            None
        }
    }
    fn levels(&self) -> Option<Vec<f64>> {
        Some(vec![0.0, 100.0])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invert_gives_the_value_of_full_and_no_points() {
        let s = Bool { direction: Direction::Lower };
        assert_eq!(s.invert(100.0), Some(RawValue::Bool(false)));
        assert_eq!(s.invert(0.0), Some(RawValue::Bool(true)));
        assert_eq!(s.invert(50.0), None);
        let (scorer, _) = Bool { direction: Direction::Higher }.resolve(&mut std::iter::empty());
        assert_eq!(scorer.boolean(true), Some(100.0));
    }
}
