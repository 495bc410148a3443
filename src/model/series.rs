//! Facts with history: an attribute's dated observations and their resolution at a view date
//! (what was known on D, with no look-ahead). Read by the dataset check, `history` and the ledger.
//!
//! Each observation has two dates: `period`, what the value describes (a fiscal period end, an
//! event date), and `published`, when it became public. A missing `published` is the period
//! (the fact was public as soon as it happened); a missing `period` is the publication date;
//! with neither the fact is timeless: always known, and older than any dated observation.
//!
//! At a view date D an observation is *known* if it was published on or before D, and *in
//! effect* if its period has begun by D too (a known fact about a later period — a listing
//! date, a regulatory deadline — is *scheduled*). Of the observations known and in effect,
//! the latest period wins; for the same period, the latest publication (a restatement).

use std::sync::Arc;

use serde::Serialize;

use super::{Column, Date};

/// Where a fact comes from.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize)]
pub struct Provenance {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// Ids of registry sources (`cite:`), checked to exist.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub cite: Vec<String>,
    /// What the value describes: a fiscal period end, an event date (`as_of:` is an alias).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub period: Option<Date>,
    /// When the value became public.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub published: Option<Date>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub grade: Option<String>,
    /// An analyst's judgment rather than a sourced fact: the rationale.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub judgment: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

impl Provenance {
    pub fn is_empty(&self) -> bool {
        *self == Provenance::default()
    }

    /// Whether the value says what it rests on: a source (`source:` or `cite:`) or an
    /// analyst's judgment with its rationale. A value without either is a bare, unsourced value.
    pub fn is_backed(&self) -> bool {
        self.source.is_some() || !self.cite.is_empty() || self.judgment.is_some()
    }

    /// Not yet published, or about a period not yet begun, at the view date: what `--as-of`
    /// withholds. Undated facts are never withheld (dates compare as [`Date`] orders them: a
    /// month or year is its first day). See [`super::series`].
    pub fn is_after(&self, cutoff: Date) -> bool {
        super::series::is_after(self, cutoff)
    }

    /// The date the value describes, for ledgers: its period, else its publication.
    pub fn dated(&self) -> Option<Date> {
        super::series::period(self)
    }
}

/// A value converted to its declared type.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Cell {
    Missing,
    Number(f64),
    Bool(bool),
    Text(Arc<str>),
    Date(Date),
    List(Arc<[Arc<str>]>),
}

impl Cell {
    /// Writes the value into `row` of a column of its type.
    pub(crate) fn store(self, column: &mut Column, row: usize) {
        match (column, self) {
            (Column::Number(v), Cell::Number(x)) => v[row] = x,
            (Column::Bool(v), Cell::Bool(b)) => v[row] = Some(b),
            (Column::Text(v), Cell::Text(s)) => v[row] = Some(s),
            (Column::Date(v), Cell::Date(d)) => v[row] = Some(d),
            (Column::List(v), Cell::List(l)) => v[row] = Some(l),
            (column, _) => column.clear(row),
        }
    }

    /// The value as ledgers and memos print it.
    pub(crate) fn display(&self) -> String {
        match self {
            Cell::Missing => "missing".into(),
            Cell::Number(x) => crate::fmt::number(*x),
            Cell::Bool(b) => b.to_string(),
            Cell::Text(s) => s.to_string(),
            Cell::Date(d) => d.to_string(),
            Cell::List(l) => l.join(", "),
        }
    }
}

/// One dated value of an attribute, with its provenance (which carries the two dates).
#[derive(Clone, Debug)]
pub(crate) struct Observation {
    pub cell: Cell,
    pub prov: Arc<Provenance>,
}

/// What resolution at a view date chose among an attribute's observations (indices into them).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Resolution {
    /// The observation in effect, if any.
    pub used: Option<usize>,
    /// Earlier publications of the used observation's period (restated), latest first.
    pub superseded: Vec<usize>,
    /// Observations published after the view date, latest period first.
    pub withheld: Vec<usize>,
    /// Observations known at the view date about a period that has not begun, earliest first.
    pub scheduled: Vec<usize>,
}

/// The date an observation became public (its period if not given); `None`: timeless.
pub(crate) fn published(p: &Provenance) -> Option<Date> {
    p.published.or(p.period)
}

/// The date an observation describes (its publication if not given); `None`: timeless.
pub(crate) fn period(p: &Provenance) -> Option<Date> {
    p.period.or(p.published)
}

/// Whether an observation is withheld at `view`: not yet published, or about a later period.
pub(crate) fn is_after(p: &Provenance, view: Date) -> bool {
    published(p).is_some_and(|d| d > view) || period(p).is_some_and(|d| d > view)
}

/// Resolves observations at `view` (`None`: everything known). O(observations).
#[cfg(test)]
pub(crate) fn resolve<'a>(obs: impl IntoIterator<Item = &'a Provenance>, view: Option<Date>) -> Resolution {
    resolve_with(obs, view, view)
}

/// Resolves observations known by `known_by`, in effect if their period begins by `begun_by`
/// (`None`: no limit; the projection of a watch puts every scheduled fact known in effect).
pub(crate) fn resolve_with<'a>(
    obs: impl IntoIterator<Item = &'a Provenance>,
    known_by: Option<Date>,
    begun_by: Option<Date>,
) -> Resolution {
    let mut r = Resolution::default();
    let obs: Vec<&Provenance> = obs.into_iter().collect();
    let key = |i: usize| (period(obs[i]), published(obs[i]), i);
    for (i, p) in obs.iter().enumerate() {
        let known = known_by.is_none_or(|v| published(p).is_none_or(|d| d <= v));
        let begun = begun_by.is_none_or(|v| period(p).is_none_or(|d| d <= v));
        match (known, begun) {
            (false, _) => r.withheld.push(i),
            (true, false) => r.scheduled.push(i),
            (true, true) if r.used.is_none_or(|u| key(i) > key(u)) => r.used = Some(i),
            (true, true) => {}
        }
    }
    if let Some(u) = r.used {
        r.superseded = (0..obs.len())
            .filter(|&i| i != u && period(obs[i]) == period(obs[u]) && !r.withheld.contains(&i))
            .filter(|&i| !r.scheduled.contains(&i))
            .collect();
        r.superseded.sort_by_key(|&i| std::cmp::Reverse(key(i)));
    }
    r.withheld.sort_by_key(|&i| std::cmp::Reverse(key(i)));
    r.scheduled.sort_by_key(|&i| key(i));
    r
}

/// The latest date any observation became public: the view date of "everything known". A fact
/// published earlier about a later period (a listing date, a deadline announced in advance) does
/// not move it into the future: at that view it is scheduled, and the outlook's watch reads it.
pub(crate) fn latest_publication<'a>(obs: impl IntoIterator<Item = &'a Provenance>) -> Option<Date> {
    obs.into_iter().filter_map(published).max().map(Date::first_day)
}

#[cfg(test)]
mod tests {
    use super::{Resolution, latest_publication, resolve};
    use crate::model::{Date, Provenance};

    fn obs(period: Option<&str>, published: Option<&str>) -> Provenance {
        let d = |s: Option<&str>| s.map(|s| Date::parse(s).expect("date"));
        Provenance { period: d(period), published: d(published), ..Provenance::default() }
    }

    fn at(s: &str) -> Option<Date> {
        Date::parse(s)
    }

    #[test]
    fn the_freshest_period_known_wins_over_a_late_publication_of_an_older_one() {
        // The classic look-ahead bug: Q4 filed late (with the annual report) after Q1 was out.
        let o = [obs(Some("2024-12-31"), Some("2025-04-30")), obs(Some("2025-03-31"), Some("2025-04-20"))];
        let r = resolve(&o, at("2025-05-01"));
        assert_eq!(r.used, Some(1), "the fresher period, not the latest announcement");
        assert_eq!(resolve(&o, at("2025-04-25")).used, Some(1));
        let r = resolve(&o, at("2025-04-10"));
        assert_eq!((r.used, r.withheld), (None, vec![1, 0]), "freshest withheld first");
    }

    #[test]
    fn a_restatement_replaces_the_figure_of_its_period_once_published() {
        let o = [obs(Some("2024-12-31"), Some("2025-02-01")), obs(Some("2024-12-31"), Some("2025-03-14"))];
        assert_eq!(
            resolve(&o, at("2025-03-01")),
            Resolution { used: Some(0), withheld: vec![1], ..Default::default() }
        );
        assert_eq!(
            resolve(&o, at("2025-03-14")),
            Resolution { used: Some(1), superseded: vec![0], ..Default::default() }
        );
    }

    #[test]
    fn missing_dates_default_to_each_other_and_timeless_facts_lose_to_dated_ones() {
        let period_only = obs(Some("2025-06-30"), None);
        let published_only = obs(None, Some("2025-07-15"));
        let timeless = obs(None, None);
        let o = [timeless.clone(), period_only, published_only];
        assert_eq!(resolve(&o, at("2025-01-01")).used, Some(0), "timeless: always known");
        assert_eq!(resolve(&o, at("2025-06-30")).used, Some(1), "period only: published on its period");
        assert_eq!(resolve(&o, at("2025-07-14")).withheld, vec![2]);
        assert_eq!(resolve(&o, at("2025-07-15")).used, Some(2), "published only: describes its publication");
        assert_eq!(resolve([&timeless], None).used, Some(0));
    }

    #[test]
    fn ties_go_to_the_later_written_and_scheduled_facts_wait_for_their_period() {
        let o = [obs(Some("2025-06-30"), Some("2025-07-01")), obs(Some("2025-06-30"), Some("2025-07-01"))];
        assert_eq!(resolve(&o, at("2025-12-31")).used, Some(1));
        let listing = [obs(Some("2024-01-01"), None), obs(Some("2026-01-08"), Some("2025-12-01"))];
        let r = resolve(&listing, at("2025-12-31"));
        assert_eq!((r.used, r.scheduled.clone()), (Some(0), vec![1]));
        assert_eq!(resolve(&listing, at("2026-01-08")).used, Some(1));
    }

    #[test]
    fn a_month_counts_from_its_first_day() {
        let o = [obs(Some("2025-06"), None)];
        assert_eq!(resolve(&o, at("2025-06-01")).used, Some(0));
        assert_eq!(resolve(&o, at("2025-05-31")).used, None);
        assert_eq!(latest_publication(&o), at("2025-06-01"));
    }

    #[test]
    fn a_deadline_announced_in_advance_does_not_move_the_view_date_into_the_future() {
        let o = [obs(Some("2025-03-31"), Some("2025-04-20")), obs(Some("2027-08-02"), Some("2025-07-10"))];
        assert_eq!(latest_publication(&o), at("2025-07-10"));
    }
}

#[cfg(test)]
mod properties {
    use proptest::prelude::*;

    use super::{published, resolve};
    use crate::model::{Date, Provenance};

    fn day(n: u16) -> Date {
        Date::parse(&format!("2024-{:02}-{:02}", 1 + n / 28 % 12, 1 + n % 28)).expect("day")
    }

    fn observation() -> impl Strategy<Value = Provenance> {
        (proptest::option::of(0u16..336), proptest::option::of(0u16..336)).prop_map(|(p, q)| Provenance {
            period: p.map(day),
            published: q.map(day),
            ..Provenance::default()
        })
    }

    proptest! {
        /// For any D1 < D2: the D1 view never uses an observation published after D1, and adding
        /// observations published after D1 never changes what the D1 view uses.
        #[test]
        fn a_view_never_uses_what_was_published_after_it(
            known in proptest::collection::vec(observation(), 0..8),
            later in proptest::collection::vec(observation(), 0..8),
            d1 in 0u16..336,
            gap in 1u16..100,
        ) {
            let (v1, v2) = (day(d1), day((d1 + gap).min(335)));
            let all: Vec<Provenance> = known.iter().chain(&later).cloned().collect();
            let r = resolve(&all, Some(v1));
            if let Some(u) = r.used {
                prop_assert!(published(&all[u]).is_none_or(|p| p <= v1));
            }
            let only_known: Vec<Provenance> =
                all.iter().filter(|p| published(p).is_none_or(|d| d <= v1)).cloned().collect();
            let used = |obs: &[Provenance], v| resolve(obs, Some(v)).used.map(|i| obs[i].clone());
            prop_assert_eq!(used(&all, v1), used(&only_known, v1));
            if v2 > v1 && let Some(u) = resolve(&all, Some(v2)).used {
                prop_assert!(published(&all[u]).is_none_or(|p| p <= v2));
            }
        }
    }
}
