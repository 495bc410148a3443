//! Rule-check phase 1, scales: each `scale:` handed to its kind's `check` (in `src/scale/`,
//! where linear bounds, touching bands, map points and the zscore clamp are ruled on) and its
//! issues placed in the file; and the coverage rule ratings share with bands.

use super::{Located, located};
use crate::diag::Diagnostic;
use crate::load::rules::ScaleSpec;
use crate::load::values::Parsed;
use crate::load::yaml::{YamlDoc, YamlPath};
use crate::model::Scale;
use crate::scale::{BandInput, Bands, Bool, Issue, Linear, Map, Minmax, Percentile, Step, Zscore};
use crate::source::Span;

pub(super) use crate::scale::points_ok;

pub(super) fn bad_points(doc: &YamlDoc, path: &YamlPath, p: f64) -> Diagnostic {
    crate::scale::bad_points(p).at(doc.span(path))
}

/// A `scale:` checked into its kind: the spec's fields go to the kind's own `check` (in
/// `src/scale/`), whose issues are placed here. One line per kind.
pub(super) fn scale(
    s: &ScaleSpec,
    doc: &YamlDoc,
    path: &YamlPath,
    diags: &mut Vec<Diagnostic>,
) -> Option<Located<Scale>> {
    let checked = match s {
        ScaleSpec::Linear { lo, hi, direction } => Linear::check(lo.0, hi.0, *direction).map(Scale::Linear),
        ScaleSpec::Bands(items) => bands(doc, &path.at("bands"), items, diags).map(Scale::Bands),
        ScaleSpec::Map(map) => Map::check(map.iter().map(|(k, p)| (k.clone(), p.0)).collect()).map(Scale::Map),
        ScaleSpec::Bool { direction } => Ok(Scale::Bool(Bool { direction: *direction })),
        ScaleSpec::Minmax { direction } => Ok(Scale::Minmax(Minmax { direction: *direction })),
        ScaleSpec::Percentile { direction } => Ok(Scale::Percentile(Percentile { direction: *direction })),
        ScaleSpec::Zscore { direction, clamp } => Zscore::check(*direction, clamp.0).map(Scale::Zscore),
    };
    match checked {
        Ok(scale) => Some(located(scale, doc.span(path))),
        Err(issues) => {
            diags.extend(issues.into_iter().map(|i| i.problem.at(place(doc, path, &i.at))));
            None
        }
    }
}

/// Where an issue lies: the deepest of its steps below `path` that the file spells.
fn place(doc: &YamlDoc, path: &YamlPath, steps: &[Step]) -> Option<Span> {
    (0..=steps.len()).rev().find_map(|n| {
        let p = steps[..n].iter().fold(path.clone(), |p, s| match s {
            Step::Key(k) => p.at(k.as_str()),
            Step::Index(i) => p.at(*i),
        });
        doc.span(&p)
    })
}

/// The items of a `bands` scale that parsed, checked by [`Bands::check`]; those that did not
/// are reported here.
fn bands(
    doc: &YamlDoc,
    path: &YamlPath,
    items: &[Parsed<crate::load::rules::BandSpec>],
    diags: &mut Vec<Diagnostic>,
) -> Result<Bands, Vec<Issue>> {
    let mut parsed = Vec::new();
    for (index, item) in items.iter().enumerate() {
        match item {
            Parsed::Ok(b) => {
                parsed.push(BandInput { index, min: b.min.map(|m| m.0), max: b.max.map(|m| m.0), points: b.points.0 })
            }
            Parsed::Err(e) => diags.push(doc.error_diagnostic(&path.at(index), e)),
        }
    }
    Bands::check(&parsed, parsed.len() < items.len())
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
    let problems = crate::scale::coverage_problems(&bounds, lo, hi, what);
    let ok = problems.is_empty();
    diags.extend(problems.into_iter().map(|(i, p)| p.at(ranges[i].2)));
    ok
}
