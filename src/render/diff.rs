//! Rule-version diffs as a table (terminal), Markdown (to paste into a review) and JSON.

use std::io::{self, Write};

use comfy_table::{Cell, CellAlignment, Table, presets};

use crate::diff::{Driver, EntityChange, KindDiff, RatingChange, Standing};
use crate::fmt::fixed;

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum DiffFormat {
    Table,
    Markdown,
    Json,
}

pub(crate) fn write_diff(out: &mut dyn Write, d: &KindDiff, format: DiffFormat) -> io::Result<()> {
    match format {
        DiffFormat::Table => write_table(out, d),
        DiffFormat::Markdown => write_markdown(out, d),
        DiffFormat::Json => {
            serde_json::to_writer_pretty(&mut *out, d)?;
            writeln!(out)
        }
    }
}

fn heading(d: &KindDiff) -> String {
    format!(
        "{} diff · {} ({} {}) → {} ({} {}) · {} compared, {} changed, {} rating change{}",
        d.kind,
        d.base.label,
        d.base.rule_set,
        d.base.version,
        d.head.label,
        d.head.rule_set,
        d.head.version,
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

fn write_table(out: &mut dyn Write, d: &KindDiff) -> io::Result<()> {
    writeln!(out, "{}", heading(d))?;
    if d.changes.is_empty() {
        return writeln!(out, "no entity moved");
    }
    let mut t = Table::new();
    t.load_style(presets::NOTHING);
    t.set_header(["id", "name", "score", "rank", "rating", "moved most by"]);
    for c in &d.changes {
        t.add_row(vec![
            Cell::new(&c.id),
            Cell::new(&c.name),
            Cell::new(score_cell(c)).set_alignment(CellAlignment::Right),
            Cell::new(rank_cell(c)),
            Cell::new(rating_cell(c)),
            Cell::new(drivers_cell(&c.drivers)),
        ]);
    }
    write!(out, "{}", super::table_text(&t))?;
    if !d.rating_changes.is_empty() {
        writeln!(out, "\nrating changes")?;
        for r in &d.rating_changes {
            writeln!(out, "  {}: {} ({})", transition(r), r.ids.len(), r.ids.join(", "))?;
        }
    }
    Ok(())
}

fn md(s: &str) -> String {
    s.replace('|', "\\|")
}

fn write_markdown(out: &mut dyn Write, d: &KindDiff) -> io::Result<()> {
    writeln!(out, "### {}\n", md(&heading(d)))?;
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
    writeln!(out, "| id | name | score | rank | rating | moved most by |")?;
    writeln!(out, "|---|---|---:|---|---|---|")?;
    for c in &d.changes {
        let rating = if c.rating_changed() { format!("**{}**", rating_cell(c)) } else { rating_cell(c) };
        writeln!(
            out,
            "| `{}` | {} | {} | {} | {} | {} |",
            c.id,
            md(&c.name),
            score_cell(c),
            rank_cell(c),
            md(&rating),
            md(&drivers_cell(&c.drivers))
        )?;
    }
    Ok(())
}
