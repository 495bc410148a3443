//! Rankings as a table, CSV or JSON. Rows stream, so a million entities never sit in memory
//! as text.

use std::io::{self, Write};

use comfy_table::{Cell, CellAlignment, Table, presets};
use serde::Serialize;

use super::{fixed, json_number, percent};
use crate::evaluate::{KindScores, Scores, Status, ledger};
use crate::model::Dataset;
use crate::rank::Ranking;

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum RankFormat {
    Table,
    Json,
    Csv,
}

/// Short facts about a ranked or excluded entity, computed without building a full ledger.
struct Row<'a> {
    ks: &'a KindScores,
    row: usize,
}

impl Row<'_> {
    fn rating(&self) -> &str {
        let r = &self.ks.results[self.row];
        r.rating.map_or("", |i| self.ks.plan.rules.ratings[i as usize].label.as_str())
    }

    fn flags(&self) -> Vec<&str> {
        let r = &self.ks.results[self.row];
        let rules = &self.ks.plan.rules;
        rules
            .gates
            .iter()
            .enumerate()
            .filter(|(i, g)| r.gates_fired & (1 << i) != 0 && g.action == crate::model::GateAction::Flag)
            .map(|(_, g)| g.id.as_str())
            .collect()
    }

    fn excluded_by(&self) -> Option<(&str, &str)> {
        match self.ks.results[self.row].status {
            Status::Excluded(g) => {
                let gate = &self.ks.plan.rules.gates[g as usize];
                Some((gate.id.as_str(), gate.reason.as_str()))
            }
            Status::NoData => Some(("no_data", "no factor has a value")),
            Status::Scored => None,
        }
    }
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
    match format {
        RankFormat::Table => write_table(out, ks, ranking, take),
        RankFormat::Csv => write_csv(out, ks, ranking, take),
        RankFormat::Json => write_json(out, ks, ranking, take, scores, dataset),
    }
}

fn write_table(out: &mut dyn Write, ks: &KindScores, ranking: &Ranking, take: usize) -> io::Result<()> {
    let rules = &ks.plan.rules;
    writeln!(
        out,
        "{} ranking · rule set {} {}{} · {} ranked, {} excluded",
        ks.kind(),
        rules.name,
        rules.version,
        rules.profile.as_deref().map(|p| format!(" ({p})")).unwrap_or_default(),
        ranking.ranked.len(),
        ranking.excluded.len()
    )?;
    let mut t = Table::new();
    t.load_style(presets::NOTHING);
    t.set_header(["rank", "id", "name", "score", "rating", "coverage", "flags", "main reasons"]);
    let mut scratch = crate::evaluate::ReasonScratch::new(ks);
    for r in ranking.ranked.iter().take(take) {
        let row = Row { ks, row: r.row as usize };
        let res = &ks.results[row.row];
        t.add_row(vec![
            Cell::new(r.rank).set_alignment(CellAlignment::Right),
            Cell::new(ks.table.id(row.row)),
            Cell::new(ks.table.name(row.row)),
            Cell::new(fixed(res.total, 2)).set_alignment(CellAlignment::Right),
            Cell::new(row.rating()),
            Cell::new(percent(res.coverage)).set_alignment(CellAlignment::Right),
            Cell::new(row.flags().join(", ")),
            Cell::new(scratch.top(row.row).join(", ")),
        ]);
    }
    write!(out, "{}", super::table_text(&t))?;
    if !ranking.excluded.is_empty() {
        writeln!(out, "\nexcluded")?;
        let mut t = Table::new();
        t.load_style(presets::NOTHING);
        t.set_header(["id", "name", "score", "gate", "reason"]);
        for &r in ranking.excluded.iter().take(take) {
            let row = Row { ks, row: r as usize };
            let (gate, reason) = row.excluded_by().unwrap_or(("", ""));
            t.add_row(vec![
                Cell::new(ks.table.id(row.row)),
                Cell::new(ks.table.name(row.row)),
                Cell::new(fixed(ks.results[row.row].total, 2)).set_alignment(CellAlignment::Right),
                Cell::new(gate),
                Cell::new(reason),
            ]);
        }
        write!(out, "{}", super::table_text(&t))?;
    }
    Ok(())
}

fn write_csv(out: &mut dyn Write, ks: &KindScores, ranking: &Ranking, take: usize) -> io::Result<()> {
    let rules = &ks.plan.rules;
    let mut w = csv::WriterBuilder::new().from_writer(out);
    let mut header: Vec<String> =
        ["rank", "id", "name", "kind", "score", "rating", "coverage", "status", "excluded_by", "flags", "reason_codes"]
            .map(String::from)
            .to_vec();
    header.extend(rules.categories.iter().map(|c| format!("score_{}", c.name)));
    w.write_record(&header)?;
    let mut scratch = crate::evaluate::ReasonScratch::new(ks);
    let rows = ranking
        .ranked
        .iter()
        .map(|r| (Some(r.rank), r.row as usize))
        .chain(ranking.excluded.iter().map(|&r| (None, r as usize)))
        .take(take);
    let mut record: Vec<String> = Vec::with_capacity(header.len());
    for (rank, row) in rows {
        let e = Row { ks, row };
        let res = &ks.results[row];
        record.clear();
        record.push(rank.map(|r| r.to_string()).unwrap_or_default());
        record.push(ks.table.id(row).to_string());
        record.push(ks.table.name(row).to_string());
        record.push(ks.kind().to_string());
        record.push(super::number(res.total));
        record.push(e.rating().to_string());
        record.push(super::number(res.coverage));
        record.push(status_word(res.status).to_string());
        record.push(e.excluded_by().map(|x| x.0.to_string()).unwrap_or_default());
        record.push(e.flags().join(";"));
        record.push(scratch.top(row).join(";"));
        for c in scratch.category_scores(row) {
            record.push(c.map(super::number).unwrap_or_default());
        }
        w.write_record(&record)?;
    }
    w.flush()?;
    Ok(())
}

fn status_word(s: Status) -> &'static str {
    match s {
        Status::Scored => "ranked",
        Status::Excluded(_) => "excluded",
        Status::NoData => "no_data",
    }
}

#[derive(Serialize)]
struct JsonHeader {
    kind: String,
    rule_set: crate::evaluate::ledger::RuleSetRef,
    as_of: Option<String>,
    ranked_count: usize,
    excluded_count: usize,
}

/// `{"kind":..., "rule_set":..., "ranked":[...], "excluded":[...]}`, one ledger per entity.
fn write_json(
    out: &mut dyn Write,
    ks: &KindScores,
    ranking: &Ranking,
    take: usize,
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
    write!(out, "{},\"ranked\":[", &head[..head.len() - 1])?;
    let n = ranking.ranked.len();
    for (i, r) in ranking.ranked.iter().take(take).enumerate() {
        let l = ledger(ks, r.row as usize, scores, dataset, false);
        let entry =
            RankedJson { rank: Some(r.rank), percentile: json_number(crate::rank::percentile(r.rank, n)), ledger: &l };
        out.write_all(if i == 0 { b"\n" } else { b",\n" })?;
        serde_json::to_writer(&mut *out, &entry)?;
    }
    write!(out, "],\"excluded\":[")?;
    for (i, &r) in ranking.excluded.iter().take(take).enumerate() {
        let l = ledger(ks, r as usize, scores, dataset, false);
        let entry = RankedJson { rank: None, percentile: serde_json::Value::Null, ledger: &l };
        out.write_all(if i == 0 { b"\n" } else { b",\n" })?;
        serde_json::to_writer(&mut *out, &entry)?;
    }
    writeln!(out, "]}}")
}

#[derive(Serialize)]
struct RankedJson<'a> {
    rank: Option<u32>,
    percentile: serde_json::Value,
    #[serde(flatten)]
    ledger: &'a crate::evaluate::Ledger,
}
