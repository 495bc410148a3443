//! A scale resolved against the universe being scored, ready to give a raw value its points
//! (evaluate stage's inner loop; each kind's `resolve` builds one).

use std::sync::Arc;

use indexmap::IndexMap;

use super::{Band, Scale, band_index, linear_points};

/// Points given by universe-relative scales when the universe cannot tell values apart
/// (one entity, or all values equal).
pub(crate) const DEGENERATE_POINTS: f64 = 50.0;

/// A scale with its universe statistics resolved, ready to score values.
#[derive(Clone, Debug)]
pub enum Scorer {
    /// 100·clamp((x − lo)/(hi − lo), 0, 1), mirrored when `lower` (also `minmax`, resolved).
    Linear {
        /// The value scoring 0 (100 when `lower`).
        lo: f64,
        /// The value scoring 100 (0 when `lower`).
        hi: f64,
        /// Whether lower is better.
        lower: bool,
    },
    /// The points of the band holding x.
    Bands(Vec<Band>),
    /// The points listed for a text value.
    Map(IndexMap<String, f64>),
    /// true → 100, false → 0, mirrored when `lower`.
    Bool {
        /// Whether false is better.
        lower: bool,
    },
    /// The same points for every value (a degenerate universe).
    Constant(f64),
    /// Mid-rank percentile among the observed values.
    Percentile {
        /// The observed values, ascending.
        sorted: Arc<[f64]>,
        /// Whether lower is better.
        lower: bool,
    },
    /// ±clamp standard scores mapped to 0..100.
    Zscore {
        /// Mean of the observed values.
        mean: f64,
        /// Population standard deviation of the observed values; positive.
        sd: f64,
        /// Standard deviations mapped to 0 and 100.
        clamp: f64,
        /// Whether lower is better.
        lower: bool,
    },
}

/// Statistics of the observed values, as reported in ledgers.
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize)]
pub struct UniverseStats {
    /// How many entities have a value.
    pub count: usize,
    /// The smallest value.
    pub min: f64,
    /// The largest value.
    pub max: f64,
    /// The mean value.
    pub mean: f64,
    /// The population standard deviation.
    pub sd: f64,
}

impl UniverseStats {
    /// The statistics of sorted observed values.
    pub fn of(sorted: &[f64]) -> UniverseStats {
        let n = sorted.len();
        if n == 0 {
            return UniverseStats::default();
        }
        let mean = sorted.iter().sum::<f64>() / n as f64;
        let var = sorted.iter().map(|x| (x - mean) * (x - mean)).sum::<f64>() / n as f64;
        UniverseStats { count: n, min: sorted[0], max: sorted[n - 1], mean, sd: var.sqrt() }
    }
}

impl Scorer {
    /// Resolves a scale against the observed numeric values (NaN = missing).
    pub fn new(scale: &Scale, values: &mut dyn Iterator<Item = f64>) -> (Scorer, Option<UniverseStats>) {
        scale.kind().resolve(values)
    }

    /// Points for a number.
    #[inline]
    pub fn number(&self, x: f64) -> Option<f64> {
        Some(match self {
            Scorer::Linear { lo, hi, lower } => linear_points(*lo, *hi, *lower, x),
            Scorer::Bands(bands) => bands[band_index(bands, x)].points,
            Scorer::Constant(p) => *p,
            Scorer::Percentile { sorted, lower } => {
                let below = sorted.partition_point(|v| *v < x);
                let equal = sorted.partition_point(|v| *v <= x) - below;
                let rank = below as f64 + (equal as f64 - 1.0) / 2.0;
                let p = 100.0 * (rank / (sorted.len() - 1) as f64).clamp(0.0, 1.0);
                if *lower { 100.0 - p } else { p }
            }
            Scorer::Zscore { mean, sd, clamp, lower } => {
                let z = (x - mean) / sd;
                let z = if *lower { -z } else { z };
                100.0 * ((z + clamp) / (2.0 * clamp)).clamp(0.0, 1.0)
            }
            Scorer::Map(_) | Scorer::Bool { .. } => return None,
        })
    }

    /// Points for a boolean (bool scale only).
    pub fn boolean(&self, b: bool) -> Option<f64> {
        match self {
            Scorer::Bool { lower } => Some(if b != *lower { 100.0 } else { 0.0 }),
            Scorer::Linear { .. }
            | Scorer::Bands(_)
            | Scorer::Map(_)
            | Scorer::Constant(_)
            | Scorer::Percentile { .. }
            | Scorer::Zscore { .. } => None,
        }
    }

    /// Points for a text value (map scale only); `None` if the map does not list it.
    pub fn text(&self, s: &str) -> Option<f64> {
        match self {
            Scorer::Map(m) => m.get(s).copied(),
            Scorer::Linear { .. }
            | Scorer::Bands(_)
            | Scorer::Bool { .. }
            | Scorer::Constant(_)
            | Scorer::Percentile { .. }
            | Scorer::Zscore { .. } => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scale::Direction;
    use crate::scale::{Bands, Linear, Minmax, Percentile, Zscore};

    fn scorer(scale: Scale, values: &[f64]) -> Scorer {
        Scorer::new(&scale, &mut values.iter().copied()).0
    }

    fn linear(lo: f64, hi: f64, direction: Direction) -> Scale {
        Scale::Linear(Linear { lo, hi, direction })
    }

    #[test]
    fn linear_is_clamped_and_mirrors_for_lower_is_better() {
        let s = scorer(linear(10.0, 20.0, Direction::Higher), &[]);
        assert_eq!(s.number(15.0), Some(50.0));
        assert_eq!(s.number(5.0), Some(0.0));
        assert_eq!(s.number(25.0), Some(100.0));
        let s = scorer(linear(10.0, 20.0, Direction::Lower), &[]);
        assert_eq!(s.number(12.5), Some(75.0));
    }

    #[test]
    fn minmax_uses_the_universe_and_gives_fifty_when_all_equal() {
        let s = scorer(Scale::Minmax(Minmax { direction: Direction::Higher }), &[2.0, f64::NAN, 4.0, 3.0]);
        assert_eq!(s.number(3.0), Some(50.0));
        assert_eq!(s.number(4.0), Some(100.0));
        let s = scorer(Scale::Minmax(Minmax { direction: Direction::Higher }), &[7.0, 7.0]);
        assert_eq!(s.number(7.0), Some(DEGENERATE_POINTS));
    }

    #[test]
    fn percentile_gives_ties_their_mid_rank() {
        let s = scorer(Scale::Percentile(Percentile { direction: Direction::Higher }), &[1.0, 2.0, 2.0, 3.0, 4.0]);
        assert_eq!(s.number(1.0), Some(0.0));
        assert_eq!(s.number(2.0), Some(37.5));
        assert_eq!(s.number(4.0), Some(100.0));
        let s = scorer(Scale::Percentile(Percentile { direction: Direction::Lower }), &[1.0, 2.0, 2.0, 3.0, 4.0]);
        assert_eq!(s.number(1.0), Some(100.0));
    }

    #[test]
    fn zscore_maps_plus_minus_clamp_sigma_to_the_range() {
        let s = scorer(Scale::Zscore(Zscore { direction: Direction::Higher, clamp: 2.0 }), &[1.0, 3.0]);
        assert_eq!(s.number(2.0), Some(50.0));
        assert_eq!(s.number(3.0), Some(75.0));
        assert_eq!(s.number(10.0), Some(100.0));
    }

    #[test]
    fn bands_cover_open_ends() {
        let bands = vec![
            Band { min: f64::NEG_INFINITY, max: 0.0, points: 0.0 },
            Band { min: 0.0, max: 10.0, points: 40.0 },
            Band { min: 10.0, max: f64::INFINITY, points: 100.0 },
        ];
        let s = scorer(Scale::Bands(Bands(bands)), &[]);
        assert_eq!(s.number(-5.0), Some(0.0));
        assert_eq!(s.number(0.0), Some(40.0));
        assert_eq!(s.number(9.99), Some(40.0));
        assert_eq!(s.number(10.0), Some(100.0));
    }
}
