//! Plain-language sentences for memos (memo stage): each driver and risk phrased from its
//! factor's description with the facts and values behind it, and the one-paragraph summary.

use super::model::{GateRef, Point};
use crate::evaluate::ledger::{Evidence, FactorLine, Related};
use crate::evaluate::{Ledger, Status};
use crate::fmt::{RawStyle, fixed, number, percent, raw};
use crate::model::KindSchema;

/// A driver: a factor that adds more than its fair share to the score.
pub(super) fn driver(f: &FactorLine, schema: &KindSchema) -> Point {
    let facts = facts(f, schema);
    let text = format!(
        "{}: {}; {} of 100 points, adding {} to the score",
        f.label,
        clause(&facts),
        f.points.map_or_else(|| "no".to_string(), short),
        fixed(f.contribution, 2)
    );
    point(f, facts, text)
}

/// A risk: a factor at or below the entity's base score that costs points below its maximum.
pub(super) fn risk(f: &FactorLine, schema: &KindSchema) -> Point {
    let facts = facts(f, schema);
    let text = format!(
        "{}: {}; {} of 100 points, {} short of its maximum",
        f.label,
        clause(&facts),
        f.points.map_or_else(|| "no".to_string(), short),
        fixed(f.lost, 2)
    );
    point(f, facts, text)
}

fn point(f: &FactorLine, facts: String, text: String) -> Point {
    Point {
        factor: f.id.clone(),
        label: f.label.clone(),
        description: f.description.clone(),
        category: f.category.clone(),
        points: f.points,
        contribution: f.contribution,
        lost: f.lost,
        facts,
        text,
    }
}

/// Text to sit inside a sentence: trimmed, without the full stop, colon or semicolon it ends
/// with, so that prose around it never doubles punctuation (`..`, `.:`).
pub(crate) fn clause(s: &str) -> &str {
    s.trim().trim_end_matches(['.', ':', ';', ',', ' '])
}

/// A number rounded to two decimals, shortest: `74.4`, `100`.
pub(super) fn short(x: f64) -> String {
    number((x * 100.0).round() / 100.0)
}

/// The facts behind a factor in words: related entities for roll-ups, else each attribute
/// read with its value and provenance, else the raw value; what the missing-data policy did
/// last.
pub(super) fn facts(f: &FactorLine, schema: &KindSchema) -> String {
    let mut parts: Vec<String> = if !f.related.is_empty() {
        f.related.iter().map(related_text).collect()
    } else if !f.evidence.is_empty() {
        f.evidence.iter().map(|e| evidence_text(e, schema, &f.label)).collect()
    } else if !f.raw.is_null() {
        vec![format!("value {}", raw(&f.raw, RawStyle::Prose))]
    } else {
        Vec::new()
    };
    parts.extend(f.note.as_deref().map(|n| policy_note(f, n)));
    if parts.is_empty() { "no data".to_string() } else { parts.join("; ") }
}

/// The ledger's note says why a value is missing, then what the policy did; when the facts
/// already show why (missing or withheld), only the policy is left.
fn policy_note(f: &FactorLine, note: &str) -> String {
    let shown = !f.evidence.is_empty() && f.evidence.iter().all(|e| e.value.is_none() || e.withheld);
    match note.rsplit_once("; ") {
        Some((_, policy)) if shown => policy.to_string(),
        _ => note.to_string(),
    }
}

fn related_text(r: &Related) -> String {
    let score = r.score.map_or_else(|| "no score".to_string(), |s| format!("scores {}", fixed(s, 2)));
    let rating = r.rating.as_deref().map(|x| format!(", {x}")).unwrap_or_default();
    format!("{} ({} of the exposure) {score}{rating}", r.name, percent(r.weight))
}

/// `Net margin 17.9%`: the attribute's short label and value; where it comes from is the
/// evidence section's (numbered sources). Without the label when it only repeats the factor's.
pub(super) fn evidence_text(e: &Evidence, schema: &KindSchema, factor: &str) -> String {
    let (label, unit) = label_and_unit(&e.attribute, schema);
    let label = short_label(&label, &e.attribute);
    let value = match e.value.as_deref() {
        None => "missing".to_string(),
        Some("true") => "yes".to_string(),
        Some("false") => "no".to_string(),
        Some(v) => with_unit(v, unit.as_deref()),
    };
    let value = if e.withheld { format!("{value}, published after the view date and not counted") } else { value };
    if label.eq_ignore_ascii_case(factor) { value } else { format!("{}: {value}", lower_first(&label)) }
}

/// An attribute's declared description when it is short enough for prose (six words at most,
/// and not a list of allowed words), else its name in words.
fn short_label(description: &str, attribute: &str) -> String {
    let d = clause(description);
    let words = d.split_whitespace().count();
    if words > 0 && words <= 6 && !d.contains(',') && !d.contains('(') {
        d.to_string()
    } else {
        attribute.replace('_', " ")
    }
}

/// The declared description of an attribute (or its name) and its unit.
pub(super) fn label_and_unit(attribute: &str, schema: &KindSchema) -> (String, Option<String>) {
    match schema.get(attribute).map(|id| schema.decl(id)) {
        Some(d) => (d.description.clone().unwrap_or_else(|| attribute.to_string()), d.unit.clone()),
        None => (attribute.to_string(), None),
    }
}

pub(super) fn with_unit(value: &str, unit: Option<&str>) -> String {
    match unit {
        Some("%") => format!("{value}%"),
        Some(u) if !u.is_empty() => format!("{value} {u}"),
        _ => value.to_string(),
    }
}

/// The thesis in three to five sentences: where the entity stands, the strongest reasons and
/// the main risk with the facts behind them, what caps or flags it, and how much rests on data.
pub(super) fn summary(
    l: &Ledger,
    position: Option<(u32, usize, f64)>,
    caps: &[GateRef],
    flags: &[GateRef],
    drivers: &[Point],
    risks: &[Point],
) -> String {
    let mut s = match (l.status, position) {
        (_, Some((rank, n, _))) => format!(
            "{} is rated {} with a score of {} of 100, rank {rank} of {n} {}.",
            l.name,
            l.rating.as_deref().unwrap_or("nothing"),
            fixed(l.score, 2),
            l.kind.plural(),
        ),
        (Status::Excluded(_), _) => format!(
            "{} is not rated: it is excluded from the ranking of {}{}; on its factors alone it would score {}.",
            l.name,
            l.kind.plural(),
            excluded_reason(l).map(|(_, r)| format!(" because {}", lower_first(clause(r)))).unwrap_or_default(),
            fixed(l.score, 2)
        ),
        _ => format!("{} is not rated: none of its factors has a value.", l.name),
    };
    if !drivers.is_empty() {
        let reasons: Vec<String> =
            drivers.iter().map(|p| format!("{} ({})", lower_first(&p.label), brief(&p.facts))).collect();
        s.push_str(&format!(" The case rests on {}.", join_words(&reasons)));
    }
    if let Some(r) = risks.first() {
        s.push_str(&format!(
            " The main risk is {} ({}), which costs {} points.",
            lower_first(&r.label),
            brief(&r.facts),
            fixed(r.lost, 2)
        ));
    }
    for c in caps {
        let before = l.rating_before_caps.as_deref().unwrap_or("higher");
        s.push_str(&format!(" On score alone it would be rated {before}, but {}.", lower_first(clause(&c.reason))));
    }
    if !flags.is_empty() {
        let reasons: Vec<String> = flags.iter().map(|f| lower_first(clause(&f.reason))).collect();
        s.push_str(&format!(" Watch: {}.", reasons.join("; ")));
    }
    s.push_str(&format!(" {} of the score rests on observed data.", percent(l.coverage)));
    s
}

/// The first two facts of a point, for the thesis paragraph (the lists below give them all).
fn brief(facts: &str) -> String {
    let parts: Vec<&str> = clause(facts).split("; ").collect();
    let shown = parts[..parts.len().min(2)].join("; ");
    if parts.len() > 2 { format!("{shown} and more") } else { shown }
}

/// `a`, `a and b`, `a, b and c`.
pub(crate) fn join_words(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

/// The first letter in lower case, unless the first word is an acronym or a name with
/// capitals inside (`US`, `CAC`, `iFlytek`).
pub(crate) fn lower_first(s: &str) -> String {
    let first = s.split_whitespace().next().unwrap_or_default();
    if first.chars().skip(1).any(char::is_uppercase) {
        return s.to_string();
    }
    let mut c = s.chars();
    c.next().map(|f| f.to_lowercase().chain(c).collect()).unwrap_or_default()
}

fn excluded_reason(l: &Ledger) -> Option<(&str, &str)> {
    let id = l.excluded_by.as_deref()?;
    let gate = l.gates.iter().find(|g| g.id == id)?;
    Some((id, gate.reason.as_str()))
}
