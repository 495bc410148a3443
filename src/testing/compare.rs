//! Comparing a case's ledger with what it expects: one [`Mismatch`] per expectation that does
//! not hold, with both sides written for a reader (test stage).

use crate::evaluate::{Ledger, Status};
use crate::fmt::{fixed, number};
use crate::load::tests::{Bound, ExpectSpec, RankSpec, RelativeRank};

/// An expectation that did not hold.
#[derive(Clone, Debug, PartialEq)]
pub struct Mismatch {
    /// What was compared: `score`, `rating`, `points.growth`, ...
    pub what: String,
    pub expected: String,
    pub actual: String,
}

fn mismatch(what: impl Into<String>, expected: String, actual: String) -> Mismatch {
    Mismatch { what: what.into(), expected, actual }
}

/// Where the case's entity ranks, how many are ranked, and where its peers rank (by id).
pub(super) struct Place<'a> {
    pub rank: Option<u32>,
    pub ranked: usize,
    pub peer: &'a dyn Fn(&str) -> Option<u32>,
    /// The entity's flip points: (factor, `up` or `down`) → the change, or why there is none.
    pub flip: &'a dyn Fn(&str, &str) -> Result<f64, String>,
}

/// Every expectation of `e` that the ledger (and place in the ranking) does not meet.
pub(super) fn compare(e: &ExpectSpec, l: &Ledger, place: &Place<'_>) -> Vec<Mismatch> {
    let rank = place.rank;
    let mut out = Vec::new();
    let scored = l.status != Status::NoData;
    if let Some(b) = e.score
        && (!scored || !b.contains(l.score))
    {
        let actual = if scored { fixed(l.score, 2) } else { "no score (no factor has data)".into() };
        out.push(mismatch("score", bound_text(&b), actual));
    }
    if let Some(r) = &e.rating
        && l.rating.as_deref() != Some(r.as_str())
    {
        out.push(mismatch("rating", r.clone(), l.rating.clone().unwrap_or_else(|| "none".into())));
    }
    let unranked = || match &l.excluded_by {
        Some(g) => format!("not ranked (excluded by gate `{g}`)"),
        None => "not ranked (no factor has data)".into(),
    };
    match &e.rank {
        Some(RankSpec::Position(b)) if !rank.is_some_and(|r| b.contains(r as f64)) => {
            out.push(mismatch("rank", bound_text(b), rank.map_or_else(unranked, |r| r.to_string())));
        }
        Some(RankSpec::Relative(rel)) => match rank {
            Some(r) => out.extend(relative(rel, r, place)),
            None => out.push(mismatch("rank", relative_text(rel), unranked())),
        },
        _ => {}
    }
    let fired = |items: &[crate::evaluate::ledger::ConditionLine]| -> Vec<String> {
        items.iter().filter(|c| c.fired).map(|c| c.id.clone()).collect()
    };
    same_set(&mut out, "gates", e.gates.as_deref(), &fired(&l.gates));
    same_set(&mut out, "flags", e.flags.as_deref(), &l.flags);
    same_set(&mut out, "adjustments", e.adjustments.as_deref(), &fired(&l.adjustments));
    if let Some(expected) = &e.reasons {
        let actual: Vec<String> = l.reason_codes.iter().map(|r| r.factor.clone()).collect();
        if *expected != actual {
            out.push(mismatch("reasons", list(expected), list(&actual)));
        }
    }
    for (id, b) in &e.points {
        let line = l.factors.iter().find(|f| &f.id == id);
        let points = line.and_then(|f| f.points);
        if !points.is_some_and(|p| b.contains(p)) {
            let actual = match (points, line) {
                (Some(p), _) => number_2(p),
                (None, Some(f)) => format!("no points ({})", f.state),
                (None, None) => "no such factor".into(),
            };
            out.push(mismatch(format!("points.{id}"), bound_text(b), actual));
        }
    }
    trust(e, l, &mut out);
    for (id, spec) in &e.flips {
        for (dir, b) in [("up", spec.up), ("down", spec.down)] {
            let Some(b) = b else { continue };
            match (place.flip)(id, dir) {
                Ok(d) if b.contains(d) => {}
                Ok(d) => out.push(mismatch(format!("flips.{id}.{dir}"), bound_text(&b), number_2(d))),
                Err(why) => out.push(mismatch(format!("flips.{id}.{dir}"), bound_text(&b), why)),
            }
        }
    }
    out
}

/// The expectations on firmness, bounds and status that the ledger does not meet.
fn trust(e: &ExpectSpec, l: &Ledger, out: &mut Vec<Mismatch>) {
    let firmness = |firm: bool| if firm { "firm" } else { "provisional" };
    if let Some(firm) = e.firm
        && firm != l.firm
    {
        let actual =
            if l.rating.is_some() { firmness(l.firm).to_string() } else { format!("no rating ({})", l.status.word()) };
        out.push(mismatch("firm", firmness(firm).to_string(), actual));
    }
    if let Some(b) = &e.bounds {
        for (what, expected, actual) in [("bounds.lo", b.lo, l.bounds.lo), ("bounds.hi", b.hi, l.bounds.hi)] {
            if let Some(expected) = expected
                && !expected.contains(actual)
            {
                out.push(mismatch(what, bound_text(&expected), number_2(actual)));
            }
        }
    }
    if let Some(s) = e.status
        && s.word() != l.status.word()
    {
        let why = l.reason.as_deref().map(|r| format!(" ({r})")).unwrap_or_default();
        out.push(mismatch("status", s.word().to_string(), format!("{}{why}", l.status.word())));
    }
}

/// A relative rank's parts that do not hold for an entity ranked `r`.
fn relative(rel: &RelativeRank, r: u32, place: &Place<'_>) -> Vec<Mismatch> {
    let mut out = Vec::new();
    let peer_text = |id: &str| (place.peer)(id).map_or_else(|| format!("{id} not ranked"), |p| format!("{id} {p}"));
    for (key, ids, holds) in [
        ("rank.above", &rel.above, (|me: u32, p: u32| me < p) as fn(u32, u32) -> bool),
        ("rank.below", &rel.below, |me: u32, p: u32| me > p),
    ] {
        let failed: Vec<&String> = ids.iter().filter(|id| !(place.peer)(id).is_some_and(|p| holds(r, p))).collect();
        if !failed.is_empty() {
            let peers: Vec<String> = failed.iter().map(|id| peer_text(id)).collect();
            out.push(mismatch(key, list(ids), format!("rank {r}; {}", peers.join(", "))));
        }
    }
    if let Some(b) = &rel.from_bottom {
        let from_bottom = place.ranked as u32 + 1 - r;
        if !b.contains(from_bottom as f64) {
            out.push(mismatch(
                "rank.from_bottom",
                bound_text(b),
                format!("{from_bottom} (rank {r} of {})", place.ranked),
            ));
        }
    }
    out
}

/// `above [a, b], below [c], from_bottom 1..3`.
fn relative_text(rel: &RelativeRank) -> String {
    let mut parts = Vec::new();
    if !rel.above.is_empty() {
        parts.push(format!("above {}", list(&rel.above)));
    }
    if !rel.below.is_empty() {
        parts.push(format!("below {}", list(&rel.below)));
    }
    if let Some(b) = &rel.from_bottom {
        parts.push(format!("from_bottom {}", bound_text(b)));
    }
    parts.join(", ")
}

/// Compares as sets; the actual side names what is missing and what is extra.
fn same_set(out: &mut Vec<Mismatch>, what: &str, expected: Option<&[String]>, actual: &[String]) {
    let Some(expected) = expected else { return };
    let missing: Vec<String> = expected.iter().filter(|x| !actual.contains(x)).cloned().collect();
    let extra: Vec<String> = actual.iter().filter(|x| !expected.contains(x)).cloned().collect();
    if missing.is_empty() && extra.is_empty() {
        return;
    }
    let mut notes = Vec::new();
    if !missing.is_empty() {
        notes.push(format!("without {}", missing.join(", ")));
    }
    if !extra.is_empty() {
        notes.push(format!("also {}", extra.join(", ")));
    }
    out.push(mismatch(what, list(expected), format!("{} ({})", list(actual), notes.join("; "))));
}

fn list(items: &[String]) -> String {
    format!("[{}]", items.join(", "))
}

fn number_2(x: f64) -> String {
    let s = fixed(x, 2);
    if s.ends_with(".00") { number(x.round()) } else { s }
}

/// `76.46`, `60..100`, `at least 60`, `at most 40`.
pub(super) fn bound_text(b: &Bound) -> String {
    match *b {
        Bound::Exact(v) => number(v),
        Bound::Range { min: Some(a), max: Some(b) } => format!("{}..{}", number(a), number(b)),
        Bound::Range { min: Some(a), max: None } => format!("at least {}", number(a)),
        Bound::Range { min: None, max: Some(b) } => format!("at most {}", number(b)),
        Bound::Range { min: None, max: None } => "anything".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn sets_compare_in_any_order_and_name_what_differs() {
        let mut out = Vec::new();
        same_set(&mut out, "gates", Some(&strings(&["a", "b"])), &strings(&["b", "a"]));
        assert!(out.is_empty());
        same_set(&mut out, "gates", Some(&strings(&["a", "b"])), &strings(&["b", "c"]));
        assert_eq!(out[0].expected, "[a, b]");
        assert_eq!(out[0].actual, "[b, c] (without a; also c)");
    }

    #[test]
    fn bounds_read_as_people_write_them() {
        assert_eq!(bound_text(&Bound::Exact(76.46)), "76.46");
        assert_eq!(bound_text(&Bound::Range { min: Some(40.0), max: Some(60.0) }), "40..60");
        assert_eq!(bound_text(&Bound::Range { min: Some(60.0), max: None }), "at least 60");
        assert_eq!(bound_text(&Bound::Range { min: None, max: Some(40.0) }), "at most 40");
    }
}
