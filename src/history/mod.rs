//! `thesis history`: every entity's score, rank and rating at a list of view dates, each rating
//! change with its causes (the attribution of `thesis diff`: facts old → new, factor moves), and
//! the outlook at the last date. The data is read once; each date is a resolution of the kept
//! observations ([`Dataset::at`]), scored with the same compiled plan.

pub(crate) mod outlook;

use serde::Serialize;

use crate::compile::Plan;
use crate::diag::Diagnostics;
use crate::diff::{EntityChange, SideRow, Standing, View, change, standings};
use crate::evaluate::{Scores, evaluate};
use crate::model::{Dataset, Date, Kind, Row};
use crate::source::SourceMap;

pub(crate) use outlook::Outlook;

/// An entity's standing at one date.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct Point {
    pub date: Date,
    #[serde(flatten)]
    pub standing: Standing,
}

/// A rating change between two consecutive dates, with its causes.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct Change {
    pub from: Date,
    pub to: Date,
    #[serde(flatten)]
    pub change: EntityChange,
}

/// One entity over time.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct EntityHistory {
    pub id: String,
    pub name: String,
    pub points: Vec<Point>,
    pub changes: Vec<Change>,
    pub outlook: Outlook,
}

/// The history of one kind under one rule set.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct History {
    pub kind: Kind,
    pub rule_set: String,
    pub version: String,
    pub dates: Vec<Date>,
    pub entities: Vec<EntityHistory>,
}

/// What a history needs: the dataset with its observations kept, the compiled plan, and where
/// script diagnostics point.
pub(crate) struct Inputs<'a> {
    pub dataset: &'a Dataset,
    pub plan: &'a Plan,
    pub sources: &'a SourceMap,
}

impl<'a> Inputs<'a> {
    /// What a session holds for viewing its data at other dates.
    pub(crate) fn of(session: &'a crate::project::Session) -> Inputs<'a> {
        Inputs { dataset: &session.project.dataset, plan: &session.plan, sources: &session.project.ws.sources }
    }
}

/// The history of `rows` of `kind` (all if `None`) at `dates` (sorted, deduplicated here).
/// `None` with diagnostics if scoring a date failed, or if the observations were not kept.
pub(crate) fn history(
    inputs: &Inputs<'_>,
    kind: Kind,
    dates: &[Date],
    rows: Option<&[Row]>,
    diags: &mut Diagnostics,
) -> Option<History> {
    let mut dates = dates.to_vec();
    dates.sort_unstable();
    dates.dedup();
    let table = inputs.dataset.table(kind);
    let rows: Vec<usize> = rows.map_or_else(|| (0..table.len()).collect(), |r| r.iter().map(|&r| r as usize).collect());
    let mut entities: Vec<EntityHistory> = rows
        .iter()
        .map(|&r| EntityHistory {
            id: table.id(r).to_string(),
            name: table.name(r).to_string(),
            points: Vec::new(),
            changes: Vec::new(),
            outlook: Outlook::default(),
        })
        .collect();
    let mut previous: Option<(Date, Dataset, Scores)> = None;
    let mut rule_set = None;
    for &date in &dates {
        let ds = inputs.dataset.at(date)?;
        let scores = evaluate(inputs.plan, &ds, inputs.sources, diags)?;
        let ks = scores.of(kind)?;
        rule_set.get_or_insert_with(|| (ks.plan.rules.name.clone(), ks.plan.rules.version.clone()));
        let now = standings(ks);
        let before = previous.as_ref().and_then(|(d, pds, ps)| Some((*d, pds, ps, standings(ps.of(kind)?))));
        for (e, &row) in entities.iter_mut().zip(&rows) {
            let standing = now[row].2.clone();
            if let Some((from, pds, ps, then)) = &before
                && then[row].2.rating != standing.rating
            {
                let base: SideRow<'_> =
                    (View { scores: ps, dataset: pds }, ps.of(kind)?, Some((row, then[row].2.clone())));
                let head: SideRow<'_> = (View { scores: &scores, dataset: &ds }, ks, Some((row, standing.clone())));
                e.changes.push(Change { from: *from, to: date, change: change(&e.id, base, head) });
            }
            e.points.push(Point { date, standing });
        }
        previous = Some((date, ds, scores));
    }
    if let Some((last, ds, scores)) = &previous {
        let projected = inputs.dataset.projected(*last)?;
        let ahead = evaluate(inputs.plan, &projected, inputs.sources, diags)?;
        let (ks, ka) = (scores.of(kind)?, ahead.of(kind)?);
        for (e, &row) in entities.iter_mut().zip(&rows) {
            e.outlook = outlook::outlook(&e.points, (ds, ks), (&projected, ka), row);
        }
    }
    let (rule_set, version) = rule_set.unwrap_or_default();
    Some(History { kind, rule_set, version, dates, entities })
}

/// The outlook of `rows` of `kind` (all if `None`) at `view`: the history over the year to it
/// (the date twelve month ends before, and `view`), as `explain` and memos show it.
pub(crate) fn outlooks(
    inputs: &Inputs<'_>,
    kind: Kind,
    view: Date,
    rows: Option<&[Row]>,
    diags: &mut Diagnostics,
) -> Option<Vec<Outlook>> {
    let dates = [view.month_end_after(-12).min(view), view];
    history(inputs, kind, &dates, rows, diags).map(|h| h.entities.into_iter().map(|e| e.outlook).collect())
}

/// Every date the view can change at, up to `view`: when an observation became public or, for
/// a fact about a later period, when that period began (latest `MAX_DATES`, oldest first).
pub(crate) fn event_dates(dataset: &Dataset, view: Date) -> Vec<Date> {
    let Some(raw) = &dataset.raw else { return Vec::new() };
    let mut dates: Vec<Date> = raw
        .iter()
        .flat_map(|t| t.all_provenance())
        .filter_map(|p| crate::model::series::published(p).max(crate::model::series::period(p)))
        .map(Date::first_day)
        .filter(|d| *d <= view)
        .chain([view])
        .collect();
    dates.sort_unstable();
    dates.dedup();
    let skip = dates.len().saturating_sub(MAX_DATES);
    dates.split_off(skip)
}

/// `--from D --to D --every month|quarter|year`: month ends from the first at or after `from`
/// up to `to`, every 1, 3 or 12 months; `to` itself closes the list if it is not one of them.
pub(crate) fn schedule(from: Date, to: Date, months: i64) -> Vec<Date> {
    let mut out = Vec::new();
    let mut d = from.month_end_after(0);
    while d <= to && out.len() < MAX_DATES {
        if d >= from {
            out.push(d);
        }
        d = d.month_end_after(months);
    }
    if out.last() != Some(&to) && out.len() < MAX_DATES {
        out.push(to);
    }
    out
}

/// Most view dates one history scores (each is a full evaluation).
pub(crate) const MAX_DATES: usize = 1000;

#[cfg(test)]
mod tests {
    use super::schedule;
    use crate::model::Date;

    #[test]
    fn a_schedule_is_month_ends_closed_by_the_last_date() {
        let d = |s| Date::parse(s).expect("date");
        let q: Vec<String> = schedule(d("2024-01-15"), d("2024-12-15"), 3).iter().map(|d| d.to_string()).collect();
        assert_eq!(q, ["2024-01-31", "2024-04-30", "2024-07-31", "2024-10-31", "2024-12-15"]);
        assert_eq!(schedule(d("2024-12-31"), d("2025-12-31"), 12).len(), 2);
    }
}
