//! `bands [{min, max, points}]`: value ranges [min, max) mapped to points; sorted and touching,
//! values below the first or above the last band take its points.

use super::{Expect, Issue, Part, RawValue, ScaleKind, Scorer, Step, UniverseStats};
use crate::diag::{Code, Problem};
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

/// A band as written: its place in the list, and `min`/`max` when given.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct BandInput {
    /// Its index in the `bands:` list.
    pub(crate) index: usize,
    /// Lowest value (included); open when `None`.
    pub(crate) min: Option<f64>,
    /// Where it ends (excluded); open when `None`.
    pub max: Option<f64>,
    /// Its points.
    pub points: f64,
}

impl Bands {
    /// The bands of a `bands` scale: at least one, each with points in 0..100 and min < max,
    /// sorted and touching. `unparsed` says some items did not parse (already reported): then
    /// the others are still checked, but no scale is made.
    pub(crate) fn check(items: &[BandInput], unparsed: bool) -> Result<Bands, Vec<Issue>> {
        let at = |i: usize, key: &str| {
            let mut v = vec![Step::Key("bands".into()), Step::Index(i)];
            v.extend((!key.is_empty()).then(|| Step::Key(key.to_string())));
            v
        };
        let mut issues = Vec::new();
        let mut bands = Vec::new();
        for b in items {
            if !super::points_ok(b.points) {
                issues.push(Issue { problem: super::bad_points(b.points), at: at(b.index, "points") });
            }
            let (min, max) = (b.min.unwrap_or(f64::NEG_INFINITY), b.max.unwrap_or(f64::INFINITY));
            if min >= max {
                let problem =
                    Problem::new(Code::BadScale, "a band needs min < max").hint("each band covers [min, max)");
                issues.push(Issue { problem, at: at(b.index, "") });
            }
            bands.push((b.index, Band { min, max, points: b.points }));
        }
        if bands.is_empty() {
            let problem = Problem::new(Code::BadScale, "a bands scale needs at least one band");
            return Err(vec![Issue::at(problem, &["bands"])]);
        }
        if unparsed || !issues.is_empty() {
            return Err(issues);
        }
        bands.sort_by(|a, b| a.1.min.total_cmp(&b.1.min));
        let ranges: Vec<(f64, f64)> = bands.iter().map(|(_, b)| (b.min, b.max)).collect();
        let gaps = coverage_problems(&ranges, f64::NEG_INFINITY, f64::INFINITY, "band");
        if !gaps.is_empty() {
            return Err(gaps.into_iter().map(|(i, problem)| Issue { problem, at: at(bands[i].0, "min") }).collect());
        }
        Ok(Bands(bands.into_iter().map(|(_, b)| b).collect()))
    }
}

/// The gaps and overlaps among sorted [min, max) ranges meant to cover [lo, hi], each with
/// the index of the range it is reported at.
pub(crate) fn coverage_problems(ranges: &[(f64, f64)], lo: f64, hi: f64, what: &str) -> Vec<(usize, Problem)> {
    let gap =
        |from: f64, to: f64| Problem::new(Code::BandGap, format!("no {what} covers {} to {}", bound(from), bound(to)));
    let mut found = Vec::new();
    if let Some(&(first, _)) = ranges.first().filter(|r| r.0 > lo) {
        let hint = if lo.is_infinite() {
            "leave out `min` on the lowest band to make it open-ended".to_string()
        } else {
            format!("start the lowest {what} at {}", bound(lo))
        };
        found.push((0, gap(lo, first).hint(hint)));
    }
    for (i, pair) in ranges.windows(2).enumerate() {
        let (a, b) = (pair[0], pair[1]);
        let problem = if b.0 < a.1 {
            Problem::new(
                Code::BandOverlap,
                format!("{what}s overlap between {} and {}", bound(b.0), bound(a.1.min(b.1))),
            )
        } else if b.0 > a.1 {
            gap(a.1, b.0)
        } else {
            continue;
        };
        found.push((
            i + 1,
            problem.hint(format!("make this {what} start at {}, where the {what} below it ends", bound(a.1))),
        ));
    }
    if let Some(&(_, last)) = ranges.last().filter(|r| r.1 < hi) {
        let hint = if hi.is_infinite() {
            "leave out `max` on the highest band to make it open-ended".to_string()
        } else {
            format!("end the highest {what} at {}", bound(hi))
        };
        found.push((ranges.len() - 1, gap(last, hi).hint(hint)));
    }
    found
}

/// A range's end for messages: a number, or `−∞` / `+∞` for an open end.
fn bound(x: f64) -> String {
    match x {
        f64::NEG_INFINITY => "−∞".to_string(),
        f64::INFINITY => "+∞".to_string(),
        _ => number(x),
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
    fn levels(&self) -> Option<Vec<f64>> {
        Some(super::ascending(self.0.iter().map(|b| b.points)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::Code;

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

    fn codes(ranges: &[(f64, f64)], lo: f64, hi: f64) -> Vec<Code> {
        coverage_problems(ranges, lo, hi, "band").iter().map(|(_, p)| p.code).collect()
    }

    #[test]
    fn touching_ranges_cover_the_whole() {
        assert!(codes(&[(0.0, 40.0), (40.0, 65.0), (65.0, 100.0)], 0.0, 100.0).is_empty());
        assert!(codes(&[(f64::NEG_INFINITY, 0.0), (0.0, f64::INFINITY)], f64::NEG_INFINITY, f64::INFINITY).is_empty());
    }

    #[test]
    fn overlaps_and_gaps_are_each_reported() {
        assert_eq!(codes(&[(0.0, 50.0), (40.0, 100.0)], 0.0, 100.0), [Code::BandOverlap]);
        assert_eq!(codes(&[(0.0, 40.0), (45.0, 100.0)], 0.0, 100.0), [Code::BandGap]);
        assert_eq!(codes(&[(10.0, 100.0)], 0.0, 100.0), [Code::BandGap]);
        assert_eq!(codes(&[(0.0, 90.0)], 0.0, 100.0), [Code::BandGap]);
    }

    #[test]
    fn each_problem_is_placed_at_the_range_it_is_about() {
        let found = coverage_problems(&[(10.0, 40.0), (45.0, 90.0)], 0.0, 100.0, "rating");
        let placed: Vec<(usize, &str)> = found.iter().map(|(i, p)| (*i, p.message.as_str())).collect();
        assert_eq!(
            placed,
            [(0, "no rating covers 0 to 10"), (1, "no rating covers 40 to 45"), (1, "no rating covers 90 to 100")]
        );
        let open = coverage_problems(&[(0.0, 1.0)], f64::NEG_INFINITY, f64::INFINITY, "band");
        assert_eq!(open[0].1.message, "no band covers −∞ to 0");
        assert_eq!(open[1].1.message, "no band covers 1 to +∞");
    }

    fn input(index: usize, min: Option<f64>, max: Option<f64>, points: f64) -> BandInput {
        BandInput { index, min, max, points }
    }

    #[test]
    fn check_sorts_touching_bands_and_places_each_issue_at_its_band() {
        let written = [input(0, Some(10.0), None, 100.0), input(1, None, Some(10.0), 0.0)];
        let checked = Bands::check(&written, false).expect("touching bands");
        assert_eq!(checked.0[0].points, 0.0);
        let bad = [input(0, None, Some(10.0), 120.0), input(1, Some(5.0), Some(5.0), 50.0)];
        let issues = Bands::check(&bad, false).expect_err("bad bands");
        let at: Vec<&[Step]> = issues.iter().map(|i| i.at.as_slice()).collect();
        let key = |k: &str| Step::Key(k.into());
        assert_eq!(at, [&[key("bands"), Step::Index(0), key("points")][..], &[key("bands"), Step::Index(1)][..]]);
        let gap = Bands::check(&[input(0, None, Some(1.0), 0.0), input(1, Some(2.0), None, 9.0)], false);
        let gap = gap.expect_err("a gap");
        assert_eq!(gap[0].problem.code, Code::BandGap);
        assert_eq!(gap[0].at, [key("bands"), Step::Index(1), key("min")]);
        assert!(Bands::check(&written, true).is_err(), "an item that did not parse makes no scale");
        assert_eq!(Bands::check(&[], false).expect_err("none")[0].at, [key("bands")]);
    }
}
