//! The memo's rating history (memo stage): the entity's score, rating and rank at every date
//! the data can change at up to the view date (each publication, each scheduled fact taking
//! effect), each rating change with the facts and factors behind it (`crate::history`), and
//! the geometry of its HTML chart: the score over time as a step line on the rating bands,
//! each rating change marked. Coordinates are fixed-decimal text, so output is byte-stable.

use serde::Serialize;

use crate::fmt::fixed;
use crate::history::{Change, EntityHistory};
use crate::model::{Date, RuleSet, Sources};

/// One scored date: every date is in the JSON; the table shows those with an `action`.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct Dated {
    pub date: String,
    pub score: Option<f64>,
    pub rating: Option<String>,
    pub rank: Option<u32>,
    pub status: &'static str,
    /// `first`, `upgrade`, `downgrade`, `rated`, `not rated`, or `view date`; `None`: unchanged.
    pub action: Option<&'static str>,
}

/// A fact whose scored value changed with a rating change.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct ChangedFact {
    pub attribute: String,
    pub from: Option<String>,
    pub to: Option<String>,
    /// The new value's source: a registry title or an inline `source:` text.
    pub source: Option<String>,
    pub url: Option<String>,
    pub period: Option<String>,
    pub published: Option<String>,
}

/// A factor whose contribution moved, in points.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct Moved {
    pub factor: String,
    pub label: String,
    pub delta: f64,
}

/// A rating change between two consecutive dates.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct RatingChange {
    pub date: String,
    pub previous: String,
    pub from: Option<String>,
    pub to: Option<String>,
    pub action: &'static str,
    pub score_delta: Option<f64>,
    pub facts: Vec<ChangedFact>,
    pub factors: Vec<Moved>,
}

/// The rating history section.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct RatingHistory {
    pub points: Vec<Dated>,
    pub changes: Vec<RatingChange>,
}

/// Factors named per change.
const MOVED: usize = 3;

/// The section from the entity's history; `band` gives a rating's place from the top.
pub(super) fn section(h: &EntityHistory, rules: &RuleSet, sources: &Sources) -> RatingHistory {
    let band = |r: &Option<String>| r.as_ref().and_then(|r| rules.ratings.iter().position(|b| &b.label == r));
    let action = |before: Option<&Option<String>>, now: &Option<String>| match before {
        None => "first",
        Some(b) => match (band(b), band(now)) {
            (Some(x), Some(y)) if y < x => "upgrade",
            (Some(_), Some(_)) => "downgrade",
            (None, _) => "rated",
            (_, None) => "not rated",
        },
    };
    let n = h.points.len();
    let points = h
        .points
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let before = i.checked_sub(1).map(|j| &h.points[j].standing.rating);
            let changed = before.is_none_or(|b| *b != p.standing.rating);
            let act =
                if changed { Some(action(before, &p.standing.rating)) } else { (i + 1 == n).then_some("view date") };
            Dated {
                date: p.date.to_string(),
                score: p.standing.score,
                rating: p.standing.rating.clone(),
                rank: p.standing.rank,
                status: p.standing.status,
                action: act,
            }
        })
        .collect();
    let changes = h
        .changes
        .iter()
        .map(|c| {
            let before = c.change.base.as_ref().and_then(|s| s.rating.clone());
            let after = c.change.head.as_ref().and_then(|s| s.rating.clone());
            RatingChange {
                date: c.to.to_string(),
                previous: c.from.to_string(),
                action: action(Some(&before), &after),
                from: before,
                to: after,
                score_delta: c.change.score_delta,
                facts: facts(c, sources),
                factors: moved(c, rules),
            }
        })
        .collect();
    RatingHistory { points, changes }
}

fn facts(c: &Change, sources: &Sources) -> Vec<ChangedFact> {
    c.change
        .facts
        .iter()
        .map(|f| {
            let entry = f.source.as_deref().and_then(|s| sources.get(s));
            ChangedFact {
                attribute: f.attribute.replace('_', " "),
                from: f.from.clone(),
                to: f.to.clone(),
                source: entry.map(|e| e.title.clone()).or_else(|| f.source.clone()),
                url: entry.map(|e| e.url.clone()),
                period: f.period.map(|d| d.to_string()),
                published: f.published.map(|d| d.to_string()),
            }
        })
        .collect()
}

fn moved(c: &Change, rules: &RuleSet) -> Vec<Moved> {
    c.change
        .drivers
        .iter()
        .filter(|d| d.delta.abs() >= 0.005)
        .take(MOVED)
        .map(|d| {
            let label = rules
                .factors
                .iter()
                .find(|f| f.id == d.factor)
                .map_or_else(|| d.factor.trim_matches(['(', ')']).to_string(), |f| f.label.clone());
            Moved { factor: d.factor.clone(), label, delta: d.delta }
        })
        .collect()
}

const WIDTH: f64 = 640.0;
const HEIGHT: f64 = 210.0;
const LEFT: f64 = 34.0;
const RIGHT: f64 = 520.0;
const TOP: f64 = 12.0;
const BOTTOM: f64 = 180.0;
/// Band labels closer than this (in pixels, vertically) are pushed apart.
const LABEL_GAP: f64 = 12.0;
/// Year labels closer than this (horizontally) are left out.
const TICK_GAP: f64 = 40.0;

/// A rating band across the plot, with its label at the right.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct Band {
    pub class: String,
    pub label: String,
    pub y: String,
    pub height: String,
    pub label_y: String,
}

/// A label on an axis.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct Tick {
    pub x: String,
    pub y: String,
    pub label: String,
}

/// A rating change on the line.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct Mark {
    pub x: String,
    pub y: String,
    pub class: &'static str,
    pub title: String,
}

/// The history chart: bands, axes, the score's step line and the rating changes.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct HistoryChart {
    pub title: String,
    pub width: String,
    pub height: String,
    pub left: String,
    pub right: String,
    pub plot_width: String,
    pub top: String,
    pub bottom: String,
    pub label_x: String,
    pub bands: Vec<Band>,
    pub years: Vec<Tick>,
    pub scores: Vec<Tick>,
    /// The SVG path of the score over time (`M`/`H`/`V` steps; a gap where not scored).
    pub line: String,
    pub marks: Vec<Mark>,
}

/// The chart of a history section (none without a scored date).
pub(super) fn chart(name: &str, h: &RatingHistory, rules: &RuleSet) -> Option<HistoryChart> {
    let dates: Vec<Date> = h.points.iter().filter_map(|p| Date::parse(&p.date)).collect();
    let (first, last) = (dates.first()?.days(), dates.last()?.days());
    let x = |d: &Date| match last - first {
        0 => (LEFT + RIGHT) / 2.0,
        span => LEFT + (d.days() - first) as f64 / span as f64 * (RIGHT - LEFT),
    };
    let y = |s: f64| TOP + (100.0 - s.clamp(0.0, 100.0)) / 100.0 * (BOTTOM - TOP);
    let f = |v: f64| fixed(v, 1);
    let mut line = String::new();
    let mut scored = false;
    for (p, d) in h.points.iter().zip(&dates) {
        match p.score {
            Some(s) if scored => line.push_str(&format!(" H{} V{}", f(x(d)), f(y(s)))),
            Some(s) => line.push_str(&format!("{}M{},{}", if line.is_empty() { "" } else { " " }, f(x(d)), f(y(s)))),
            None => {}
        }
        scored = p.score.is_some();
    }
    let marks = h
        .points
        .iter()
        .zip(&dates)
        .filter(|(p, _)| p.action.is_some_and(|a| a != "view date" && a != "first"))
        .map(|(p, d)| Mark {
            x: f(x(d)),
            y: f(y(p.score.unwrap_or(0.0))),
            class: if p.action == Some("upgrade") || p.action == Some("rated") { "mark-up" } else { "mark-down" },
            title: format!("{}: {} ({})", p.date, p.rating.as_deref().unwrap_or("not rated"), p.action.unwrap_or("")),
        })
        .collect();
    Some(HistoryChart {
        title: format!(
            "{name}: score and rating at each date the data changes, {} to {}",
            dates[0],
            dates[dates.len() - 1]
        ),
        width: f(WIDTH),
        height: f(HEIGHT),
        left: f(LEFT),
        right: f(RIGHT),
        plot_width: f(RIGHT - LEFT),
        top: f(TOP),
        bottom: f(BOTTOM),
        label_x: f(RIGHT + 6.0),
        bands: bands(rules, &y),
        years: years(&dates, &x),
        scores: [0.0, 25.0, 50.0, 75.0, 100.0]
            .map(|s| Tick { x: f(LEFT - 4.0), y: f(y(s) + 3.5), label: fixed(s, 0) })
            .to_vec(),
        line,
        marks,
    })
}

/// Each rating band as a stripe, its label in the middle of it, pushed down clear of the one above.
fn bands(rules: &RuleSet, y: &dyn Fn(f64) -> f64) -> Vec<Band> {
    let mut label_at = f64::MIN;
    rules
        .ratings
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let (top, bottom) = (y(r.max), y(r.min));
            label_at = ((top + bottom) / 2.0 + 3.5).max(label_at + LABEL_GAP);
            Band {
                class: format!("band-{}", i.min(5)),
                label: r.label.clone(),
                y: fixed(top, 1),
                height: fixed((bottom - top).max(0.0), 1),
                label_y: fixed(label_at, 1),
            }
        })
        .collect()
}

/// A label at each 1 January in the range, none closer than [`TICK_GAP`] to the one before.
fn years(dates: &[Date], x: &dyn Fn(&Date) -> f64) -> Vec<Tick> {
    let (Some(first), Some(last)) = (dates.first(), dates.last()) else { return Vec::new() };
    let mut out: Vec<Tick> = Vec::new();
    let mut previous = f64::MIN;
    for year in first.year()..=last.year() {
        let Some(d) = Date::parse(&format!("{year:04}-01-01")) else { continue };
        if d < *first || x(&d) - previous < TICK_GAP {
            continue;
        }
        previous = x(&d);
        out.push(Tick { x: fixed(previous, 1), y: fixed(BOTTOM + 14.0, 1), label: year.to_string() });
    }
    if out.is_empty() {
        out.push(Tick { x: fixed(x(first), 1), y: fixed(BOTTOM + 14.0, 1), label: first.to_string() });
    }
    out
}
