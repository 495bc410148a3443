//! W203: a band of a `bands` scale that no value can reach. Proved only where the input is
//! bounded: a roll-up reads scores, which lie in [0, 100], so a band ending at or below 0 or
//! starting above 100 never applies.

use super::{Cx, locate};
use crate::diag::{Code, Diagnostic};
use crate::fmt::number;
use crate::model::{Input, Scale};

pub(super) fn check(cx: &Cx<'_>, out: &mut Vec<Diagnostic>) {
    for rules in &cx.book.sets {
        for f in &rules.factors {
            let (Input::Rollup { kind, .. }, Scale::Bands(bands)) = (&f.input, &f.scale) else { continue };
            for b in bands.0.iter().filter(|b| b.max <= 0.0 || b.min > 100.0) {
                let range = match (b.min.is_finite(), b.max.is_finite()) {
                    (false, _) => format!("below {}", number(b.max)),
                    (_, false) => format!("from {}", number(b.min)),
                    _ => format!("{} to {}", number(b.min), number(b.max)),
                };
                out.push(
                    Diagnostic::warning(
                        Code::UnreachableBand,
                        format!("the band {range} of factor `{}` is unreachable: it rolls up {kind} scores, which lie in 0..100", f.id),
                    )
                    .at_opt(band_span(cx, rules, &f.id, b.min, b.max).or(f.span))
                    .hint("scores run from 0 to 100; cover that range with the bands"),
                );
            }
        }
    }
}

fn band_span(cx: &Cx<'_>, rules: &crate::model::RuleSet, id: &str, min: f64, max: f64) -> Option<crate::source::Span> {
    let (doc, path) = locate::factor_key(cx.ws, rules, id, "scale")?;
    let path = path.at("bands");
    let n = crate::load::yaml::lookup(&doc.value, &path)?.as_sequence()?.len();
    let same = |x: Option<f64>, y: f64| x.map_or(!y.is_finite(), |x| x == y);
    (0..n)
        .find(|&i| {
            same(locate::number_at(doc, &path.at(i).at("min")), min)
                && same(locate::number_at(doc, &path.at(i).at("max")), max)
        })
        .and_then(|i| doc.span(&path.at(i)))
}
