//! Rankings as a table, CSV or JSON. Rows are formatted in parallel blocks and written in
//! order, so a million entities stream out quickly and byte-identically for any thread count.

use std::io::{self, Write};

use rayon::prelude::*;
use serde::Serialize;

use crate::evaluate::{KindScores, ReasonScratch, RowSummary, Scores, Status, ledger};
use crate::fmt::{fixed, json_number, percent};
use crate::model::{Dataset, GateAction};
use crate::rank::{Ranking, percentile};
use crate::render::clip;

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum RankFormat {
    Table,
    Json,
    Csv,
}

/// Rows formatted per parallel task, and tasks per block written at once.
const ROWS_PER_TASK: usize = 2048;
const TASKS_PER_BLOCK: usize = 32;

/// One line of the output: a ranked entity (with its rank) or an excluded one.
#[derive(Clone, Copy, Debug)]
struct Entry {
    rank: Option<u32>,
    row: usize,
}

fn rating(ks: &KindScores, row: usize) -> &str {
    ks.results[row].rating.map_or("", |i| ks.plan.rules.ratings[i as usize].label.as_str())
}

fn flags(ks: &KindScores, row: usize) -> Vec<&str> {
    let fired = ks.results[row].gates_fired;
    ks.plan
        .rules
        .gates
        .iter()
        .enumerate()
        .filter(|(i, g)| fired & (1 << i) != 0 && g.action == GateAction::Flag)
        .map(|(_, g)| g.id.as_str())
        .collect()
}

/// The cap gate that lowered an entity's rating (the one whose cap it ends at), if any did.
fn capped_by(ks: &KindScores, row: usize) -> Option<&str> {
    let res = &ks.results[row];
    let rules = &ks.plan.rules;
    let rating = res.rating? as usize;
    if rules.rating_of(res.total) == Some(rating) {
        return None;
    }
    rules
        .gates
        .iter()
        .enumerate()
        .filter(|(i, g)| res.gates_fired & (1 << i) != 0 && g.action == GateAction::Cap(rating))
        .map(|(_, g)| g.id.as_str())
        .next()
}

/// The gate (or `no_data`) that keeps an entity out of the ranking, with its reason.
fn excluded_by(ks: &KindScores, row: usize) -> Option<(&str, &str)> {
    match ks.results[row].status {
        Status::Excluded(g) => {
            let gate = &ks.plan.rules.gates[g as usize];
            Some((gate.id.as_str(), gate.reason.as_str()))
        }
        Status::NoData => Some(("no_data", "no factor has a value")),
        Status::Scored => None,
    }
}

/// Shortest round-trip text of a number, into a stack buffer (`-0` as `0`, no `.0`).
fn num(buf: &mut ryu::Buffer, x: f64) -> &str {
    if x == 0.0 || !x.is_finite() {
        return "0";
    }
    let s = buf.format_finite(x);
    s.strip_suffix(".0").unwrap_or(s)
}

/// Writes the ranking of one kind.
pub fn write_ranking(
    out: &mut dyn Write,
    format: RankFormat,
    ks: &KindScores,
    ranking: &Ranking,
    top: Option<usize>,
    scores: &Scores,
    dataset: &Dataset,
) -> io::Result<()> {
    let take = top.unwrap_or(usize::MAX);
    let ranked: Vec<Entry> =
        ranking.ranked.iter().take(take).map(|r| Entry { rank: Some(r.rank), row: r.row as usize }).collect();
    let excluded: Vec<Entry> =
        ranking.excluded.iter().take(take).map(|&r| Entry { rank: None, row: r as usize }).collect();
    match format {
        RankFormat::Table => write_table(out, ks, ranking, &ranked, &excluded, dataset.as_of),
        RankFormat::Csv => write_csv(out, ks, &[ranked, excluded].concat()),
        RankFormat::Json => write_json(out, ks, ranking, &ranked, &excluded, scores, dataset),
    }
}

/// Formats `entries` in parallel tasks (each with its own scratch) and writes them in order.
fn write_parallel<'a, F>(out: &mut dyn Write, ks: &'a KindScores, entries: &[Entry], format: F) -> io::Result<()>
where
    F: Fn(&mut ReasonScratch<'a>, usize, &[Entry]) -> io::Result<Vec<u8>> + Sync,
{
    for (b, block) in entries.chunks(ROWS_PER_TASK * TASKS_PER_BLOCK).enumerate() {
        let base = b * ROWS_PER_TASK * TASKS_PER_BLOCK;
        let parts: Vec<io::Result<Vec<u8>>> = block
            .par_chunks(ROWS_PER_TASK)
            .enumerate()
            .map_init(|| ReasonScratch::new(ks), |s, (t, part)| format(s, base + t * ROWS_PER_TASK, part))
            .collect();
        for part in parts {
            out.write_all(&part?)?;
        }
    }
    Ok(())
}

fn write_csv(out: &mut dyn Write, ks: &KindScores, entries: &[Entry]) -> io::Result<()> {
    let rules = &ks.plan.rules;
    let mut header: Vec<String> =
        ["rank", "id", "name", "kind", "score", "rating", "coverage", "status", "excluded_by", "flags", "reason_codes"]
            .map(String::from)
            .to_vec();
    header.extend(rules.categories.iter().map(|c| format!("score_{}", c.name)));
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(&header)?;
    out.write_all(&w.into_inner().map_err(|e| e.into_error())?)?;
    write_parallel(out, ks, entries, |scratch, _, part| {
        let mut w = csv::Writer::from_writer(Vec::with_capacity(part.len() * 160));
        for e in part {
            csv_row(&mut w, ks, scratch, e)?;
        }
        w.into_inner().map_err(|e| e.into_error())
    })
}

fn csv_row(
    w: &mut csv::Writer<Vec<u8>>,
    ks: &KindScores,
    scratch: &mut ReasonScratch<'_>,
    e: &Entry,
) -> io::Result<()> {
    let res = &ks.results[e.row];
    let summary = scratch.summarize(e.row);
    let mut buf = ryu::Buffer::new();
    let mut ints = itoa::Buffer::new();
    w.write_field(e.rank.map_or("", |r| ints.format(r)))?;
    w.write_field(ks.table.id(e.row))?;
    w.write_field(ks.table.name(e.row))?;
    w.write_field(ks.kind().as_str())?;
    w.write_field(num(&mut buf, res.total))?;
    w.write_field(rating(ks, e.row))?;
    w.write_field(num(&mut buf, res.coverage))?;
    w.write_field(res.status.word())?;
    w.write_field(excluded_by(ks, e.row).map_or("", |x| x.0))?;
    w.write_field(flags(ks, e.row).join(";"))?;
    w.write_field(summary.reasons.join(";"))?;
    for c in &summary.categories {
        w.write_field(c.map_or("", |x| num(&mut buf, x)))?;
    }
    w.write_record(None::<&[u8]>)?;
    Ok(())
}

/// The cells of one table row.
fn table_cells(ks: &KindScores, e: &Entry, summary: &RowSummary<'_>) -> [String; 8] {
    let res = &ks.results[e.row];
    [
        e.rank.map(|r| r.to_string()).unwrap_or_default(),
        clip(ks.table.id(e.row)).into_owned(),
        clip(ks.table.name(e.row)).into_owned(),
        fixed(res.total, 2),
        match capped_by(ks, e.row) {
            Some(gate) => format!("{} (capped: {gate})", rating(ks, e.row)),
            None => rating(ks, e.row).to_string(),
        },
        percent(res.coverage),
        clip(&flags(ks, e.row).join(", ")).into_owned(),
        clip(&summary.reasons.join(", ")).into_owned(),
    ]
}

const TABLE_HEADER: [&str; 8] = ["rank", "id", "name", "score", "rating", "coverage", "flags", "main reasons"];
const RIGHT_ALIGNED: [bool; 8] = [true, false, false, true, false, true, false, false];

fn write_table(
    out: &mut dyn Write,
    ks: &KindScores,
    ranking: &Ranking,
    ranked: &[Entry],
    excluded: &[Entry],
    as_of: Option<crate::model::Date>,
) -> io::Result<()> {
    let rules = &ks.plan.rules;
    writeln!(
        out,
        "{} ranking · rule set {} {}{}{} · {} ranked, {} excluded",
        ks.kind(),
        rules.name,
        rules.version,
        rules.profile.as_deref().map(|p| format!(" ({p})")).unwrap_or_default(),
        as_of.map(|d| format!(" · as of {d}")).unwrap_or_default(),
        ranking.ranked.len(),
        ranking.excluded.len()
    )?;
    let widths = ranked
        .par_chunks(ROWS_PER_TASK)
        .map_init(
            || ReasonScratch::new(ks),
            |s, part| {
                part.iter().fold(TABLE_HEADER.map(|h| h.chars().count()), |mut w, e| {
                    let summary = s.summarize(e.row);
                    for (wi, cell) in w.iter_mut().zip(table_cells(ks, e, &summary)) {
                        *wi = (*wi).max(cell.chars().count());
                    }
                    w
                })
            },
        )
        .reduce(|| TABLE_HEADER.map(|h| h.chars().count()), |a, b| std::array::from_fn(|i| a[i].max(b[i])));
    out.write_all(table_line(&TABLE_HEADER.map(String::from), &widths).as_bytes())?;
    write_parallel(out, ks, ranked, |s, _, part| {
        let mut text = String::with_capacity(part.len() * 100);
        for e in part {
            let summary = s.summarize(e.row);
            text.push_str(&table_line(&table_cells(ks, e, &summary), &widths));
        }
        Ok(text.into_bytes())
    })?;
    if !excluded.is_empty() {
        write_excluded_table(out, ks, excluded)?;
    }
    Ok(())
}

/// One aligned line: columns separated by two spaces, no trailing spaces.
fn table_line(cells: &[String; 8], widths: &[usize; 8]) -> String {
    let mut line = String::new();
    for (i, cell) in cells.iter().enumerate() {
        let pad = widths[i].saturating_sub(cell.chars().count());
        line.push(' ');
        if RIGHT_ALIGNED[i] {
            line.extend(std::iter::repeat_n(' ', pad));
            line.push_str(cell);
        } else {
            line.push_str(cell);
            line.extend(std::iter::repeat_n(' ', pad));
        }
        line.push(' ');
    }
    let mut line = line.trim_end().to_string();
    line.push('\n');
    line
}

fn write_excluded_table(out: &mut dyn Write, ks: &KindScores, excluded: &[Entry]) -> io::Result<()> {
    use comfy_table::{Cell, CellAlignment, Table, presets};
    writeln!(out, "\nexcluded")?;
    let mut t = Table::new();
    t.load_style(presets::NOTHING);
    t.set_header(["id", "name", "score", "gate", "reason"]);
    for e in excluded {
        let (gate, reason) = excluded_by(ks, e.row).unwrap_or(("", ""));
        t.add_row(vec![
            Cell::new(clip(ks.table.id(e.row))),
            Cell::new(clip(ks.table.name(e.row))),
            Cell::new(fixed(ks.results[e.row].total, 2)).set_alignment(CellAlignment::Right),
            Cell::new(gate),
            Cell::new(clip(reason)),
        ]);
    }
    write!(out, "{}", super::table_text(&t))
}

#[derive(Serialize)]
struct JsonHeader {
    kind: String,
    rule_set: crate::evaluate::ledger::RuleSetRef,
    as_of: Option<String>,
    ranked_count: usize,
    excluded_count: usize,
}

#[derive(Serialize)]
struct RankedJson<'a> {
    rank: Option<u32>,
    percentile: serde_json::Value,
    #[serde(flatten)]
    ledger: &'a crate::evaluate::Ledger,
}

/// `{"kind":..., "rule_set":..., "ranked":[...], "excluded":[...]}`, one ledger per entity.
fn write_json(
    out: &mut dyn Write,
    ks: &KindScores,
    ranking: &Ranking,
    ranked: &[Entry],
    excluded: &[Entry],
    scores: &Scores,
    dataset: &Dataset,
) -> io::Result<()> {
    let rules = &ks.plan.rules;
    let header = JsonHeader {
        kind: ks.kind().to_string(),
        rule_set: crate::evaluate::ledger::RuleSetRef {
            name: rules.name.clone(),
            version: rules.version.clone(),
            profile: rules.profile.clone(),
        },
        as_of: dataset.as_of.map(|d| d.to_string()),
        ranked_count: ranking.ranked.len(),
        excluded_count: ranking.excluded.len(),
    };
    let head = serde_json::to_string(&header)?;
    let n = ranking.ranked.len();
    write!(out, "{},\"ranked\":[", &head[..head.len() - 1])?;
    let entries = |out: &mut dyn Write, list: &[Entry]| {
        write_parallel(out, ks, list, |_, first, part| {
            let mut buf = Vec::with_capacity(part.len() * 2048);
            for (i, e) in part.iter().enumerate() {
                buf.extend_from_slice(if first + i == 0 { b"\n" } else { b",\n" });
                let l = ledger(ks, e.row, scores, dataset, false);
                let pct = e.rank.map_or(serde_json::Value::Null, |r| json_number(percentile(r, n)));
                serde_json::to_writer(&mut buf, &RankedJson { rank: e.rank, percentile: pct, ledger: &l })?;
            }
            Ok(buf)
        })
    };
    entries(out, ranked)?;
    write!(out, "],\"excluded\":[")?;
    entries(out, excluded)?;
    writeln!(out, "]}}")
}
