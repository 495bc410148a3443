//! `thesis robust` reports: a table ([`table`]), one JSON document ([`json`]) or the long form
//! in CSV, Parquet or Arrow IPC ([`long`]): flip points, weight flips, one-at-a-time weights,
//! SMAA-2 rank acceptability and leave-one-out. The machine formats write flip points as they
//! are solved, chunk by chunk in table order (`robust::stream`), so a universe of millions is
//! never held whole; the table (for people) collects them.

mod json;
mod long;
mod table;

use std::io::{self, Write};

use serde_json::Value as Json;

use super::encode::batch_file::BatchFormat;
use crate::evaluate::KindScores;
use crate::fmt::json_number;
use crate::robust::Report;
use crate::scale::RawValue;

pub(crate) use json::{flip_json, weight_flip_json};
pub(crate) use table::{flip_table, weight_flip_table};

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
pub(crate) fn write_robust(
    out: &mut (dyn Write + Send),
    format: RobustFormat,
    ks: &KindScores,
    r: &Report,
) -> io::Result<()> {
    match format {
        RobustFormat::Json => json::write(out, ks, r),
        RobustFormat::Csv => long::write_csv(out, ks, r),
        RobustFormat::Parquet => long::write_batches(out, BatchFormat::Parquet, ks, r),
        RobustFormat::Arrow => long::write_batches(out, BatchFormat::Arrow, ks, r),
        RobustFormat::Table => table::write_table(out, ks, r),
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
