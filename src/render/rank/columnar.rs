//! A ranking as Parquet or Arrow IPC: the CSV's columns as Arrow record batches built column by
//! column, each column one tight loop over a row group's entries and the columns of a group
//! built in parallel. Types and nulls are those the row encoder (`encode::columnar`) gives the
//! same values: rank `UInt32`, numbers `Float64` (a missing category score null), text `Utf8`
//! (empty text null), flags and reason codes `List<Utf8>`. Batches have a fixed size (a Parquet
//! row group), so the file is the same bytes for any thread count.

use std::io::{self, Write};
use std::sync::Arc;

use arrow_array::builder::{Float64Builder, ListBuilder, StringBuilder, UInt32Builder};
use arrow_array::{ArrayRef, RecordBatch};
use arrow_schema::{Field, Schema};
use rayon::prelude::*;

use super::super::encode::Column;
use super::super::encode::batch_file::{self, BatchFormat};
use super::super::encode::columnar::{empty_schema, io_error};
use super::super::encode::parquet::ROW_GROUP_ROWS;
use super::{Entry, RankFormat, excluded_by, flag_gates, rating};
use crate::evaluate::{KindScores, ReasonScratch};

/// The ranking's columns before the category scores, in the order of `super::columns`.
#[derive(Clone, Copy)]
enum Field15 {
    Rank,
    Id,
    Name,
    Kind,
    Score,
    Rating,
    Firm,
    Lo,
    Hi,
    NearTie,
    Coverage,
    Status,
    ExcludedBy,
    Flags,
    Reasons,
}

const FIXED: [Field15; 15] = [
    Field15::Rank,
    Field15::Id,
    Field15::Name,
    Field15::Kind,
    Field15::Score,
    Field15::Rating,
    Field15::Firm,
    Field15::Lo,
    Field15::Hi,
    Field15::NearTie,
    Field15::Coverage,
    Field15::Status,
    Field15::ExcludedBy,
    Field15::Flags,
    Field15::Reasons,
];

/// Writes `entries` as a Parquet or Arrow IPC file of `columns`, one batch per row group.
pub(super) fn write_columnar(
    out: &mut (dyn Write + Send),
    format: RankFormat,
    ks: &KindScores,
    entries: &[Entry],
    columns: &[Column],
) -> io::Result<()> {
    let format = if format == RankFormat::Parquet { BatchFormat::Parquet } else { BatchFormat::Arrow };
    let mut parts = entries.chunks(ROW_GROUP_ROWS);
    let Some(first) = parts.next().map(|p| batch(ks, p, columns)).transpose()? else {
        // A ranking without rows: its columns as text.
        return batch_file::open_sink(format, out, empty_schema(columns), None)?.finish();
    };
    let mut sink = batch_file::open_sink(format, out, first.schema(), Some(&first))?;
    let mut pending = first;
    // Each group is encoded while the next is built.
    for part in parts {
        let (written, next) = rayon::join(|| sink.write(&pending), || batch(ks, part, columns));
        written?;
        pending = next?;
    }
    sink.write(&pending)?;
    sink.finish()
}

/// One record batch of `entries`: each column built on its own task.
fn batch(ks: &KindScores, entries: &[Entry], columns: &[Column]) -> io::Result<RecordBatch> {
    let nc = ks.plan.rules.categories.len();
    debug_assert_eq!(columns.len(), FIXED.len() + nc, "the columns of super::columns");
    let arrays: Vec<ArrayRef> = (0..FIXED.len() + nc)
        .into_par_iter()
        .map(|c| match FIXED.get(c) {
            Some(&field) => fixed(ks, entries, field),
            None => {
                let s = ReasonScratch::new(ks);
                numbers(entries, |row| s.category(row, c - FIXED.len()))
            }
        })
        .collect();
    let fields: Vec<Field> =
        columns.iter().zip(&arrays).map(|(col, a)| Field::new(&col.name, a.data_type().clone(), true)).collect();
    RecordBatch::try_new(Arc::new(Schema::new(fields)), arrays).map_err(io_error)
}

/// One of the fixed columns over `entries`.
fn fixed(ks: &KindScores, entries: &[Entry], field: Field15) -> ArrayRef {
    let res = |row: usize| &ks.results[row];
    match field {
        Field15::Rank => {
            let mut b = UInt32Builder::with_capacity(entries.len());
            entries.iter().for_each(|e| b.append_option(e.rank));
            Arc::new(b.finish())
        }
        Field15::Id => text(entries, |row| ks.table.id(row)),
        Field15::Name => text(entries, |row| ks.table.name(row)),
        Field15::Kind => text(entries, |_| ks.kind().as_str()),
        Field15::Score => numbers(entries, |row| Some(res(row).total)),
        Field15::Rating => text(entries, |row| rating(ks, row)),
        Field15::Firm => text(entries, |row| match res(row).rating.is_some().then_some(res(row).firm) {
            None => "",
            Some(true) => "true",
            Some(false) => "false",
        }),
        Field15::Lo => numbers(entries, |row| Some(res(row).bounds.lo)),
        Field15::Hi => numbers(entries, |row| Some(res(row).bounds.hi)),
        Field15::NearTie => {
            let mut b = StringBuilder::with_capacity(entries.len(), entries.len() * 5);
            entries.iter().for_each(|e| b.append_value(if e.near_tie { "true" } else { "false" }));
            Arc::new(b.finish())
        }
        Field15::Coverage => numbers(entries, |row| Some(res(row).coverage)),
        Field15::Status => text(entries, |row| res(row).status.word()),
        Field15::ExcludedBy => text(entries, |row| excluded_by(ks, row).map_or("", |x| x.0)),
        Field15::Flags => lists(entries, |row, b| flag_gates(ks, row).for_each(|f| b.append_value(f))),
        Field15::Reasons => {
            let s = ReasonScratch::new(ks);
            lists(entries, |row, b| s.reasons(row).for_each(|f| b.append_value(f)))
        }
    }
}

/// A text column; empty text is null.
fn text<'a>(entries: &[Entry], value: impl Fn(usize) -> &'a str) -> ArrayRef {
    let mut b = StringBuilder::with_capacity(entries.len(), entries.len() * 8);
    for e in entries {
        let s = value(e.row);
        b.append_option((!s.is_empty()).then_some(s));
    }
    Arc::new(b.finish())
}

/// A number column; `None` is null.
fn numbers(entries: &[Entry], value: impl Fn(usize) -> Option<f64>) -> ArrayRef {
    let mut b = Float64Builder::with_capacity(entries.len());
    entries.iter().for_each(|e| b.append_option(value(e.row)));
    Arc::new(b.finish())
}

/// A list-of-names column: `names(row, items)` appends a row's names.
fn lists(entries: &[Entry], names: impl Fn(usize, &mut StringBuilder)) -> ArrayRef {
    let mut b = ListBuilder::new(StringBuilder::new());
    for e in entries {
        names(e.row, b.values());
        b.append(true);
    }
    Arc::new(b.finish())
}
