//! `thesis robust` reports as a table, JSON or the long form (CSV, Parquet, Arrow IPC): flip points, one-at-a-time weights, SMAA-2
//! rank acceptability and leave-one-out, each product's rows encoded by `src/render/encode/`.

use std::io::{self, Write};

use serde_json::{Map, Value as Json, json};

use super::encode::batch_file::{BatchFile, BatchFormat};
use super::encode::csv::Csv;
use super::encode::table::text_table;
use super::encode::{Column, Encoder, Value};
use crate::evaluate::KindScores;
use crate::fmt::json_number;
use crate::robust::{Flip, Report, WeightFlip};
use crate::scale::RawValue;

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum RobustFormat {
    Table,
    Json,
    Csv,
    /// The CSV's rows in Parquet, typed.
    Parquet,
    /// The CSV's rows in the Arrow IPC file format (Feather v2).
    Arrow,
}

/// Writes a report in one format.
pub(crate) fn write_robust(out: &mut dyn Write, format: RobustFormat, ks: &KindScores, r: &Report) -> io::Result<()> {
    match format {
        RobustFormat::Json => {
            serde_json::to_writer_pretty(&mut *out, &json(ks, r))?;
            writeln!(out)
        }
        RobustFormat::Csv => out.write_all(&rows(Csv::new(64 * (r.flips.len() + r.oat.len() + 16)), ks, r)?),
        RobustFormat::Parquet => out.write_all(&rows(BatchFile::new(BatchFormat::Parquet, 0), ks, r)?),
        RobustFormat::Arrow => out.write_all(&rows(BatchFile::new(BatchFormat::Arrow, 0), ks, r)?),
        RobustFormat::Table => write_table(out, ks, r),
    }
}

/// A raw value as the ledger carries it.
pub(crate) fn raw_json(v: &RawValue) -> Json {
    match v {
        RawValue::Number(x) => json_number(*x),
        RawValue::Bool(b) => Json::Bool(*b),
        RawValue::Text(s) => Json::String(s.clone()),
    }
}

fn opt(x: Option<f64>) -> Json {
    x.map_or(Json::Null, json_number)
}

fn band(ks: &KindScores, b: usize) -> &str {
    &ks.plan.rules.ratings[b].label
}

/// One flip as JSON: `entity`, `factor`, `direction`, `points`, `value` (where invertible),
/// and the band it moves into, the points now and the cap gate that holds it.
pub(crate) fn flip_json(ks: &KindScores, f: &Flip) -> Json {
    let mut o = Map::new();
    o.insert("entity".into(), ks.table.id(f.row).into());
    o.insert("factor".into(), ks.plan.rules.factors[f.factor].id.clone().into());
    o.insert("direction".into(), f.direction.word().into());
    o.insert("points".into(), opt(f.points));
    if let Some(v) = &f.value {
        o.insert("value".into(), raw_json(v));
    }
    o.insert("to".into(), band(ks, f.band).into());
    o.insert("from_points".into(), json_number(f.from));
    if let Some(g) = f.capped_by {
        o.insert("capped_by".into(), ks.plan.rules.gates[g].id.clone().into());
    }
    Json::Object(o)
}

/// One weight flip as JSON: `entity`, `weight` (a factor or category id), `of` (`factor` or
/// `category`), `direction`, `from_weight`, `weight_to` and `change` (as a fraction; null when
/// out of reach), the band it moves into, and the cap gate that holds it.
pub(crate) fn weight_flip_json(ks: &KindScores, f: &WeightFlip) -> Json {
    let of = match f.weight {
        crate::robust::WeightId::Factor(_) => "factor",
        crate::robust::WeightId::Category(_) => "category",
    };
    let mut o = Map::new();
    o.insert("entity".into(), ks.table.id(f.row).into());
    o.insert("weight".into(), f.weight.name(ks).into());
    o.insert("of".into(), of.into());
    o.insert("direction".into(), f.direction.word().into());
    o.insert("from_weight".into(), json_number(f.from));
    o.insert("weight_to".into(), opt(f.to));
    o.insert("change".into(), opt(f.change()));
    o.insert("to".into(), band(ks, f.band).into());
    if let Some(g) = f.capped_by {
        o.insert("capped_by".into(), ks.plan.rules.gates[g].id.clone().into());
    }
    Json::Object(o)
}

/// The whole report: `flips` (points flips, then weight flips), `oat`, `smaa` (null when not
/// run) and `leave_one_out`.
pub(crate) fn json(ks: &KindScores, r: &Report) -> Json {
    let id = |row: usize| Json::from(ks.table.id(row));
    let oat: Vec<Json> = r
        .oat
        .iter()
        .map(|o| {
            json!({"weight": o.weight.name(ks), "delta": json_number(o.delta),
                   "top": o.top.map_or(Json::Null, id), "kendall_tau": opt(o.kendall_tau)})
        })
        .collect();
    let smaa = r.smaa.as_ref().map_or(Json::Null, |(s, entities)| {
        let entities: Vec<Json> = entities
            .iter()
            .map(|a| {
                let central = a.central.as_ref().map_or(Json::Object(Map::new()), |c| {
                    Json::Object(s.vary.iter().zip(c).map(|(w, x)| (w.name(ks).to_string(), json_number(*x))).collect())
                });
                json!({"id": id(a.row),
                       "acceptability": a.shares.iter().map(|x| json_number(*x)).collect::<Vec<_>>(),
                       "standard_error": a.standard_error.iter().map(|x| json_number(*x)).collect::<Vec<_>>(),
                       "central_weights": central})
            })
            .collect();
        let varied: Vec<&str> = s.vary.iter().map(|w| w.name(ks)).collect();
        json!({"samples": s.samples, "seed": s.seed, "varied": varied,
               "spread": s.spread.map_or(Json::Null, json_number), "entities": entities})
    });
    let loo: Vec<Json> = r
        .leave_one_out
        .iter()
        .map(|l| json!({"removed": id(l.removed), "order_changed": l.order_changed, "spearman": opt(l.spearman)}))
        .collect();
    json!({
        "flips": r.flips.iter().map(|f| flip_json(ks, f)).chain(r.weight_flips.iter().map(|f| weight_flip_json(ks, f))).collect::<Vec<_>>(),
        "oat": oat,
        "smaa": smaa,
        "leave_one_out": loo,
    })
}

/// The long CSV: one row per result, `analysis` saying which.
fn csv_columns() -> Vec<Column> {
    ["analysis", "entity", "item", "direction", "delta", "rank", "number", "error", "text"]
        .iter()
        .map(|n| Column::new(n, None, false))
        .collect()
}

/// The long form, one row per result, in any row encoder.
fn rows(mut enc: impl Encoder, ks: &KindScores, r: &Report) -> io::Result<Vec<u8>> {
    enc.header(&csv_columns())?;
    let none = Value::Number(None);
    for f in &r.flips {
        let raw = f.value.as_ref().map(raw_json).unwrap_or(Json::Null);
        let text = f.capped_by.map(|g| format!("capped: {}", ks.plan.rules.gates[g].id));
        let row = [
            Value::Text("flips"),
            Value::Text(ks.table.id(f.row)),
            Value::Text(&ks.plan.rules.factors[f.factor].id),
            Value::Text(f.direction.word()),
            none,
            Value::Rank(None),
            Value::Number(f.points),
            none,
            match &text {
                Some(t) => Value::Text(t),
                None => Value::Raw(&raw),
            },
        ];
        enc.row(&row)?;
    }
    for f in &r.weight_flips {
        let text = match f.capped_by {
            Some(g) => format!("capped: {}", ks.plan.rules.gates[g].id),
            None => band(ks, f.band).to_string(),
        };
        enc.row(&[
            Value::Text("weight_flips"),
            Value::Text(ks.table.id(f.row)),
            Value::Text(f.weight.name(ks)),
            Value::Text(f.direction.word()),
            Value::Number(f.change()),
            Value::Rank(None),
            Value::Number(f.to),
            none,
            Value::Text(&text),
        ])?;
    }
    for o in &r.oat {
        let top = o.top.map_or("", |t| ks.table.id(t));
        enc.row(&[
            Value::Text("oat"),
            Value::Text(""),
            Value::Text(o.weight.name(ks)),
            Value::Text(""),
            Value::Number(Some(o.delta)),
            Value::Rank(None),
            Value::Number(o.kendall_tau),
            none,
            Value::Text(top),
        ])?;
    }
    if let Some((s, entities)) = &r.smaa {
        for a in entities {
            let id = ks.table.id(a.row);
            for (k, (share, err)) in a.shares.iter().zip(&a.standard_error).enumerate() {
                let rank = Value::Rank(Some(k as u32 + 1));
                let row = [Value::Text("smaa"), Value::Text(id), Value::Text(""), Value::Text(""), none, rank];
                enc.row(
                    &[&row[..], &[Value::Number(Some(*share)), Value::Number(Some(*err)), Value::Text("")]].concat(),
                )?;
            }
            for (w, x) in s.vary.iter().zip(a.central.iter().flatten()) {
                let row = [Value::Text("central_weight"), Value::Text(id), Value::Text(w.name(ks)), Value::Text("")];
                enc.row(
                    &[&row[..], &[none, Value::Rank(None), Value::Number(Some(*x)), none, Value::Text("")]].concat(),
                )?;
            }
        }
    }
    for l in &r.leave_one_out {
        let changed = if l.order_changed { "order_changed" } else { "order_kept" };
        enc.row(&[
            Value::Text("leave_one_out"),
            Value::Text(ks.table.id(l.removed)),
            Value::Text(""),
            Value::Text(""),
            none,
            Value::Rank(None),
            Value::Number(l.spearman),
            none,
            Value::Text(changed),
        ])?;
    }
    enc.into_bytes()
}

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

fn write_table(out: &mut dyn Write, ks: &KindScores, r: &Report) -> io::Result<()> {
    let rules = &ks.plan.rules;
    writeln!(out, "{} robustness · rule set {} {}", ks.kind(), rules.name, rules.version)?;
    if !r.flips.is_empty() {
        writeln!(out, "\nFlip points: the smallest change of a factor's points that moves the rating a band")?;
        out.write_all(&flip_table(ks, &r.flips)?)?;
    }
    if !r.weight_flips.is_empty() {
        writeln!(out, "\nWeight flips: the weight that alone moves the rating a band, nearest the weight now")?;
        out.write_all(&weight_flip_table(ks, &r.weight_flips)?)?;
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
    if let Some((s, entities)) = &r.smaa {
        write_smaa_table(out, ks, s, entities)?;
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
    entities: &[crate::robust::Acceptability],
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
    let rows: Vec<Vec<Value<'_>>> = entities
        .iter()
        .map(|a| {
            let mut row = vec![Value::Text(ks.table.id(a.row))];
            row.extend(a.shares[..shown].iter().map(|x| Value::Share(*x)));
            row.push(Value::Share(a.standard_error.first().copied().unwrap_or(0.0)));
            row
        })
        .collect();
    out.write_all(&text_table(&columns, &rows, false)?)
}
