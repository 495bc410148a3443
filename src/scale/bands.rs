//! `bands [{min, max, points}]`: value ranges [min, max) mapped to points; sorted and touching,
//! values below the first or above the last band take its points.

use super::{Expect, Part, RawValue, ScaleKind, Scorer, UniverseStats};
use crate::fmt::number;

/// One band of a `bands` scale: values in [min, max) score `points`.
#[derive(Clone, Debug, PartialEq)]
pub struct Band {
    /// Lowest value of the band (included); −∞ for an open first band.
    pub min: f64,
    /// Where the band ends (excluded); +∞ for an open last band.
    pub max: f64,
    /// Points for values in the band, 0..100.
    pub points: f64,
}

/// Sorted, touching bands (checked so).
#[derive(Clone, Debug, PartialEq)]
pub struct Bands(pub Vec<Band>);

/// The band holding `x` (sorted, touching bands; the nearest band outside them).
pub(crate) fn band_index(bands: &[Band], x: f64) -> usize {
    bands.partition_point(|b| b.max <= x).min(bands.len().saturating_sub(1))
}

/// The smallest and largest of `xs`.
pub(super) fn min_max(xs: impl Iterator<Item = f64>) -> (f64, f64) {
    xs.fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), x| (a.min(x), b.max(x)))
}

/// `< 0`, `0..20`, `≥ 50` or `any value`.
fn label(b: &Band) -> String {
    match (b.min.is_finite(), b.max.is_finite()) {
        (false, true) => format!("< {}", number(b.max)),
        (true, false) => format!("≥ {}", number(b.min)),
        (true, true) => format!("{}..{}", number(b.min), number(b.max)),
        (false, false) => "any value".to_string(),
    }
}

impl ScaleKind for Bands {
    fn name(&self) -> &'static str {
        "bands"
    }
    fn expects(&self) -> Expect {
        Expect::Number
    }
    fn is_relative(&self) -> bool {
        false
    }
    fn bounds(&self) -> (f64, f64) {
        min_max(self.0.iter().map(|b| b.points))
    }
    fn describe(&self) -> String {
        format!("bands ({})", self.0.len())
    }
    fn resolve(&self, _: &mut dyn Iterator<Item = f64>) -> (Scorer, Option<UniverseStats>) {
        (Scorer::Bands(self.0.clone()), None)
    }
    fn parts(&self) -> Vec<Part> {
        self.0.iter().map(|b| Part { what: "band", label: label(b) }).collect()
    }
    fn part_of(&self, raw: &serde_json::Value) -> Option<Part> {
        let x = raw.as_f64()?;
        self.0.get(band_index(&self.0, x)).map(|b| Part { what: "band", label: label(b) })
    }
    /// A value of the first band with these points: its `min`, or below its `max` when it is
    /// open below.
    fn invert(&self, points: f64) -> Option<RawValue> {
        let b = self.0.iter().find(|b| b.points == points)?;
        let x = match (b.min.is_finite(), b.max.is_finite()) {
            (true, _) => b.min,
            (false, true) => b.max - 1.0,
            (false, false) => 0.0,
        };
        Some(RawValue::Number(x))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bands() -> Bands {
        Bands(vec![
            Band { min: f64::NEG_INFINITY, max: 0.0, points: 0.0 },
            Band { min: 0.0, max: 10.0, points: 40.0 },
            Band { min: 10.0, max: f64::INFINITY, points: 100.0 },
        ])
    }

    #[test]
    fn invert_gives_a_value_inside_the_band_with_the_points() {
        let s = bands();
        let (scorer, _) = s.resolve(&mut std::iter::empty());
        for p in [0.0, 40.0, 100.0] {
            let Some(RawValue::Number(x)) = s.invert(p) else { panic!("bands invert {p}") };
            assert_eq!(scorer.number(x), Some(p), "{p} → {x}");
        }
        assert_eq!(s.invert(50.0), None);
    }

    #[test]
    fn parts_label_open_and_closed_bands() {
        let labels: Vec<String> = bands().parts().into_iter().map(|p| p.label).collect();
        assert_eq!(labels, ["< 0", "0..10", "≥ 10"]);
        assert_eq!(bands().part_of(&serde_json::json!(3)).map(|p| p.label), Some("0..10".into()));
    }
}
