//! Rankings as a table, CSV or JSON. Rows are formatted in parallel blocks and written in
//! order, so a million entities stream out quickly and byte-identically for any thread count.

use std::io::{self, Write};

use rayon::prelude::*;
use serde::Serialize;

use super::encode::csv::Csv;
use super::encode::table::{TableText, Widths};
use super::encode::{Column, Encoder, Value};
use crate::evaluate::{EntityScore, KindScores, ReasonScratch, Scores, Status, ledger, not_rated_by};
use crate::fmt::{fixed, json_number};
use crate::model::{Dataset, GateAction};
use crate::rank::{Ranking, percentile};

mod columnar;
mod gather;

use gather::Gathered;

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum RankFormat {
    Table,
    Json,
    Csv,
    /// Parquet, one row per entity (the CSV columns, typed).
    Parquet,
    /// The Arrow IPC file format (Feather v2).
    Arrow,
}

/// Rows formatted per parallel task, and tasks per block written at once.
const ROWS_PER_TASK: usize = 2048;
const TASKS_PER_BLOCK: usize = 32;

/// Room per CSV row, so a task's buffer is rarely regrown (a ranked row with four categories
/// takes about 170 bytes).
const CSV_ROW_BYTES: usize = 224;

/// One line of the output: a ranked entity (with its rank and whether it is a near-tie) or an
/// excluded or not rated one.
#[derive(Clone, Copy, Debug)]
struct Entry {
    rank: Option<u32>,
    row: usize,
    near_tie: bool,
}

fn rating<'k>(ks: &'k KindScores, res: &EntityScore) -> &'k str {
    res.rating.map_or("", |i| ks.plan.rules.ratings[i as usize].label.as_str())
}

/// The ids of the flag gates among `fired`.
fn flag_gates(ks: &KindScores, fired: u64) -> impl Iterator<Item = &str> {
    ks.plan
        .rules
        .gates
        .iter()
        .enumerate()
        .filter(move |(i, g)| fired & (1 << i) != 0 && g.action == GateAction::Flag)
        .map(|(_, g)| g.id.as_str())
}

/// The cap gate that lowered an entity's rating (the one whose cap it ends at), if any did
/// (`fired`: its fired gates).
fn capped_by<'k>(ks: &'k KindScores, res: &EntityScore, fired: u64) -> Option<&'k str> {
    let rules = &ks.plan.rules;
    let rating = res.rating? as usize;
    if rules.rating_of(res.total) == Some(rating) {
        return None;
    }
    rules
        .gates
        .iter()
        .enumerate()
        .filter(|(i, g)| fired & (1 << i) != 0 && g.action == GateAction::Cap(rating))
        .map(|(_, g)| g.id.as_str())
        .next()
}

/// The gate (or `no_data`) that keeps an entity out of the ranking, with its reason.
fn excluded_by<'k>(ks: &'k KindScores, res: &EntityScore) -> Option<(&'k str, &'k str)> {
    match res.status {
        Status::Excluded(g) => {
            let gate = &ks.plan.rules.gates[g as usize];
            Some((gate.id.as_str(), gate.reason.as_str()))
        }
        Status::NoData => Some(("no_data", "no factor has a value")),
        Status::NotRated(_) => Some(("not_rated", "not rated")),
        Status::Scored => None,
    }
}

/// What withheld an entity's rating and why, if it is not rated.
fn not_rated(ks: &KindScores, res: &EntityScore) -> Option<(String, String)> {
    match res.status {
        Status::NotRated(why) => Some(not_rated_by(&ks.plan.rules, why, res.coverage)),
        _ => None,
    }
}

/// Writes the ranking of one kind.
pub(crate) fn write_ranking(
    out: &mut (dyn Write + Send),
    format: RankFormat,
    ks: &KindScores,
    ranking: &Ranking,
    top: Option<usize>,
    scores: &Scores,
    dataset: &Dataset,
) -> io::Result<()> {
    let take = top.unwrap_or(usize::MAX);
    let ranked: Vec<Entry> = ranking
        .ranked
        .iter()
        .zip(&ranking.near_tie)
        .take(take)
        .map(|(r, &near_tie)| Entry { rank: Some(r.rank), row: r.row as usize, near_tie })
        .collect();
    let apart = |rows: &[u32]| -> Vec<Entry> {
        rows.iter().take(take).map(|&r| Entry { rank: None, row: r as usize, near_tie: false }).collect()
    };
    let (excluded, not_rated) = (apart(&ranking.excluded), apart(&ranking.not_rated));
    match format {
        RankFormat::Table => write_table(out, ks, ranking, &ranked, &[excluded, not_rated], dataset.as_of),
        RankFormat::Csv => write_csv(out, ks, &[ranked, excluded, not_rated].concat()),
        RankFormat::Parquet | RankFormat::Arrow => {
            columnar::write_columnar(out, format, ks, &[ranked, excluded, not_rated].concat(), &columns(ks))
        }
        RankFormat::Json => write_json(out, ks, ranking, &ranked, &[excluded, not_rated], scores, dataset),
    }
}

/// Formats `entries` in parallel tasks (each with its own scratch) and writes them in order,
/// each block of tasks while the next is formatted.
fn write_parallel<'a, F>(
    out: &mut (dyn Write + Send),
    ks: &'a KindScores,
    entries: &[Entry],
    format: F,
) -> io::Result<()>
where
    F: Fn(&mut ReasonScratch<'a>, usize, &[Entry]) -> io::Result<Vec<u8>> + Sync,
{
    let format_block = |b: usize, block: &[Entry]| -> io::Result<Vec<Vec<u8>>> {
        let base = b * ROWS_PER_TASK * TASKS_PER_BLOCK;
        block
            .par_chunks(ROWS_PER_TASK)
            .enumerate()
            .map_init(|| ReasonScratch::new(ks), |s, (t, part)| format(s, base + t * ROWS_PER_TASK, part))
            .collect()
    };
    let write = |out: &mut (dyn Write + Send), parts: &[Vec<u8>]| parts.iter().try_for_each(|p| out.write_all(p));
    let mut formatted: Vec<Vec<u8>> = Vec::new();
    for (b, block) in entries.chunks(ROWS_PER_TASK * TASKS_PER_BLOCK).enumerate() {
        let (written, next) = rayon::join(|| write(&mut *out, &formatted), || format_block(b, block));
        written?;
        formatted = next?;
    }
    write(out, &formatted)
}

/// One ranking row: an entity's place, score, rating, flags, reason codes and category scores.
struct RankRow<'a> {
    rank: Option<u32>,
    id: &'a str,
    name: &'a str,
    kind: &'static str,
    score: f64,
    rating: &'a str,
    /// For the table: the rating with the gate that capped it, `Neutral (capped: gate)`.
    rating_capped: Option<String>,
    firm: Option<bool>,
    bounds: crate::evaluate::Bounds,
    near_tie: bool,
    coverage: f64,
    status: &'static str,
    excluded_by: &'a str,
    flags: Vec<&'a str>,
    reasons: Vec<&'a str>,
    categories: Vec<Option<f64>>,
}

impl<'a> RankRow<'a> {
    /// A row to [`fill`](Self::fill): one per formatting task, its lists reused row after row.
    fn empty() -> RankRow<'a> {
        RankRow {
            rank: None,
            id: "",
            name: "",
            kind: "",
            score: 0.0,
            rating: "",
            rating_capped: None,
            firm: None,
            bounds: crate::evaluate::Bounds { lo: 0.0, hi: 0.0 },
            near_tie: false,
            coverage: 0.0,
            status: "",
            excluded_by: "",
            flags: Vec::new(),
            reasons: Vec::new(),
            categories: Vec::new(),
        }
    }

    /// Makes this the row of `e`, entry `i` of the gathered `g`.
    fn fill(&mut self, ks: &'a KindScores, g: &'a Gathered<'_>, i: usize, e: &Entry) {
        let res = &g.results[i];
        self.rank = e.rank;
        self.id = g.ids.get(i);
        self.name = g.names.get(i);
        self.kind = ks.kind().as_str();
        self.score = res.total;
        self.rating = rating(ks, res);
        self.rating_capped = capped_by(ks, res, g.fired(i)).map(|cap| format!("{} (capped: {cap})", rating(ks, res)));
        self.firm = res.rating.is_some().then_some(res.firm);
        self.bounds = res.bounds;
        self.near_tie = e.near_tie;
        self.coverage = res.coverage;
        self.status = res.status.word();
        self.excluded_by = excluded_by(ks, res).map_or("", |x| x.0);
        self.flags.clear();
        self.flags.extend(flag_gates(ks, g.fired(i)));
        self.reasons.clear();
        self.reasons.extend_from_slice(g.reasons(i));
        self.categories.clear();
        self.categories.extend((0..ks.plan.rules.categories.len()).map(|c| g.category(i, c)));
    }

    /// The row's values, in the order of [`columns`]; the table's rating names a cap.
    fn values(&self, table: bool) -> impl Iterator<Item = Value<'_>> {
        let rating = match (&self.rating_capped, table) {
            (Some(marked), true) => marked.as_str(),
            _ => self.rating,
        };
        let firm = match (self.firm, table) {
            (None, _) => "",
            (Some(true), true) => "firm",
            (Some(false), true) => "provisional",
            (Some(true), false) => "true",
            (Some(false), false) => "false",
        };
        let near_tie = match (self.near_tie, table) {
            (true, true) => "≈",
            (false, true) => "",
            (near, false) => {
                if near {
                    "true"
                } else {
                    "false"
                }
            }
        };
        let fixed = [
            Value::Rank(self.rank),
            Value::Text(self.id),
            Value::Text(self.name),
            Value::Text(self.kind),
            Value::Score(self.score),
            Value::Text(rating),
            Value::Text(firm),
            Value::Score(self.bounds.lo),
            Value::Score(self.bounds.hi),
            Value::Text(near_tie),
            Value::Share(self.coverage),
            Value::Text(self.status),
            Value::Text(self.excluded_by),
            Value::List(&self.flags),
            Value::List(&self.reasons),
        ];
        fixed.into_iter().chain(self.categories.iter().map(|c| Value::Number(*c)))
    }
}

/// The ranking's columns: names for CSV, titles for the table.
fn columns(ks: &KindScores) -> Vec<Column> {
    let col = Column::new;
    let mut v = vec![
        col("rank", Some("rank"), true),
        col("id", Some("id"), false),
        col("name", Some("name"), false),
        col("kind", None, false),
        col("score", Some("score"), true),
        col("rating", Some("rating"), false),
        col("firm", Some("firm"), false),
        col("lo", Some("low"), true),
        col("hi", Some("high"), true),
        col("near_tie", Some("≈"), false),
        col("coverage", Some("coverage"), true),
        col("status", None, false),
        col("excluded_by", None, false),
        col("flags", Some("flags"), false),
        col("reason_codes", Some("main reasons"), false),
    ];
    v.extend(ks.plan.rules.categories.iter().map(|c| col(&format!("score_{}", c.name), None, true)));
    v
}

fn write_csv(out: &mut (dyn Write + Send), ks: &KindScores, entries: &[Entry]) -> io::Result<()> {
    let columns = columns(ks);
    let mut head = Csv::new(256);
    head.header(&columns)?;
    out.write_all(&head.into_bytes()?)?;
    write_parallel(out, ks, entries, |_, _, part| {
        let mut enc = Csv::new(part.len() * CSV_ROW_BYTES);
        let g = Gathered::of(ks, part);
        let mut row = RankRow::empty();
        for (i, e) in part.iter().enumerate() {
            row.fill(ks, &g, i, e);
            enc.record(row.values(false));
        }
        enc.into_bytes()
    })
}

fn write_table(
    out: &mut (dyn Write + Send),
    ks: &KindScores,
    ranking: &Ranking,
    ranked: &[Entry],
    apart: &[Vec<Entry>; 2],
    as_of: Option<crate::model::Date>,
) -> io::Result<()> {
    let rules = &ks.plan.rules;
    let not_rated = match ranking.not_rated.len() {
        0 => String::new(),
        n => format!(", {n} not rated"),
    };
    writeln!(
        out,
        "{} ranking · rule set {} {}{}{} · {} ranked, {} excluded{not_rated}",
        ks.kind(),
        rules.name,
        rules.version,
        rules.profile.as_deref().map(|p| format!(" ({p})")).unwrap_or_default(),
        as_of.map(|d| format!(" · as of {d}")).unwrap_or_default(),
        ranking.ranked.len(),
        ranking.excluded.len()
    )?;
    let [excluded, not_rated] = apart;
    let columns = columns(ks);
    let widths = ranked
        .par_chunks(ROWS_PER_TASK)
        .map_init(
            || (),
            |_, part| {
                let g = Gathered::of(ks, part);
                let mut row = RankRow::empty();
                part.iter().enumerate().fold(Widths::of_header(&columns), |mut w, (i, e)| {
                    row.fill(ks, &g, i, e);
                    w.fit(&columns, &row.values(true).collect::<Vec<_>>());
                    w
                })
            },
        )
        .reduce(|| Widths::of_header(&columns), Widths::max);
    let mut head = TableText::new(&columns, &widths, 256);
    head.header(&columns)?;
    out.write_all(&head.into_bytes()?)?;
    write_parallel(out, ks, ranked, |_, _, part| {
        let mut enc = TableText::new(&columns, &widths, part.len() * 100);
        let g = Gathered::of(ks, part);
        let mut row = RankRow::empty();
        for (i, e) in part.iter().enumerate() {
            row.fill(ks, &g, i, e);
            enc.row(&row.values(true).collect::<Vec<_>>())?;
        }
        enc.into_bytes()
    })?;
    if !excluded.is_empty() {
        write_excluded_table(out, ks, excluded)?;
    }
    if !not_rated.is_empty() {
        write_not_rated_table(out, ks, not_rated)?;
    }
    Ok(())
}

/// The not rated, apart: their score (still computed), what withheld the rating and why.
fn write_not_rated_table(out: &mut dyn Write, ks: &KindScores, entries: &[Entry]) -> io::Result<()> {
    use comfy_table::{Cell, CellAlignment, Table, presets};
    writeln!(out, "\nnot rated")?;
    let mut t = Table::new();
    t.load_style(presets::NOTHING);
    t.set_header(["id", "name", "score", "by", "reason"]);
    for e in entries {
        let (by, reason) = not_rated(ks, &ks.results[e.row]).unwrap_or_default();
        t.add_row(vec![
            Cell::new(super::clip(ks.table.id(e.row))),
            Cell::new(super::clip(ks.table.name(e.row))),
            Cell::new(fixed(ks.results[e.row].total, 2)).set_alignment(CellAlignment::Right),
            Cell::new(by),
            Cell::new(super::clip(&reason)),
        ]);
    }
    write!(out, "{}", super::table_text(&t))
}

fn write_excluded_table(out: &mut dyn Write, ks: &KindScores, excluded: &[Entry]) -> io::Result<()> {
    use comfy_table::{Cell, CellAlignment, Table, presets};
    writeln!(out, "\nexcluded")?;
    let mut t = Table::new();
    t.load_style(presets::NOTHING);
    t.set_header(["id", "name", "score", "gate", "reason"]);
    for e in excluded {
        let (gate, reason) = excluded_by(ks, &ks.results[e.row]).unwrap_or(("", ""));
        t.add_row(vec![
            Cell::new(super::clip(ks.table.id(e.row))),
            Cell::new(super::clip(ks.table.name(e.row))),
            Cell::new(fixed(ks.results[e.row].total, 2)).set_alignment(CellAlignment::Right),
            Cell::new(gate),
            Cell::new(super::clip(reason)),
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
    not_rated_count: usize,
}

#[derive(Serialize)]
struct RankedJson<'a> {
    rank: Option<u32>,
    percentile: serde_json::Value,
    /// Whether the entity's bounds overlap a ranked neighbour's.
    near_tie: bool,
    #[serde(flatten)]
    ledger: &'a crate::evaluate::Ledger,
}

/// `{"kind":..., "rule_set":..., "ranked":[...], "excluded":[...]}`, one ledger per entity.
fn write_json(
    out: &mut (dyn Write + Send),
    ks: &KindScores,
    ranking: &Ranking,
    ranked: &[Entry],
    apart: &[Vec<Entry>; 2],
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
        not_rated_count: ranking.not_rated.len(),
    };
    let head = serde_json::to_string(&header)?;
    let n = ranking.ranked.len();
    write!(out, "{},\"ranked\":[", &head[..head.len() - 1])?;
    let entries = |out: &mut (dyn Write + Send), list: &[Entry]| {
        write_parallel(out, ks, list, |_, first, part| {
            let mut buf = Vec::with_capacity(part.len() * 2048);
            for (i, e) in part.iter().enumerate() {
                buf.extend_from_slice(if first + i == 0 { b"\n" } else { b",\n" });
                let l = ledger(ks, e.row, scores, dataset, false);
                let pct = e.rank.map_or(serde_json::Value::Null, |r| json_number(percentile(r, n)));
                let row = RankedJson { rank: e.rank, percentile: pct, near_tie: e.near_tie, ledger: &l };
                serde_json::to_writer(&mut buf, &row)?;
            }
            Ok(buf)
        })
    };
    entries(out, ranked)?;
    write!(out, "],\"excluded\":[")?;
    entries(out, &apart[0])?;
    write!(out, "],\"not_rated\":[")?;
    entries(out, &apart[1])?;
    writeln!(out, "]}}")
}
