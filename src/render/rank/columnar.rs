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
use super::gather::Gathered;
use super::{Entry, RankFormat, excluded_by, flag_gates, rating};
use crate::evaluate::KindScores;
use crate::model::Strings;

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

/// Entries gathered per task before the columns are built (see `super::gather`).
const GATHER_ROWS: usize = 4096;

/// A row group's entries, gathered task by task.
type Parts<'e, 'a> = [(&'e [Entry], Gathered<'a>)];

/// One record batch of `entries`: gathered in parallel, then each column built on its own task.
fn batch(ks: &KindScores, entries: &[Entry], columns: &[Column]) -> io::Result<RecordBatch> {
    let nc = ks.plan.rules.categories.len();
    debug_assert_eq!(columns.len(), FIXED.len() + nc, "the columns of super::columns");
    let parts: Vec<(&[Entry], Gathered<'_>)> =
        entries.par_chunks(GATHER_ROWS).map(|part| (part, Gathered::without_text(ks, part))).collect();
    let arrays: Vec<ArrayRef> = (0..FIXED.len() + nc)
        .into_par_iter()
        .map(|c| match FIXED.get(c) {
            Some(&field) => fixed(ks, &parts, entries.len(), field),
            None => numbers(&parts, entries.len(), |g, i| g.category(i, c - FIXED.len())),
        })
        .collect();
    let fields: Vec<Field> =
        columns.iter().zip(&arrays).map(|(col, a)| Field::new(&col.name, a.data_type().clone(), true)).collect();
    RecordBatch::try_new(Arc::new(Schema::new(fields)), arrays).map_err(io_error)
}

/// Calls `f(gathered, i, entry)` for every entry of `parts`, in order.
fn each<'e, 'a>(parts: &'e Parts<'e, 'a>, mut f: impl FnMut(&'e Gathered<'a>, usize, &'e Entry)) {
    for (entries, g) in parts {
        entries.iter().enumerate().for_each(|(i, e)| f(g, i, e));
    }
}

/// One of the fixed columns of the `n` entries of `parts`.
fn fixed(ks: &KindScores, parts: &Parts<'_, '_>, n: usize, field: Field15) -> ArrayRef {
    match field {
        Field15::Rank => {
            let mut b = UInt32Builder::with_capacity(n);
            each(parts, |_, _, e| b.append_option(e.rank));
            Arc::new(b.finish())
        }
        Field15::Id => table_text(&ks.table.ids, parts, n),
        Field15::Name => table_text(&ks.table.names, parts, n),
        Field15::Kind => text(parts, n, |_, _| ks.kind().as_str()),
        Field15::Score => numbers(parts, n, |g, i| Some(g.results[i].total)),
        Field15::Rating => text(parts, n, |g, i| rating(ks, &g.results[i])),
        Field15::Firm => text(parts, n, |g, i| {
            let res = &g.results[i];
            match res.rating.is_some().then_some(res.firm) {
                None => "",
                Some(true) => "true",
                Some(false) => "false",
            }
        }),
        Field15::Lo => numbers(parts, n, |g, i| Some(g.results[i].bounds.lo)),
        Field15::Hi => numbers(parts, n, |g, i| Some(g.results[i].bounds.hi)),
        Field15::NearTie => {
            let mut b = StringBuilder::with_capacity(n, n * 5);
            each(parts, |_, _, e| b.append_value(if e.near_tie { "true" } else { "false" }));
            Arc::new(b.finish())
        }
        Field15::Coverage => numbers(parts, n, |g, i| Some(g.results[i].coverage)),
        Field15::Status => text(parts, n, |g, i| g.results[i].status.word()),
        Field15::ExcludedBy => text(parts, n, |g, i| excluded_by(ks, &g.results[i]).map_or("", |x| x.0)),
        Field15::Flags => lists(parts, |g, i, b| flag_gates(ks, g.fired(i)).for_each(|f| b.append_value(f))),
        Field15::Reasons => lists(parts, |g, i, b| g.reasons(i).iter().for_each(|f| b.append_value(f))),
    }
}

/// A text column; empty text is null.
fn text<'e, 'a: 'e>(
    parts: &'e Parts<'e, 'a>,
    n: usize,
    value: impl Fn(&'e Gathered<'a>, usize) -> &'e str,
) -> ArrayRef {
    let mut b = StringBuilder::with_capacity(n, n * 8);
    each(parts, |g, i, _| {
        let s = value(g, i);
        b.append_option((!s.is_empty()).then_some(s));
    });
    Arc::new(b.finish())
}

/// The ids or names (`strings`) of the entries of `parts`, read from the table straight into
/// the column; empty text is null.
fn table_text(strings: &Strings, parts: &Parts<'_, '_>, n: usize) -> ArrayRef {
    let mut b = StringBuilder::with_capacity(n, n * 12);
    let rows = parts.iter().flat_map(|(entries, _)| entries.iter().map(|e| e.row));
    strings.each_at(rows, |s| b.append_option((!s.is_empty()).then_some(s)));
    Arc::new(b.finish())
}

/// A number column; `None` is null.
fn numbers<'e, 'a>(
    parts: &'e Parts<'e, 'a>,
    n: usize,
    value: impl Fn(&'e Gathered<'a>, usize) -> Option<f64>,
) -> ArrayRef {
    let mut b = Float64Builder::with_capacity(n);
    each(parts, |g, i, _| b.append_option(value(g, i)));
    Arc::new(b.finish())
}

/// A list-of-names column: `names(g, i, items)` appends an entry's names.
fn lists<'e, 'a>(parts: &'e Parts<'e, 'a>, names: impl Fn(&'e Gathered<'a>, usize, &mut StringBuilder)) -> ArrayRef {
    let mut b = ListBuilder::new(StringBuilder::new());
    each(parts, |g, i, _| {
        names(g, i, b.values());
        b.append(true);
    });
    Arc::new(b.finish())
}
