//! Rule-version diffs as a table (terminal), Markdown (to paste into a review) and JSON.

use std::io::{self, Write};

use super::encode::csv::Csv;
use super::encode::markdown::Markdown;
use super::encode::table::text_table;
use super::encode::{Column, Encoder, Value};
use crate::diff::rules::RuleChange;
use crate::diff::{Driver, EntityChange, FactChange, KindDiff, RatingChange, Standing};
use crate::fmt::fixed;

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum DiffFormat {
    Table,
    Markdown,
    Json,
    /// Every entity that moved, one line each, with both sides' numbers in their own columns.
    Csv,
}

/// Several diffs (one per changed rule set): one after the other, or a JSON array when more than one.
pub(crate) fn write_diffs(out: &mut dyn Write, diffs: &[KindDiff], format: DiffFormat) -> io::Result<()> {
    if format == DiffFormat::Csv {
        return write_csv(out, diffs);
    }
    if format == DiffFormat::Json && diffs.len() > 1 {
        serde_json::to_writer_pretty(&mut *out, diffs)?;
        return writeln!(out);
    }
    for (i, d) in diffs.iter().enumerate() {
        if i > 0 {
            writeln!(out)?;
        }
        write_diff(out, d, format)?;
    }
    Ok(())
}

pub(crate) fn write_diff(out: &mut dyn Write, d: &KindDiff, format: DiffFormat) -> io::Result<()> {
    match format {
        DiffFormat::Table => write_table(out, d),
        DiffFormat::Markdown => write_markdown(out, d),
        DiffFormat::Json => {
            serde_json::to_writer_pretty(&mut *out, d)?;
            writeln!(out)
        }
        DiffFormat::Csv => write_csv(out, std::slice::from_ref(d)),
    }
}

fn heading(d: &KindDiff) -> String {
    format!(
        "{} diff · {} ({} {}{}) → {} ({} {}{}) · {} compared, {} changed, {} rating change{}",
        d.kind,
        d.base.label,
        d.base.rule_set,
        d.base.version,
        d.base.as_of.map(|v| format!(", as of {v}")).unwrap_or_default(),
        d.head.label,
        d.head.rule_set,
        d.head.version,
        d.head.as_of.map(|v| format!(", as of {v}")).unwrap_or_default(),
        d.compared,
        d.changes.len(),
        rating_change_count(d),
        if rating_change_count(d) == 1 { "" } else { "s" }
    )
}

fn rating_change_count(d: &KindDiff) -> usize {
    d.rating_changes.iter().map(|r| r.ids.len()).sum()
}

fn score(s: &Option<Standing>) -> String {
    s.as_ref().and_then(|s| s.score).map_or_else(|| "—".into(), |x| fixed(x, 2))
}

fn score_cell(c: &EntityChange) -> String {
    let delta = c.score_delta.map(|d| format!(" ({}{})", if d >= 0.0 { "+" } else { "" }, fixed(d, 2)));
    format!("{} → {}{}", score(&c.base), score(&c.head), delta.unwrap_or_default())
}

fn rank_text(s: &Option<Standing>) -> String {
    match s {
        None => "absent".into(),
        Some(s) => s.rank.map_or_else(|| s.status.replace('_', " "), |r| r.to_string()),
    }
}

fn rank_cell(c: &EntityChange) -> String {
    let (a, b) = (rank_text(&c.base), rank_text(&c.head));
    if a == b { a } else { format!("{a} → {b}") }
}

fn rating_text(s: &Option<Standing>) -> String {
    s.as_ref().and_then(|s| s.rating.clone()).unwrap_or_else(|| "—".into())
}

fn rating_cell(c: &EntityChange) -> String {
    if c.rating_changed() {
        format!("{} → {}", rating_text(&c.base), rating_text(&c.head))
    } else {
        rating_text(&c.head)
    }
}

fn drivers_cell(ds: &[Driver]) -> String {
    ds.iter()
        .map(|d| format!("{} {}{}", d.factor, if d.delta >= 0.0 { "+" } else { "" }, fixed(d.delta, 2)))
        .collect::<Vec<_>>()
        .join(", ")
}

fn transition(r: &RatingChange) -> String {
    let word = |x: &Option<String>| x.clone().unwrap_or_else(|| "unrated".into());
    format!("{} → {}", word(&r.from), word(&r.to))
}

/// `  rules/profiles/growth.yaml:33:5  factor commercial_traction: weight 6 → 2`.
fn rule_change_line(c: &RuleChange) -> String {
    let what = if c.id.is_empty() { c.what.to_string() } else { format!("{} {}", c.what, c.id) };
    match &c.at {
        Some(at) => format!("{at}  {what}: {}", c.change),
        None => format!("{what}: {}", c.change),
    }
}

/// One entity that moved: its score, rank and rating on both sides, and what moved it most.
struct ChangeRow<'a> {
    /// The id; in Markdown as code.
    id: String,
    name: &'a str,
    /// `55.00 → 60.00 (+5.00)`.
    score: String,
    /// `3 → 1`, or one word when it stayed.
    rank: String,
    /// `Neutral → Overweight`, or the head's rating when it stayed; in Markdown bold when
    /// it changed.
    rating: String,
    /// `growth +3.00, margin −1.00`.
    drivers: String,
}

impl<'a> ChangeRow<'a> {
    fn new(c: &'a EntityChange, markdown: bool) -> ChangeRow<'a> {
        let rating = rating_cell(c);
        ChangeRow {
            id: if markdown { format!("`{}`", c.id) } else { c.id.clone() },
            name: &c.name,
            score: score_cell(c),
            rank: rank_cell(c),
            rating: if markdown && c.rating_changed() { format!("**{rating}**") } else { rating },
            drivers: drivers_cell(&c.drivers),
        }
    }

    /// The row's values, in the order of [`change_columns`].
    fn values(&self) -> Vec<Value<'_>> {
        [&self.id, self.name, &self.score, &self.rank, &self.rating, &self.drivers]
            .map(|s: &str| Value::Text(s))
            .to_vec()
    }
}

/// The machine columns of an entity that moved: each side's score, rank, rating and status
/// apart, and the factors that moved it most.
fn csv_columns() -> Vec<Column> {
    let names = [
        "kind",
        "rule_set",
        "id",
        "name",
        "base_score",
        "head_score",
        "score_delta",
        "base_rank",
        "head_rank",
        "base_rating",
        "head_rating",
        "base_status",
        "head_status",
        "moved_most_by",
    ];
    names.iter().map(|n| Column::new(n, None, false)).collect()
}

/// One side's score, rank, rating and status (`absent` when the entity is not on that side).
fn side(s: &Option<Standing>) -> [Value<'_>; 4] {
    match s {
        None => [Value::Number(None), Value::Rank(None), Value::Text(""), Value::Text("absent")],
        Some(s) => [
            Value::Number(s.score),
            Value::Rank(s.rank),
            Value::Text(s.rating.as_deref().unwrap_or("")),
            Value::Text(s.status),
        ],
    }
}

/// Every diff's moved entities under one CSV header.
fn write_csv(out: &mut dyn Write, diffs: &[KindDiff]) -> io::Result<()> {
    let mut enc = Csv::new(4096);
    enc.header(&csv_columns())?;
    for d in diffs {
        for c in &d.changes {
            let drivers: Vec<&str> = c.drivers.iter().map(|x| x.factor.as_str()).collect();
            let [bs, br, brt, bst] = side(&c.base);
            let [hs, hr, hrt, hst] = side(&c.head);
            let kind = Value::Text(d.kind.as_str());
            let head = [kind, Value::Text(&d.head.rule_set), Value::Text(&c.id), Value::Text(&c.name)];
            let sides = [bs, hs, Value::Number(c.score_delta), br, hr, brt, hrt, bst, hst];
            let values: Vec<Value<'_>> =
                head.into_iter().chain(sides).chain(std::iter::once(Value::List(&drivers))).collect();
            enc.row(&values)?;
        }
    }
    out.write_all(&enc.into_bytes()?)
}

/// The columns of the entities that moved.
fn change_columns() -> Vec<Column> {
    vec![
        Column::new("id", Some("id"), false),
        Column::new("name", Some("name"), false),
        Column::new("score", Some("score"), true).whole(),
        Column::new("rank", Some("rank"), false).whole(),
        Column::new("rating", Some("rating"), false).whole(),
        Column::new("moved_most_by", Some("moved most by"), false).whole(),
    ]
}

fn write_table(out: &mut dyn Write, d: &KindDiff) -> io::Result<()> {
    writeln!(out, "{}", heading(d))?;
    if !d.rule_changes.is_empty() {
        writeln!(out, "rule changes in {}", d.head.rule_set)?;
        for c in &d.rule_changes {
            writeln!(out, "  {}", rule_change_line(c))?;
        }
        writeln!(out)?;
    }
    if d.changes.is_empty() {
        return writeln!(out, "no entity moved");
    }
    let rows: Vec<ChangeRow> = d.changes.iter().map(|c| ChangeRow::new(c, false)).collect();
    let values: Vec<Vec<Value<'_>>> = rows.iter().map(ChangeRow::values).collect();
    out.write_all(&text_table(&change_columns(), &values, true)?)?;
    if !d.rating_changes.is_empty() {
        writeln!(out, "\nrating changes")?;
        for r in &d.rating_changes {
            writeln!(out, "  {}: {} ({})", transition(r), r.ids.len(), r.ids.join(", "))?;
        }
    }
    let facts = changed_facts(d);
    if !facts.is_empty() {
        writeln!(out, "\nchanged facts")?;
        let id_w = facts.iter().map(|(id, _)| id.chars().count()).max().unwrap_or(0);
        for (id, f) in facts {
            writeln!(out, "  {id:id_w$}  {}", fact_line(f))?;
        }
    }
    Ok(())
}

/// Each moved entity's changed facts, in the order the entities are listed.
fn changed_facts(d: &KindDiff) -> Vec<(&str, &FactChange)> {
    d.changes.iter().flat_map(|c| c.facts.iter().map(move |f| (c.id.as_str(), f))).collect()
}

/// `revenue_growth: 12 → 12.6 (Q4 restated; period 2024-12-31; published 2025-03-14)`: a fact's
/// scored value on each side (a withheld one is missing), with the new value's provenance.
pub(crate) fn fact_line(f: &FactChange) -> String {
    let show = |v: &Option<String>| v.clone().unwrap_or_else(|| "missing".into());
    let mut why = Vec::new();
    why.extend(f.source.clone());
    why.extend(f.period.map(|d| format!("period {d}")));
    why.extend(f.published.map(|d| format!("published {d}")));
    let why = if why.is_empty() { String::new() } else { format!(" ({})", why.join("; ")) };
    format!("{}: {} → {}{why}", f.attribute, show(&f.from), show(&f.to))
}

/// Text escaped for Markdown (outside the tables, which the encoder escapes).
fn md(s: &str) -> String {
    s.replace('|', "\\|")
}

fn write_markdown(out: &mut dyn Write, d: &KindDiff) -> io::Result<()> {
    writeln!(out, "### {}\n", md(&heading(d)))?;
    if !d.rule_changes.is_empty() {
        writeln!(out, "**Rule changes in `{}`**\n", d.head.rule_set)?;
        for c in &d.rule_changes {
            writeln!(out, "- {}", md(&rule_change_line(c)))?;
        }
        writeln!(out)?;
    }
    if !d.rating_changes.is_empty() {
        writeln!(out, "**Rating changes**\n")?;
        for r in &d.rating_changes {
            let ids: Vec<String> = r.ids.iter().map(|i| format!("`{i}`")).collect();
            writeln!(out, "- {}: {} ({})", transition(r), r.ids.len(), ids.join(", "))?;
        }
        writeln!(out)?;
    }
    if d.changes.is_empty() {
        return writeln!(out, "No entity moved.");
    }
    let columns = change_columns();
    let mut enc = Markdown::new(&columns);
    enc.header(&columns)?;
    for c in &d.changes {
        enc.row(&ChangeRow::new(c, true).values())?;
    }
    out.write_all(&enc.into_bytes()?)?;
    let facts = changed_facts(d);
    if !facts.is_empty() {
        writeln!(out, "\n**Changed facts**\n")?;
        for (id, f) in facts {
            writeln!(out, "- `{id}` {}", md(&fact_line(f)))?;
        }
    }
    Ok(())
}
