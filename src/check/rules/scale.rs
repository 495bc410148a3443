//! Rule-check phase 1, scales: each `scale:` checked on its own (linear bounds, sorted and
//! touching bands, map points, zscore clamp), and the coverage rule shared with ratings.

use super::{Located, located};
use crate::diag::{Code, Diagnostic};
use crate::fmt::number;
use crate::load::rules::ScaleSpec;
use crate::load::values::Parsed;
use crate::load::yaml::{YamlDoc, YamlPath};
use crate::model::{Band, Scale};
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
            Scale::Linear { lo: lo.0, hi: hi.0, direction: *direction }
        }
        ScaleSpec::Bands(items) => Scale::Bands(sorted_bands(doc, &path.at("bands"), items, diags)?),
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
            Scale::Map(map.iter().map(|(k, p)| (k.clone(), p.0)).collect())
        }
        ScaleSpec::Bool { direction } => Scale::Bool(*direction),
        ScaleSpec::Minmax { direction } => Scale::Minmax(*direction),
        ScaleSpec::Percentile { direction } => Scale::Percentile(*direction),
        ScaleSpec::Zscore { direction, clamp } => {
            if clamp.0 <= 0.0 {
                diags.push(
                    Diagnostic::error(Code::BadScale, "zscore clamp must be positive")
                        .at_opt(doc.span(&path.at("zscore").at("clamp")))
                        .hint("clamp: 3 maps −3σ..+3σ to 0..100"),
                );
                return None;
            }
            Scale::Zscore { direction: *direction, clamp: clamp.0 }
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

/// Reports overlaps and gaps among sorted [min, max) ranges meant to cover [lo, hi].
pub(super) fn check_coverage(
    ranges: &[(f64, f64, Option<Span>)],
    lo: f64,
    hi: f64,
    what: &str,
    diags: &mut Vec<Diagnostic>,
) -> bool {
    let mut ok = true;
    let fmt = |x: f64| {
        if x.is_infinite() { if x < 0.0 { "−∞".to_string() } else { "+∞".to_string() } } else { number(x) }
    };
    if let Some(first) = ranges.first() {
        if first.0 > lo {
            diags.push(
                Diagnostic::error(Code::BandGap, format!("no {what} covers {} to {}", fmt(lo), fmt(first.0)))
                    .at_opt(first.2)
                    .hint(if lo.is_infinite() {
                        "leave out `min` on the lowest band to make it open-ended".to_string()
                    } else {
                        format!("start the lowest {what} at {}", fmt(lo))
                    }),
            );
            ok = false;
        }
    }
    for pair in ranges.windows(2) {
        let (a, b) = (&pair[0], &pair[1]);
        if b.0 < a.1 {
            diags.push(
                Diagnostic::error(
                    Code::BandOverlap,
                    format!("{what}s overlap between {} and {}", fmt(b.0), fmt(a.1.min(b.1))),
                )
                .at_opt(b.2)
                .hint(format!("make this {what} start at {}, where the {what} below it ends", fmt(a.1))),
            );
            ok = false;
        } else if b.0 > a.1 {
            diags.push(
                Diagnostic::error(Code::BandGap, format!("no {what} covers {} to {}", fmt(a.1), fmt(b.0)))
                    .at_opt(b.2)
                    .hint(format!("make this {what} start at {}, where the {what} below it ends", fmt(a.1))),
            );
            ok = false;
        }
    }
    if let Some(last) = ranges.last() {
        if last.1 < hi {
            diags.push(
                Diagnostic::error(Code::BandGap, format!("no {what} covers {} to {}", fmt(last.1), fmt(hi)))
                    .at_opt(last.2)
                    .hint(if hi.is_infinite() {
                        "leave out `max` on the highest band to make it open-ended".to_string()
                    } else {
                        format!("end the highest {what} at {}", fmt(hi))
                    }),
            );
            ok = false;
        }
    }
    ok
}

#[cfg(test)]
mod tests {
    use super::check_coverage;
    use crate::diag::Code;

    fn codes(ranges: &[(f64, f64)], lo: f64, hi: f64) -> Vec<Code> {
        let ranges: Vec<_> = ranges.iter().map(|&(a, b)| (a, b, None)).collect();
        let mut diags = Vec::new();
        check_coverage(&ranges, lo, hi, "band", &mut diags);
        diags.iter().map(|d| d.code).collect()
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
}
