//! The outlook of an entity at a view date D: its direction, from the score's move since the
//! previous view date (improving at +2.5 points or more, deteriorating at −2.5 or less, else
//! stable), and a watch flag when facts already in the data but scheduled after D (a listing, a
//! regulatory deadline: published by D, about a later period) change the rating once in effect.

use serde::Serialize;

use super::Point;
use crate::evaluate::KindScores;
use crate::model::{Dataset, Date, series};

/// Score moves of at least this many points (between two view dates) set the direction.
pub(crate) const TREND_POINTS: f64 = 2.5;

/// Direction and watch of one entity at the last view date.
#[derive(Clone, Debug, Default, Serialize, PartialEq)]
pub(crate) struct Outlook {
    /// `improving`, `stable` or `deteriorating`.
    pub direction: &'static str,
    /// The score move it rests on, and since when (`None`: one view date only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub since: Option<Date>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub points: Option<f64>,
    /// Whether scheduled facts change the rating once in effect.
    pub watch: bool,
    /// The rating they lead to.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub watch_rating: Option<String>,
    /// The scheduled facts: attribute, value, the date it takes effect.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub scheduled: Vec<Scheduled>,
}

/// A fact known at the view date about a later period.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub(crate) struct Scheduled {
    pub attribute: String,
    pub value: String,
    pub from: Option<Date>,
}

/// The outlook from the entity's points (the last is D) and the scores at D, as they are and
/// with every scheduled fact in effect.
pub(crate) fn outlook(
    points: &[Point],
    (ds, ks): (&Dataset, &KindScores),
    (_, ahead): (&Dataset, &KindScores),
    row: usize,
) -> Outlook {
    let last = points.last();
    let prev = points.len().checked_sub(2).map(|i| &points[i]);
    let moved = match (prev, last) {
        (Some(p), Some(l)) => p.standing.score.zip(l.standing.score).map(|(a, b)| (p.date, b - a)),
        _ => None,
    };
    let direction = match moved {
        Some((_, d)) if d >= TREND_POINTS => "improving",
        Some((_, d)) if d <= -TREND_POINTS => "deteriorating",
        _ => "stable",
    };
    let rating = |ks: &KindScores| ks.results[row].rating.map(|i| ks.plan.rules.ratings[i as usize].label.clone());
    let (now, then) = (rating(ks), rating(ahead));
    let scheduled = scheduled(ds, ks, row);
    let watch = !scheduled.is_empty() && now != then;
    Outlook {
        direction,
        since: moved.map(|m| m.0),
        points: moved.map(|m| m.1),
        watch,
        watch_rating: then.filter(|_| watch),
        scheduled,
    }
}

/// The entity's facts known at the view date whose period has not begun.
fn scheduled(ds: &Dataset, ks: &KindScores, row: usize) -> Vec<Scheduled> {
    let table = ds.table(ks.kind());
    let Some(view) = table.view else { return Vec::new() };
    let mut out: Vec<Scheduled> = table
        .withheld_of_row(row)
        .into_iter()
        .filter(|(_, _, p)| series::published(p).is_none_or(|d| d <= view))
        .map(|(a, value, p)| Scheduled {
            attribute: ks.attr_names.get(a as usize).cloned().unwrap_or_default(),
            value,
            from: series::period(&p),
        })
        .collect();
    out.sort_by(|a, b| (a.from, &a.attribute).cmp(&(b.from, &b.attribute)));
    out
}
