//! `thesis robust` as tables for people: flip points (collected: a table's columns are as wide
//! as their widest cell), weight flips, one weight at a time, SMAA-2 and leave-one-out.

use std::io::{self, Write};

use serde_json::Value as Json;

use super::{band, raw_json};
use crate::evaluate::KindScores;
use crate::render::encode::table::text_table;
use crate::render::encode::{Column, Value};
use crate::robust::{Flip, Matrix, Report, WeightFlip};

/// The flips of some entities as table rows: entity, rating now, factor, direction, the band,
/// points now, the change, the raw value.
pub(crate) fn flip_table(ks: &KindScores, flips: &[Flip]) -> io::Result<Vec<u8>> {
    let columns = [
        Column::new("entity", Some("entity"), false),
        Column::new("factor", Some("factor"), false).whole(),
        Column::new("to", Some("to"), false).whole(),
        Column::new("points", Some("points now"), true),
        Column::new("change", Some("change"), true),
        Column::new("value", Some("value"), false),
    ];
    let raws: Vec<Json> = flips.iter().map(|f| f.value.as_ref().map(raw_json).unwrap_or(Json::Null)).collect();
    let notes: Vec<String> = flips
        .iter()
        .map(|f| match (f.capped_by, f.points) {
            (Some(g), _) => format!("capped by {}", ks.plan.rules.gates[g].id),
            (None, None) => "out of reach".into(),
            _ => String::new(),
        })
        .collect();
    let rows: Vec<Vec<Value<'_>>> = flips
        .iter()
        .zip(&raws)
        .zip(&notes)
        .map(|((f, raw), note)| {
            vec![
                Value::Text(ks.table.id(f.row)),
                Value::Text(&ks.plan.rules.factors[f.factor].id),
                Value::Text(band(ks, f.band)),
                Value::Number(Some(f.from)),
                Value::Number(f.points),
                if note.is_empty() { Value::Raw(raw) } else { Value::Text(note) },
            ]
        })
        .collect();
    text_table(&columns, &rows, false)
}

/// The weight flips of some entities as table rows: entity, weight, the band, the weight now,
/// the weight that flips and the change.
pub(crate) fn weight_flip_table(ks: &KindScores, flips: &[WeightFlip]) -> io::Result<Vec<u8>> {
    let columns = [
        Column::new("entity", Some("entity"), false),
        Column::new("weight", Some("weight"), false).whole(),
        Column::new("to", Some("to"), false).whole(),
        Column::new("now", Some("weight now"), true),
        Column::new("needed", Some("weight needed"), true),
        Column::new("change", Some("change"), true),
    ];
    let notes: Vec<Option<String>> = flips
        .iter()
        .map(|f| match (f.capped_by, f.to) {
            (Some(g), _) => Some(format!("capped by {}", ks.plan.rules.gates[g].id)),
            (None, None) => Some("out of reach".into()),
            _ => None,
        })
        .collect();
    let rows: Vec<Vec<Value<'_>>> = flips
        .iter()
        .zip(&notes)
        .map(|(f, note)| {
            vec![
                Value::Text(ks.table.id(f.row)),
                Value::Text(f.weight.name(ks)),
                Value::Text(band(ks, f.band)),
                Value::Number(Some(f.from)),
                Value::Number(f.to),
                match note {
                    Some(n) => Value::Text(n),
                    None => Value::Share(f.change().unwrap_or(0.0)),
                },
            ]
        })
        .collect();
    text_table(&columns, &rows, false)
}

/// The line under a listing of flips that left some out (`listed` of `solved`), saying why.
fn left_out(out: &mut dyn Write, listed: usize, solved: usize, why: &str) -> io::Result<()> {
    if listed == solved {
        return Ok(());
    }
    let left = solved - listed;
    writeln!(out, " {left} of the {solved} flips are out of reach and not listed: {why} (--out-of-reach lists them)")
}

pub(super) fn write_table(out: &mut dyn Write, ks: &KindScores, r: &Report) -> io::Result<()> {
    let rules = &ks.plan.rules;
    writeln!(out, "{} robustness · rule set {} {}", ks.kind(), rules.name, rules.version)?;
    let mut flips = if r.flips { crate::robust::flips::flips(ks, &Matrix::new(ks, &ks.scorers)) } else { Vec::new() };
    let solved = flips.len();
    if !r.out_of_reach {
        flips.retain(Flip::listed);
    }
    if solved > 0 {
        writeln!(out, "\nFlip points: the smallest change of a factor's points that moves the rating a band")?;
        if !flips.is_empty() {
            out.write_all(&flip_table(ks, &flips)?)?;
        }
        left_out(out, flips.len(), solved, "no points of the factor alone move the rating a band")?;
    }
    if r.weight_flips_solved > 0 {
        writeln!(out, "\nWeight flips: the weight that alone moves the rating a band, nearest the weight now")?;
        if !r.weight_flips.is_empty() {
            out.write_all(&weight_flip_table(ks, &r.weight_flips)?)?;
        }
        left_out(out, r.weight_flips.len(), r.weight_flips_solved, "no weight moves the rating a band")?;
    }
    if !r.oat.is_empty() {
        writeln!(out, "\nOne weight at a time: the top entity and Kendall's tau-b against the base ranking")?;
        let columns = [
            Column::new("weight", Some("weight"), false).whole(),
            Column::new("delta", Some("delta"), true),
            Column::new("top", Some("top"), false),
            Column::new("kendall_tau", Some("kendall tau"), true),
        ];
        let rows: Vec<Vec<Value<'_>>> = r
            .oat
            .iter()
            .map(|o| {
                vec![
                    Value::Text(o.weight.name(ks)),
                    Value::Share(o.delta),
                    Value::Text(o.top.map_or("", |t| ks.table.id(t))),
                    Value::Number(o.kendall_tau),
                ]
            })
            .collect();
        out.write_all(&text_table(&columns, &rows, false)?)?;
    }
    if let Some((s, smaa)) = &r.smaa {
        write_smaa_table(out, ks, s, smaa)?;
    }
    if !r.leave_one_out.is_empty() {
        writeln!(out, "\nLeave one out: the rest rescored without each entity")?;
        let columns = [
            Column::new("removed", Some("removed"), false),
            Column::new("order", Some("order of the rest"), false),
            Column::new("spearman", Some("spearman"), true),
        ];
        let rows: Vec<Vec<Value<'_>>> = r
            .leave_one_out
            .iter()
            .map(|l| {
                vec![
                    Value::Text(ks.table.id(l.removed)),
                    Value::Text(if l.order_changed { "changed" } else { "kept" }),
                    Value::Number(l.spearman),
                ]
            })
            .collect();
        out.write_all(&text_table(&columns, &rows, false)?)?;
    }
    Ok(())
}

const RANK_TITLES: [&str; 10] =
    ["rank 1", "rank 2", "rank 3", "rank 4", "rank 5", "rank 6", "rank 7", "rank 8", "rank 9", "rank 10"];

fn write_smaa_table(
    out: &mut dyn Write,
    ks: &KindScores,
    s: &crate::robust::Sampling,
    smaa: &crate::robust::Smaa,
) -> io::Result<()> {
    let how = match s.spread {
        None => "uniform on the simplex".to_string(),
        Some(x) => format!("within ±{} of the given weights", crate::fmt::percent(x)),
    };
    let varied: Vec<&str> = s.vary.iter().map(|w| w.name(ks)).collect();
    writeln!(
        out,
        "\nSMAA-2: rank acceptability over {} samples (seed {}), weights of {} {how}",
        s.samples,
        s.seed,
        varied.join(", ")
    )?;
    let shown = s.ranks.min(RANK_TITLES.len());
    let mut columns = vec![Column::new("entity", Some("entity"), false)];
    columns.extend(RANK_TITLES[..shown].iter().map(|t| Column::new(t, Some(t), true)));
    columns.push(Column::new("error", Some("± s.e. rank 1"), true));
    let rows: Vec<Vec<Value<'_>>> = smaa
        .entities()
        .map(|a| {
            let mut row = vec![Value::Text(ks.table.id(a.row))];
            row.extend(a.shares().take(shown).map(Value::Share));
            row.push(Value::Share(a.standard_errors().next().unwrap_or(0.0)));
            row
        })
        .collect();
    out.write_all(&text_table(&columns, &rows, false)?)
}
