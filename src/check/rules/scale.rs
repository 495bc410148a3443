//! Rule-check phase 1, scales: each `scale:` checked on its own (linear bounds, sorted and
//! touching bands, map points, zscore clamp), and the coverage rule shared with ratings.

use super::{Located, located};
use crate::diag::{Code, Diagnostic, Problem};
use crate::fmt::number;
use crate::load::rules::ScaleSpec;
use crate::load::values::Parsed;
use crate::load::yaml::{YamlDoc, YamlPath};
use crate::model::{Band, Scale};
use crate::scale::{Bands, Bool, Linear, Map, Minmax, Percentile, Zscore};
use crate::source::Span;

pub(super) fn points_ok(p: f64) -> bool {
    (0.0..=100.0).contains(&p)
}

pub(super) fn bad_points(doc: &YamlDoc, path: &YamlPath, p: f64) -> Diagnostic {
    Diagnostic::error(Code::BadScale, format!("{} points is outside 0..100", number(p)))
        .at_opt(doc.span(path))
        .hint("points run from 0 (least attractive) to 100 (most attractive)")
}

pub(super) fn scale(
    s: &ScaleSpec,
    doc: &YamlDoc,
    path: &YamlPath,
    diags: &mut Vec<Diagnostic>,
) -> Option<Located<Scale>> {
    let at = doc.span(path);
    let scale = match s {
        ScaleSpec::Linear { lo, hi, direction } => {
            if lo.0 >= hi.0 {
                diags.push(
                    Diagnostic::error(
                        Code::BadScale,
                        format!("linear scale needs lo < hi; here lo is {} and hi is {}", lo.0, hi.0),
                    )
                    .at_opt(doc.span(&path.at("linear").at("hi")))
                    .hint("for lower-is-better, keep lo < hi and add `direction: lower`"),
                );
                return None;
            }
            Scale::Linear(Linear { lo: lo.0, hi: hi.0, direction: *direction })
        }
        ScaleSpec::Bands(items) => Scale::Bands(Bands(sorted_bands(doc, &path.at("bands"), items, diags)?)),
        ScaleSpec::Map(map) => {
            if map.is_empty() {
                diags.push(Diagnostic::error(Code::BadScale, "a map scale needs at least one value").at_opt(at));
                return None;
            }
            for (k, p) in map {
                if !points_ok(p.0) {
                    diags.push(bad_points(doc, &path.at("map").at(k.as_str()), p.0));
                    return None;
                }
            }
            Scale::Map(Map(map.iter().map(|(k, p)| (k.clone(), p.0)).collect()))
        }
        ScaleSpec::Bool { direction } => Scale::Bool(Bool { direction: *direction }),
        ScaleSpec::Minmax { direction } => Scale::Minmax(Minmax { direction: *direction }),
        ScaleSpec::Percentile { direction } => Scale::Percentile(Percentile { direction: *direction }),
        ScaleSpec::Zscore { direction, clamp } => {
            if clamp.0 <= 0.0 {
                diags.push(
                    Diagnostic::error(Code::BadScale, "zscore clamp must be positive")
                        .at_opt(doc.span(&path.at("zscore").at("clamp")))
                        .hint("clamp: 3 maps −3σ..+3σ to 0..100"),
                );
                return None;
            }
            Scale::Zscore(Zscore { direction: *direction, clamp: clamp.0 })
        }
    };
    Some(located(scale, at))
}

/// Bands of a `bands` scale: sorted, touching, each with points in 0..100. The first may
/// omit `min` and the last `max` (open ends).
fn sorted_bands(
    doc: &YamlDoc,
    path: &YamlPath,
    items: &[Parsed<crate::load::rules::BandSpec>],
    diags: &mut Vec<Diagnostic>,
) -> Option<Vec<Band>> {
    let mut bands = Vec::new();
    let mut ok = true;
    for (i, item) in items.iter().enumerate() {
        match item {
            Parsed::Ok(b) => {
                if !points_ok(b.points.0) {
                    diags.push(bad_points(doc, &path.at(i).at("points"), b.points.0));
                    ok = false;
                }
                let min = b.min.map_or(f64::NEG_INFINITY, |m| m.0);
                let max = b.max.map_or(f64::INFINITY, |m| m.0);
                if min >= max {
                    diags.push(
                        Diagnostic::error(Code::BadScale, "a band needs min < max")
                            .at_opt(doc.span(&path.at(i)))
                            .hint("each band covers [min, max)"),
                    );
                    ok = false;
                }
                bands.push((i, Band { min, max, points: b.points.0 }));
            }
            Parsed::Err(e) => {
                diags.push(doc.error_diagnostic(&path.at(i), e));
                ok = false;
            }
        }
    }
    if bands.is_empty() {
        diags.push(Diagnostic::error(Code::BadScale, "a bands scale needs at least one band").at_opt(doc.span(path)));
        return None;
    }
    if !ok {
        return None;
    }
    bands.sort_by(|a, b| a.1.min.total_cmp(&b.1.min));
    let ranges: Vec<(f64, f64, Option<Span>)> = bands
        .iter()
        .map(|(i, b)| (b.min, b.max, doc.span(&path.at(*i).at("min")).or(doc.span(&path.at(*i)))))
        .collect();
    if !check_coverage(&ranges, f64::NEG_INFINITY, f64::INFINITY, "band", diags) {
        return None;
    }
    Some(bands.into_iter().map(|(_, b)| b).collect())
}

/// Reports overlaps and gaps among sorted [min, max) ranges meant to cover [lo, hi], each at
/// the span of the range it is about; `false` if there were any.
pub(super) fn check_coverage(
    ranges: &[(f64, f64, Option<Span>)],
    lo: f64,
    hi: f64,
    what: &str,
    diags: &mut Vec<Diagnostic>,
) -> bool {
    let bounds: Vec<(f64, f64)> = ranges.iter().map(|r| (r.0, r.1)).collect();
    let problems = coverage_problems(&bounds, lo, hi, what);
    let ok = problems.is_empty();
    diags.extend(problems.into_iter().map(|(i, p)| p.at(ranges[i].2)));
    ok
}

/// The gaps and overlaps among sorted [min, max) ranges meant to cover [lo, hi], each with
/// the index of the range it is reported at.
fn coverage_problems(ranges: &[(f64, f64)], lo: f64, hi: f64, what: &str) -> Vec<(usize, Problem)> {
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

#[cfg(test)]
mod tests {
    use super::coverage_problems;
    use crate::diag::Code;

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
}
