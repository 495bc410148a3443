//! Catalysts for the memo's front page (memo stage): dated events in the twelve months after
//! the view date that the data already knows of — an observation published by the view date
//! about a period that begins within the next twelve months (a results date, a listing, a
//! regulatory deadline; the `catalysts` attribute holds such events as text).

use serde::Serialize;

use crate::model::series::{period, published};
use crate::model::{Date, EntityTable, KindSchema, Provenance, Row, Sources};

/// One dated event ahead.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct Catalyst {
    pub date: String,
    /// The event in words: the `catalysts` text, or `attribute: value` for another fact.
    pub event: String,
    /// When it was announced.
    pub announced: Option<String>,
    /// The first cited source's title and address, or the inline `source:` text.
    pub source: Option<String>,
    pub url: Option<String>,
}

/// Months ahead of the view date a catalyst may fall.
const HORIZON_MONTHS: i64 = 12;

/// The events of `row` known at the table's view date and due within the horizon, soonest first.
pub(super) fn catalysts(table: &EntityTable, row: usize, schema: &KindSchema, sources: &Sources) -> Vec<Catalyst> {
    let Some(view) = table.view else { return Vec::new() };
    let until = view.month_end_after(HORIZON_MONTHS);
    let ahead =
        |p: &Provenance| published(p).is_none_or(|d| d <= view) && period(p).is_some_and(|d| d > view && d <= until);
    let mut out: Vec<(Date, Catalyst)> = Vec::new();
    let mut keys: Vec<&(Row, u32)> = table.series.keys().filter(|(r, _)| *r as usize == row).collect();
    keys.sort_unstable();
    for key in keys {
        let name = &schema.decl(key.1).name;
        for o in table.series[key].iter().filter(|o| ahead(&o.prov)) {
            let value = o.cell.display();
            let event = if name == "catalysts" { value } else { format!("{}: {value}", name.replace('_', " ")) };
            out.extend(period(&o.prov).map(|d| (d, catalyst(d, event, &o.prov, sources))));
        }
    }
    out.sort_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.event.cmp(&b.1.event)));
    out.into_iter().map(|(_, c)| c).collect()
}

fn catalyst(date: Date, event: String, p: &Provenance, sources: &Sources) -> Catalyst {
    let entry = p.cite.first().and_then(|id| sources.get(id));
    Catalyst {
        date: date.to_string(),
        event,
        announced: published(p).map(|d| d.to_string()),
        source: entry.map(|e| e.title.clone()).or_else(|| p.source.clone()),
        url: entry.map(|e| e.url.clone()),
    }
}
