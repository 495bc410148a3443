//! Rule-version diffs (`thesis diff`): score the same data under two versions of the rules and
//! say, per entity, how score, rank and rating moved and which factors moved them.

pub(crate) mod revision;
pub(crate) mod rules;

use serde::Serialize;

use crate::evaluate::{KindScores, Ledger, Scores, Status, ledger};
use crate::model::{Dataset, Date, Kind};
use crate::project::Session;
use crate::rank::rank;

/// Score changes smaller than this (half the last shown digit) count as no change.
pub(crate) const SCORE_EPSILON: f64 = 0.005;
/// Factors listed as the cause of one entity's change.
pub(crate) const DRIVERS: usize = 3;

/// One side of the comparison, for the heading.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct Side {
    /// What the user named: a path or a revision.
    pub label: String,
    pub rule_set: String,
    pub version: String,
    /// The view date the side was scored at.
    pub as_of: Option<Date>,
}

/// An entity's standing under one version.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub(crate) struct Standing {
    pub score: Option<f64>,
    pub rank: Option<u32>,
    pub rating: Option<String>,
    /// ranked, excluded or no_data.
    pub status: &'static str,
}

/// A factor's (or adjustments') contribution under both versions.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct Driver {
    pub factor: String,
    pub base: f64,
    pub head: f64,
    pub delta: f64,
}

/// One entity that moved.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct EntityChange {
    pub id: String,
    pub name: String,
    /// `None` when the entity is scored on one side only.
    pub base: Option<Standing>,
    pub head: Option<Standing>,
    pub score_delta: Option<f64>,
    pub drivers: Vec<Driver>,
    /// The facts behind the score whose value changed (data changes, or views at two dates).
    pub facts: Vec<FactChange>,
}

/// A fact whose value differs between the two sides: old → new, with the new one's provenance.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub(crate) struct FactChange {
    pub attribute: String,
    pub from: Option<String>,
    pub to: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub period: Option<Date>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub published: Option<Date>,
}

/// What one side scored: the scores and the dataset they were scored on.
#[derive(Clone, Copy)]
pub(crate) struct View<'a> {
    pub scores: &'a Scores,
    pub dataset: &'a Dataset,
}

impl<'a> View<'a> {
    pub(crate) fn of(session: &'a Session) -> View<'a> {
        View { scores: &session.scores, dataset: &session.project.dataset }
    }
}

/// How many entities went from one rating to another.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct RatingChange {
    pub from: Option<String>,
    pub to: Option<String>,
    pub ids: Vec<String>,
}

/// The whole comparison for one kind.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct KindDiff {
    pub kind: Kind,
    pub base: Side,
    pub head: Side,
    pub compared: usize,
    pub changes: Vec<EntityChange>,
    pub rating_changes: Vec<RatingChange>,
    /// What changed in the rule set itself (filled in by the caller, who has both books).
    pub rule_changes: Vec<rules::RuleChange>,
}

impl EntityChange {
    pub(crate) fn rating_changed(&self) -> bool {
        self.base.as_ref().map(|s| &s.rating) != self.head.as_ref().map(|s| &s.rating)
    }
}

/// Compares the scores of `kind` under two sessions (rules, data and view date of each).
pub(crate) fn diff(kind: Kind, base: (&str, &Session), head: (&str, &Session)) -> Option<KindDiff> {
    diff_views(kind, (base.0, View::of(base.1)), (head.0, View::of(head.1)))
}

/// [`diff`] of two views however they were scored.
pub(crate) fn diff_views(kind: Kind, base: (&str, View<'_>), head: (&str, View<'_>)) -> Option<KindDiff> {
    let (b, h) = (base.1.scores.of(kind)?, head.1.scores.of(kind)?);
    let (bs, hs) = (standings(b), standings(h));
    let mut ids: Vec<&str> =
        bs.iter().map(|(id, ..)| id.as_str()).chain(hs.iter().map(|(id, ..)| id.as_str())).collect();
    ids.sort_unstable();
    ids.dedup();
    let index = |v: &[(String, usize, Standing)]| -> std::collections::HashMap<String, (usize, Standing)> {
        v.iter().map(|(id, row, s)| (id.clone(), (*row, s.clone()))).collect()
    };
    let (bi, hi) = (index(&bs), index(&hs));
    let find = |v: &std::collections::HashMap<String, (usize, Standing)>, id: &str| v.get(id).cloned();
    let mut changes = Vec::new();
    for id in &ids {
        let (before, after) = (find(&bi, id), find(&hi, id));
        if before.as_ref().map(|x| &x.1) == after.as_ref().map(|x| &x.1) || unchanged(&before, &after) {
            continue;
        }
        changes.push(change(id, (base.1, b, before), (head.1, h, after)));
    }
    changes.sort_by(|x, y| {
        let mag = |c: &EntityChange| c.score_delta.map_or(f64::INFINITY, f64::abs);
        mag(y).total_cmp(&mag(x)).then_with(|| x.id.cmp(&y.id))
    });
    let rating_changes = rating_changes(&changes);
    Some(KindDiff {
        kind,
        base: side(base.0, b),
        head: side(head.0, h),
        compared: ids.len(),
        changes,
        rating_changes,
        rule_changes: Vec::new(),
    })
}

fn side(label: &str, ks: &KindScores) -> Side {
    let r = &ks.plan.rules;
    Side { label: label.to_string(), rule_set: r.name.clone(), version: r.version.clone(), as_of: ks.table.view }
}

/// Same standing up to a score change too small to show.
fn unchanged(a: &Option<(usize, Standing)>, b: &Option<(usize, Standing)>) -> bool {
    match (a, b) {
        (Some((_, x)), Some((_, y))) => {
            let close = match (x.score, y.score) {
                (Some(p), Some(q)) => (p - q).abs() < SCORE_EPSILON,
                (p, q) => p == q,
            };
            close && x.rank == y.rank && x.rating == y.rating && x.status == y.status
        }
        _ => false,
    }
}

/// (id, row, standing) of every entity of a kind.
pub(crate) fn standings(ks: &KindScores) -> Vec<(String, usize, Standing)> {
    let ranking = rank(ks);
    (0..ks.table.len())
        .map(|row| {
            let r = &ks.results[row];
            let standing = Standing {
                score: (r.status != Status::NoData).then_some(r.total),
                rank: ranking.position(row).map(|p| p.0),
                rating: r.rating.map(|i| ks.plan.rules.ratings[i as usize].label.clone()),
                status: r.status.word(),
            };
            (ks.table.id(row).to_string(), row, standing)
        })
        .collect()
}

/// One side of one entity: the view, its kind's scores, and the entity's row and standing.
pub(crate) type SideRow<'a> = (View<'a>, &'a KindScores, Option<(usize, Standing)>);

/// How one entity moved between two sides, and why: factor moves and changed facts.
pub(crate) fn change(id: &str, base: SideRow<'_>, head: SideRow<'_>) -> EntityChange {
    let ledger_of =
        |(view, ks, at): &SideRow<'_>| at.as_ref().map(|(row, _)| ledger(ks, *row, view.scores, view.dataset, false));
    let (lb, lh) = (ledger_of(&base), ledger_of(&head));
    let name = lh.as_ref().or(lb.as_ref()).map_or_else(String::new, |l| l.name.clone());
    let (sb, sh) = (base.2.map(|x| x.1), head.2.map(|x| x.1));
    let score_delta = match (sb.as_ref().and_then(|s| s.score), sh.as_ref().and_then(|s| s.score)) {
        (Some(a), Some(b)) => Some(b - a),
        _ => None,
    };
    EntityChange {
        id: id.to_string(),
        name,
        base: sb,
        head: sh,
        score_delta,
        drivers: drivers(lb.as_ref(), lh.as_ref()),
        facts: facts(lb.as_ref(), lh.as_ref()),
    }
}

/// Every fact a ledger's factors read, once each: (attribute, value, provenance).
fn evidence(l: Option<&Ledger>) -> Vec<&crate::evaluate::ledger::Evidence> {
    let Some(l) = l else { return Vec::new() };
    let mut out: Vec<&crate::evaluate::ledger::Evidence> = Vec::new();
    for e in l.factors.iter().flat_map(|f| &f.evidence) {
        if !out.iter().any(|x| x.attribute == e.attribute) {
            out.push(e);
        }
    }
    out
}

/// The facts whose value (as scored: withheld counts as missing) differs, by attribute.
fn facts(base: Option<&Ledger>, head: Option<&Ledger>) -> Vec<FactChange> {
    let (b, h) = (evidence(base), evidence(head));
    let scored = |e: &crate::evaluate::ledger::Evidence| e.value.clone().filter(|_| !e.withheld);
    let mut names: Vec<&str> = b.iter().chain(&h).map(|e| e.attribute.as_str()).collect();
    names.sort_unstable();
    names.dedup();
    names
        .into_iter()
        .filter_map(|name| {
            let (x, y) = (b.iter().find(|e| e.attribute == name), h.iter().find(|e| e.attribute == name));
            let (from, to) = (x.and_then(|e| scored(e)), y.and_then(|e| scored(e)));
            let p = y.filter(|_| to.is_some()).map(|e| &e.provenance);
            (from != to).then(|| FactChange {
                attribute: name.to_string(),
                from,
                to,
                source: p.and_then(|p| p.source.clone().or_else(|| p.cite.first().cloned())),
                period: p.and_then(|p| p.period),
                published: p.and_then(|p| p.published),
            })
        })
        .collect()
}

/// Contributions by factor id (adjustments and clamping as their own lines).
fn contributions(l: Option<&Ledger>) -> Vec<(String, f64)> {
    let Some(l) = l else { return Vec::new() };
    let mut v: Vec<(String, f64)> = l.factors.iter().map(|f| (f.id.clone(), f.contribution)).collect();
    let adjust: f64 = l.adjustments.iter().filter(|a| a.fired).filter_map(|a| a.points).sum();
    v.push(("(adjustments)".into(), adjust));
    v.push(("(clamp)".into(), l.clamp));
    v
}

/// The factors whose contributions moved most, largest first (ties by id).
fn drivers(base: Option<&Ledger>, head: Option<&Ledger>) -> Vec<Driver> {
    let (b, h) = (contributions(base), contributions(head));
    let mut ids: Vec<&String> = b.iter().chain(&h).map(|(id, _)| id).collect();
    ids.sort();
    ids.dedup();
    let get = |v: &[(String, f64)], id: &str| v.iter().find(|(x, _)| x == id).map_or(0.0, |(_, c)| *c);
    let mut out: Vec<Driver> = ids
        .into_iter()
        .map(|id| {
            let (x, y) = (get(&b, id), get(&h, id));
            Driver { factor: id.clone(), base: x, head: y, delta: y - x }
        })
        .filter(|d| d.delta.abs() >= SCORE_EPSILON)
        .collect();
    out.sort_by(|a, b| b.delta.abs().total_cmp(&a.delta.abs()).then_with(|| a.factor.cmp(&b.factor)));
    out.truncate(DRIVERS);
    out
}

fn rating_changes(changes: &[EntityChange]) -> Vec<RatingChange> {
    let mut out: Vec<RatingChange> = Vec::new();
    for c in changes.iter().filter(|c| c.rating_changed()) {
        let from = c.base.as_ref().and_then(|s| s.rating.clone());
        let to = c.head.as_ref().and_then(|s| s.rating.clone());
        match out.iter_mut().find(|r| r.from == from && r.to == to) {
            Some(r) => r.ids.push(c.id.clone()),
            None => out.push(RatingChange { from, to, ids: vec![c.id.clone()] }),
        }
    }
    for r in &mut out {
        r.ids.sort();
    }
    out.sort_by(|a, b| b.ids.len().cmp(&a.ids.len()).then_with(|| (&a.from, &a.to).cmp(&(&b.from, &b.to))));
    out
}
