//! What changed in a rule set itself between two versions (diff stage): factors, categories,
//! gates, adjustments and rating bands added, removed or changed, each with where the new
//! version writes it; listed before the score impact.

use serde::Serialize;

use crate::diag::{Location, describe_location};
use crate::fmt::number;
use crate::model::{Factor, GateAction, Input, Missing, Rating, RuleSet, Scale};
use crate::source::{SourceMap, Span};
use sha2::Digest;
use std::path::PathBuf;

/// One change to one part of a rule set.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub(crate) struct RuleChange {
    /// `factor`, `category`, `gate`, `adjustment`, `ratings` or `aggregation`.
    pub what: &'static str,
    pub id: String,
    /// `weight 6 → 2`, `added`, `removed`, `scale linear 0..50 → linear 0..80`.
    pub change: String,
    /// `path:line:col` of the part in the new version (the old one's when it was removed).
    pub at: Option<String>,
}

/// Both versions of the rule set, each with the sources its spans point into and the rules
/// paths it was loaded from (script paths are compared below them).
pub(crate) struct Versions<'a> {
    pub base: (&'a RuleSet, &'a SourceMap),
    pub head: (&'a RuleSet, &'a SourceMap),
    pub roots: (&'a [PathBuf], &'a [PathBuf]),
}

/// Every change from `base` to `head`, in the order of the rule file: categories, factors,
/// gates, adjustments, ratings.
pub(crate) fn rule_changes(v: &Versions<'_>) -> Vec<RuleChange> {
    let mut out = Vec::new();
    categories(v, &mut out);
    factors(v, &mut out);
    conditions(v, &mut out);
    if ratings_text(&v.base.0.ratings) != ratings_text(&v.head.0.ratings) {
        let change = format!("{} → {}", ratings_text(&v.base.0.ratings), ratings_text(&v.head.0.ratings));
        out.push(RuleChange { what: "ratings", id: String::new(), change, at: at(v.head.1, v.head.0.span) });
    }
    if v.base.0.aggregation != v.head.0.aggregation {
        let change = format!("{:?} → {:?}", v.base.0.aggregation, v.head.0.aggregation);
        out.push(RuleChange { what: "aggregation", id: String::new(), change, at: at(v.head.1, v.head.0.span) });
    }
    out
}

fn at(sources: &SourceMap, span: Option<Span>) -> Option<String> {
    span.map(|s| describe_location(&Location::Span(s), sources))
}

/// Added and removed parts of one sort, by id; `pairs` gets the ids on both sides.
fn presence<T>(
    what: &'static str,
    base: &[T],
    head: &[T],
    id: impl Fn(&T) -> (&str, Option<Span>),
    v: &Versions<'_>,
    out: &mut Vec<RuleChange>,
) -> Vec<(usize, usize)> {
    let mut pairs = Vec::new();
    for (i, b) in base.iter().enumerate() {
        match head.iter().position(|h| id(h).0 == id(b).0) {
            Some(j) => pairs.push((i, j)),
            None => out.push(RuleChange {
                what,
                id: id(b).0.to_string(),
                change: "removed".into(),
                at: at(v.base.1, id(b).1),
            }),
        }
    }
    for h in head.iter().filter(|h| !base.iter().any(|b| id(b).0 == id(h).0)) {
        out.push(RuleChange { what, id: id(h).0.to_string(), change: "added".into(), at: at(v.head.1, id(h).1) });
    }
    pairs
}

fn categories(v: &Versions<'_>, out: &mut Vec<RuleChange>) {
    let (b, h) = (&v.base.0.categories, &v.head.0.categories);
    for (i, j) in presence("category", b, h, |c| (c.name.as_str(), c.span), v, out) {
        if b[i].weight != h[j].weight {
            out.push(RuleChange {
                what: "category",
                id: h[j].name.clone(),
                change: format!("weight {} → {}", number(b[i].weight), number(h[j].weight)),
                at: at(v.head.1, h[j].span),
            });
        }
    }
}

fn factors(v: &Versions<'_>, out: &mut Vec<RuleChange>) {
    let (b, h) = (&v.base.0.factors, &v.head.0.factors);
    for (i, j) in presence("factor", b, h, |f| (f.id.as_str(), f.span), v, out) {
        let (x, y) = (&b[i], &h[j]);
        let category = |f: &Factor, rs: &RuleSet| rs.categories[f.category].name.clone();
        let fields = [
            ("weight", number(x.weight), number(y.weight)),
            ("category", category(x, v.base.0), category(y, v.head.0)),
            ("input", input_text(&x.input, v.roots.0, v.base.1), input_text(&y.input, v.roots.1, v.head.1)),
            ("scale", scale_text(&x.scale), scale_text(&y.scale)),
            ("missing", missing_text(x.missing), missing_text(y.missing)),
        ];
        for (field, old, new) in fields {
            if old != new {
                let change = format!("{field} {old} → {new}");
                out.push(RuleChange { what: "factor", id: y.id.clone(), change, at: at(v.head.1, y.span) });
            }
        }
    }
}

fn conditions(v: &Versions<'_>, out: &mut Vec<RuleChange>) {
    let (b, h) = (&v.base.0.gates, &v.head.0.gates);
    for (i, j) in presence("gate", b, h, |g| (g.id.as_str(), g.span), v, out) {
        let action = |a: &GateAction, rs: &RuleSet| match a {
            GateAction::Exclude => "exclude".to_string(),
            GateAction::Flag => "flag".to_string(),
            GateAction::NotRated => "not rated".to_string(),
            GateAction::Cap(r) => format!("cap at {}", rs.ratings.get(*r).map_or("?", |r| r.label.as_str())),
        };
        let fields = [
            ("when", b[i].when.source.clone(), h[j].when.source.clone()),
            ("action", action(&b[i].action, v.base.0), action(&h[j].action, v.head.0)),
        ];
        push_fields("gate", &h[j].id, fields, at(v.head.1, h[j].span), out);
    }
    let (b, h) = (&v.base.0.adjustments, &v.head.0.adjustments);
    for (i, j) in presence("adjustment", b, h, |a| (a.id.as_str(), a.span), v, out) {
        let fields = [
            ("when", b[i].when.source.clone(), h[j].when.source.clone()),
            ("points", number(b[i].points), number(h[j].points)),
        ];
        push_fields("adjustment", &h[j].id, fields, at(v.head.1, h[j].span), out);
    }
}

fn push_fields<const N: usize>(
    what: &'static str,
    id: &str,
    fields: [(&str, String, String); N],
    at: Option<String>,
    out: &mut Vec<RuleChange>,
) {
    for (field, old, new) in fields {
        if old != new {
            out.push(RuleChange {
                what, id: id.to_string(), change: format!("{field} {old} → {new}"), at: at.clone()
            });
        }
    }
}

/// A scale in one line, every band and value written out (the kinds' own `describe` counts
/// them, which would hide a changed band).
fn scale_text(s: &Scale) -> String {
    match s {
        Scale::Bands(b) => {
            let band = |b: &crate::scale::Band| match (b.min.is_finite(), b.max.is_finite()) {
                (false, true) => format!("<{}: {}", number(b.max), number(b.points)),
                (true, false) => format!("≥{}: {}", number(b.min), number(b.points)),
                (true, true) => format!("{}..{}: {}", number(b.min), number(b.max), number(b.points)),
                (false, false) => format!("any: {}", number(b.points)),
            };
            format!("bands [{}]", b.0.iter().map(band).collect::<Vec<_>>().join(", "))
        }
        Scale::Map(m) => {
            let values: Vec<String> = m.0.iter().map(|(k, p)| format!("{k}: {}", number(*p))).collect();
            format!("map {{{}}}", values.join(", "))
        }
        other => other.kind().describe(),
    }
}

/// An input in one line. A script is named below its rules path (the two sides may be loaded
/// from different places), with a note when its text is not the other side's.
fn input_text(i: &Input, roots: &[PathBuf], sources: &SourceMap) -> String {
    match i {
        Input::Attribute { name, .. } => format!("attribute {name}"),
        Input::Expr(c) => format!("expr `{}`", c.source.trim()),
        Input::Script { path, function, .. } => {
            let rel = roots.iter().find_map(|r| path.strip_prefix(r).ok()).unwrap_or(path);
            let text = sources.find(path).and_then(|id| sources.get(id).text.clone());
            let digest = text.map(|t| sha2::Sha256::digest(t.as_bytes()));
            let version = digest
                .map(|d| format!(" (text {})", d.iter().take(4).map(|b| format!("{b:02x}")).collect::<String>()))
                .unwrap_or_default();
            format!("script {}:{function}{version}", crate::source::display_path(rel))
        }
        Input::Rollup { kind, category } => match category {
            Some(c) => format!("rollup {kind} ({c})"),
            None => format!("rollup {kind}"),
        },
    }
}

fn missing_text(m: Missing) -> String {
    match m {
        Missing::Fail => "fail".into(),
        Missing::Skip => "skip".into(),
        Missing::Assume(x) => format!("assume {}", number(x)),
        Missing::Points(p) => format!("points {}", number(p)),
    }
}

/// `Overweight ≥65, Neutral 40..65, Underweight <40`.
fn ratings_text(r: &[Rating]) -> String {
    r.iter()
        .map(|b| match (b.min > 0.0, b.max < 100.0) {
            (true, false) => format!("{} ≥{}", b.label, number(b.min)),
            (false, true) => format!("{} <{}", b.label, number(b.max)),
            _ => format!("{} {}..{}", b.label, number(b.min), number(b.max)),
        })
        .collect::<Vec<_>>()
        .join(", ")
}
