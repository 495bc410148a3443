//! Plain-language sentences for memos (memo stage): each driver and risk phrased from its
//! factor's description with the facts and values behind it, and the one-paragraph summary.

use super::model::{GateRef, Point};
use crate::evaluate::ledger::{Evidence, FactorLine, Related};
use crate::evaluate::{Ledger, Status};
use crate::fmt::{RawStyle, fixed, number, percent, raw};
use crate::model::KindSchema;
use crate::render::explain::provenance_text;

/// A driver: a factor that adds points to the score.
pub(super) fn driver(f: &FactorLine, schema: &KindSchema) -> Point {
    let facts = facts(f, schema);
    let text = format!(
        "{}: {facts}. {} of 100 points, adding {} to the score.",
        f.description,
        f.points.map_or_else(|| "no".to_string(), short),
        fixed(f.contribution, 2)
    );
    point(f, facts, text)
}

/// A risk: a factor that costs points below its maximum (a reason code).
pub(super) fn risk(f: &FactorLine, schema: &KindSchema) -> Point {
    let facts = facts(f, schema);
    let text = format!(
        "{}: {facts}. {} of 100 points, {} short of its maximum.",
        f.description,
        f.points.map_or_else(|| "no".to_string(), short),
        fixed(f.lost, 2)
    );
    point(f, facts, text)
}

fn point(f: &FactorLine, facts: String, text: String) -> Point {
    Point {
        factor: f.id.clone(),
        description: f.description.clone(),
        category: f.category.clone(),
        points: f.points,
        contribution: f.contribution,
        lost: f.lost,
        facts,
        text,
    }
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
        f.evidence.iter().map(|e| evidence_text(e, schema, &f.description)).collect()
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

/// `Net profit over revenue: 17.9% (source: …; as of 2024-12-31; grade A)`; without the label
/// when it only repeats the factor's description.
pub(super) fn evidence_text(e: &Evidence, schema: &KindSchema, factor: &str) -> String {
    let (label, unit) = label_and_unit(&e.attribute, schema);
    let value = match e.value.as_deref() {
        None => "missing".to_string(),
        Some("true") => "yes".to_string(),
        Some("false") => "no".to_string(),
        Some(v) => with_unit(v, unit.as_deref()),
    };
    let provenance = provenance_text(e);
    let value = if provenance.is_empty() { value } else { format!("{value} ({provenance})") };
    if label.eq_ignore_ascii_case(factor) { value } else { format!("{label}: {value}") }
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

/// Where the entity stands, in one paragraph.
pub(super) fn summary(l: &Ledger, position: Option<(u32, usize, f64)>, caps: &[GateRef], flags: &[GateRef]) -> String {
    let rs = &l.rule_set;
    let under = format!(
        "rule set {} {}{}",
        rs.name,
        rs.version,
        rs.profile.as_deref().map(|p| format!(" (profile {p})")).unwrap_or_default()
    );
    let mut s = match (l.status, position) {
        (_, Some((rank, n, pct))) => format!(
            "{} scores {} of 100 under {under} and is rated {}: rank {rank} of {n} {} (percentile {}).",
            l.name,
            fixed(l.score, 2),
            l.rating.as_deref().unwrap_or("nothing"),
            l.kind.plural(),
            fixed(pct, 1)
        ),
        (Status::Excluded(_), _) => format!(
            "{} is excluded from the ranking of {} under {under}{}; on its factors it would score {}.",
            l.name,
            l.kind.plural(),
            excluded_reason(l).map(|(g, r)| format!(" by gate {g}: {r}")).unwrap_or_default(),
            fixed(l.score, 2)
        ),
        _ => format!("{} is not ranked under {under}: none of its factors has a value.", l.name),
    };
    for c in caps {
        let before = l.rating_before_caps.as_deref().unwrap_or("higher");
        s.push_str(&format!(" On score alone it would be rated {before}; gate {} caps it: {}.", c.id, c.reason));
    }
    for f in flags {
        s.push_str(&format!(" Flagged {}: {}.", f.id, f.reason));
    }
    s.push_str(&format!(" {} of the model is backed by observed data.", percent(l.coverage)));
    s
}

fn excluded_reason(l: &Ledger) -> Option<(&str, &str)> {
    let id = l.excluded_by.as_deref()?;
    let gate = l.gates.iter().find(|g| g.id == id)?;
    Some((id, gate.reason.as_str()))
}
