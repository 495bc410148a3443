//! `thesis history` as a table (each entity's standing per date, then each rating change with
//! its causes and the outlook), JSON (the whole history) and the long form (one row per entity
//! and date) as CSV, Parquet or Arrow IPC.

use std::io::{self, Write};

use super::encode::batch_file::{BatchFile, BatchFormat};
use super::encode::csv::Csv;
use super::encode::{Column, Encoder, Value};
use crate::fmt::fixed;
use crate::history::{Change, EntityHistory, History};

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum HistoryFormat {
    Table,
    Json,
    /// One line per entity and date: id, name, date, score, rank, rating, status.
    Csv,
    /// The CSV's rows in Parquet, typed (rank UInt32, score Float64, text Utf8).
    Parquet,
    /// The CSV's rows in the Arrow IPC file format (Feather v2).
    Arrow,
}

pub(crate) fn write_history(out: &mut dyn Write, h: &History, format: HistoryFormat) -> io::Result<()> {
    match format {
        HistoryFormat::Json => {
            serde_json::to_writer_pretty(&mut *out, h)?;
            writeln!(out)
        }
        HistoryFormat::Csv => out.write_all(&rows(Csv::new(64 * h.entities.len() * h.dates.len().max(1)), h)?),
        HistoryFormat::Parquet => out.write_all(&rows(BatchFile::new(BatchFormat::Parquet, points(h)), h)?),
        HistoryFormat::Arrow => out.write_all(&rows(BatchFile::new(BatchFormat::Arrow, points(h)), h)?),
        HistoryFormat::Table => write_table(out, h),
    }
}

/// How many rows the long form has: one per entity and date.
fn points(h: &History) -> usize {
    h.entities.iter().map(|e| e.points.len()).sum()
}

/// The long form, one row per entity and date, in any row encoder.
fn rows(mut enc: impl Encoder, h: &History) -> io::Result<Vec<u8>> {
    let columns = ["id", "name", "date", "score", "rank", "rating", "status"].map(|n| Column::new(n, None, false));
    enc.header(&columns)?;
    for e in &h.entities {
        for p in &e.points {
            let date = p.date.to_string();
            let s = &p.standing;
            enc.row(&[
                Value::Text(&e.id),
                Value::Text(&e.name),
                Value::Text(&date),
                Value::Number(s.score),
                Value::Rank(s.rank),
                Value::Text(s.rating.as_deref().unwrap_or("")),
                Value::Text(s.status),
            ])?;
        }
    }
    enc.into_bytes()
}

fn write_table(out: &mut dyn Write, h: &History) -> io::Result<()> {
    let dates: Vec<String> = h.dates.iter().map(|d| d.to_string()).collect();
    writeln!(out, "{} history · rule set {} {} · as of {}", h.kind, h.rule_set, h.version, dates.join(", "))?;
    let cell = |e: &EntityHistory, i: usize| {
        let s = &e.points[i].standing;
        match (s.score, &s.rating, s.rank) {
            (Some(x), Some(r), Some(k)) => format!("{} {r} #{k}", fixed(x, 2)),
            (Some(x), Some(r), None) => format!("{} {r}", fixed(x, 2)),
            (Some(x), None, _) => format!("{} ({})", fixed(x, 2), s.status),
            (None, ..) => s.status.replace('_', " "),
        }
    };
    let id_w = h.entities.iter().map(|e| e.id.chars().count()).max().unwrap_or(2).max(2);
    let widths: Vec<usize> = (0..h.dates.len())
        .map(|i| h.entities.iter().map(|e| cell(e, i).chars().count()).max().unwrap_or(0).max(dates[i].len()))
        .collect();
    write!(out, " {:id_w$}", "id")?;
    for (d, w) in dates.iter().zip(&widths) {
        write!(out, "  {d:w$}")?;
    }
    writeln!(out)?;
    for e in &h.entities {
        write!(out, " {:id_w$}", e.id)?;
        for (i, w) in widths.iter().enumerate() {
            write!(out, "  {:w$}", cell(e, i))?;
        }
        writeln!(out)?;
    }
    let changes: Vec<(&EntityHistory, &Change)> =
        h.entities.iter().flat_map(|e| e.changes.iter().map(move |c| (e, c))).collect();
    writeln!(out, "\nrating changes ({})", changes.len())?;
    for (e, c) in changes {
        write_change(out, e, c)?;
    }
    writeln!(out, "\noutlook at {}", dates.last().map_or("", String::as_str))?;
    for e in &h.entities {
        writeln!(out, " {:id_w$}  {}", e.id, outlook_text(&e.outlook))?;
    }
    Ok(())
}

/// `outlook: improving (+3.20 since 2024-12-31) · watch: ...`, as the ledger prints it.
pub(crate) fn outlook_line(o: &crate::history::Outlook) -> String {
    format!(
        "outlook: {} (improving or deteriorating at ±2.5 points over the year to the view date; watch when facts scheduled after it change the rating)",
        outlook_text(o)
    )
}

fn outlook_text(o: &crate::history::Outlook) -> String {
    {
        let moved = match (o.points, o.since) {
            (Some(p), Some(d)) => format!(" ({}{} since {d})", if p >= 0.0 { "+" } else { "" }, fixed(p, 2)),
            _ => String::new(),
        };
        let watch = match (&o.watch_rating, o.watch) {
            (Some(r), true) => {
                let facts: Vec<String> = o
                    .scheduled
                    .iter()
                    .map(|s| {
                        format!(
                            "{} = {} from {}",
                            s.attribute,
                            s.value,
                            s.from.map(|d| d.to_string()).unwrap_or_default()
                        )
                    })
                    .collect();
                format!(" · watch: {r} once {}", facts.join(", "))
            }
            _ => String::new(),
        };
        format!("{}{moved}{watch}", o.direction)
    }
}

fn write_change(out: &mut dyn Write, e: &EntityHistory, c: &Change) -> io::Result<()> {
    let rating = |s: &Option<crate::diff::Standing>| s.as_ref().and_then(|s| s.rating.clone()).unwrap_or("—".into());
    let delta = c.change.score_delta.map(|d| format!(" ({}{})", if d >= 0.0 { "+" } else { "" }, fixed(d, 2)));
    writeln!(
        out,
        " {} {} → {}: {} → {}{}",
        e.id,
        c.from,
        c.to,
        rating(&c.change.base),
        rating(&c.change.head),
        delta.unwrap_or_default()
    )?;
    for f in &c.change.facts {
        writeln!(out, "    fact {}", super::diff::fact_line(f))?;
    }
    for d in &c.change.drivers {
        writeln!(
            out,
            "    factor {}: {}{} points",
            d.factor,
            if d.delta >= 0.0 { "+" } else { "" },
            fixed(d.delta, 2)
        )?;
    }
    Ok(())
}
