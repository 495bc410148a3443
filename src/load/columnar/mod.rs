//! Reading Parquet and Arrow IPC universes (load stage, called by the dataset check): the same
//! wide layout as a CSV universe (`id`, `name`, `kind`, one column per declared attribute,
//! `segment:<id>` / `region:<id>` exposures, `headquarters`, provenance columns), as typed
//! columns.
//!
//! The schema is resolved with the CSV header's [`plan_columns`] (the same undeclared and
//! repeated columns), then each column's type is checked against its role or declaration once
//! (E902). Cells are checked as CSV cells are (E006, E008, E104, E106, E110), each diagnostic
//! naming the row group and the row within it; its line is the line a CSV export of the file
//! would put it on (the schema is line 1, the file's first row line 2) and its column the
//! field's place. Row groups (Parquet) and record batches (Arrow) are converted in parallel and
//! appended in file order, so the table is the same for any thread count.

mod arrays;
mod cells;
mod direct;
mod ipc;
mod long;
mod one_kind;
mod parquet;
mod types;

use std::path::Path;

use arrow_array::{ArrayRef, RecordBatch};
use arrow_schema::Schema;
use rayon::prelude::*;

use super::csv::header::{Plan, plan_columns};
use super::csv::{MAX_ERRORS, Parsed, append, column_types};
use crate::diag::{Code, Diagnostic};
use crate::load::provenance::TableContext;
use crate::model::{KindSchema, TableBuilder};
use crate::source::FileId;

/// What a wide file is read against: the declarations, the registry and its own declaration.
type Checked<'a> = (&'a [KindSchema; 3], &'a TableContext<'a>);

/// Rows per record batch asked of the readers.
const BATCH_ROWS: usize = 64 * 1024;

/// The table formats a universe may come in, by file extension.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum TableFormat {
    Csv,
    Parquet,
    /// The Arrow IPC file format (Feather v2).
    Arrow,
    /// The Arrow IPC stream format.
    ArrowStream,
}

impl TableFormat {
    /// The format of a universe file, from its extension.
    pub(crate) fn of(path: &Path) -> Option<TableFormat> {
        match path.extension()?.to_str()? {
            "csv" => Some(TableFormat::Csv),
            "parquet" | "pq" => Some(TableFormat::Parquet),
            "arrow" | "feather" | "ipc" => Some(TableFormat::Arrow),
            "arrows" => Some(TableFormat::ArrowStream),
            _ => None,
        }
    }
}

/// Whether a universe file has the long layout (one row per observation, see
/// [`crate::load::long`]). Only CSV is read long so far.
pub(crate) fn is_long(path: &Path) -> bool {
    match TableFormat::of(path) {
        None | Some(TableFormat::Csv) => super::csv::is_long_csv(path),
        Some(TableFormat::Parquet) => long::is_long_parquet(path),
        Some(_) => false,
    }
}

/// Reads one long-layout universe file into the builders; the registry ids it cites go into `cited`.
pub(crate) fn read_long(
    path: &Path,
    file: FileId,
    checked: Checked<'_>,
    builders: &mut [TableBuilder; 3],
    cited: &mut std::collections::HashSet<String>,
    diags: &mut Vec<Diagnostic>,
) {
    if TableFormat::of(path) != Some(TableFormat::Parquet) {
        return super::csv::read_long_csv(path, file, checked, builders, cited, diags);
    }
    let mut errors = Vec::new();
    if let Err(e) = long::read(path, file, checked, builders, cited, &mut errors) {
        errors.push(unreadable(file, TableFormat::Parquet, &e));
    }
    super::csv::cap_errors(file, &mut errors);
    diags.extend(errors);
}

/// Reads one universe file (CSV, Parquet or Arrow IPC) into the per-kind table builders.
pub(crate) fn read_universe(
    path: &Path,
    file: FileId,
    schemas: &[KindSchema; 3],
    ctx: &TableContext<'_>,
    builders: &mut [TableBuilder; 3],
    diags: &mut Vec<Diagnostic>,
) {
    let format = TableFormat::of(path).unwrap_or(TableFormat::Csv);
    if format == TableFormat::Csv {
        return super::csv::read_csv(path, file, schemas, ctx, builders, diags);
    }
    let mut errors = Vec::new();
    let checked = (schemas, ctx);
    let result = match format {
        TableFormat::Parquet => parquet::read(path, file, checked, builders, &mut errors).map_err(|e| e.to_string()),
        _ => ipc::read(path, file, format == TableFormat::ArrowStream, checked, builders, &mut errors)
            .map_err(|e| e.to_string()),
    };
    if let Err(e) = result {
        errors.push(unreadable(file, format, &e));
    }
    super::csv::cap_errors(file, &mut errors);
    diags.extend(errors);
}

/// A batch of rows and where it sits in its file.
pub(crate) struct Located {
    /// Its arrays, by column of the plan (`None`: decoded by the Parquet reader itself).
    pub(crate) columns: Vec<Option<ArrayRef>>,
    /// How many rows it has.
    pub(crate) rows: usize,
    /// What its group is called: `row group` (Parquet) or `record batch` (Arrow).
    pub(crate) unit: &'static str,
    /// The row group (Parquet) or record batch (Arrow) it belongs to, from 0.
    pub(crate) group: usize,
    /// Its first row's index within the group.
    pub(crate) first_in_group: usize,
    /// Its first row's index within the file.
    pub(crate) first_in_file: usize,
}

/// Resolves a file's schema into a plan: the CSV header's column roles, then each column's type
/// checked against its role and declarations. `None` when the rows cannot be read with it.
fn plan_schema(
    schema: &Schema,
    file: FileId,
    (schemas, ctx): Checked<'_>,
    errors: &mut Vec<Diagnostic>,
) -> Option<Plan> {
    let fields = schema.fields().iter().enumerate().map(|(i, f)| (f.name().clone(), i + 1)).collect();
    let plan = plan_columns(fields, file, schemas, ctx, errors)?;
    let before = errors.len();
    for (i, field) in schema.fields().iter().enumerate() {
        if let Err(d) = types::check(&plan, i, field, schemas) {
            errors.push(d.at_line_col(file, 1, i + 1));
        }
    }
    (errors.len() == before).then_some(plan)
}

impl Located {
    /// A batch whose every column is an array.
    fn whole(
        batch: RecordBatch,
        unit: &'static str,
        group: usize,
        first_in_group: usize,
        first_in_file: usize,
    ) -> Located {
        let rows = batch.num_rows();
        Located {
            columns: batch.columns().iter().cloned().map(Some).collect(),
            rows,
            unit,
            group,
            first_in_group,
            first_in_file,
        }
    }
}

/// Converts batches (every column an array) in parallel and appends them to the builders in order.
fn append_batches(
    batches: Vec<Located>,
    plan: &Plan,
    builders: &mut [TableBuilder; 3],
    errors: &mut Vec<Diagnostic>,
) -> Result<(), ::parquet::errors::ParquetError> {
    let types = column_types(builders);
    let parsed: Vec<Parsed> =
        batches.par_iter().map(|b| cells::convert(b, plan, &types, None)).collect::<Result<_, _>>()?;
    for p in parsed {
        append(p, plan, builders, errors);
    }
    Ok(())
}

/// E901: a file that is not a readable Parquet or Arrow file.
fn unreadable(file: FileId, format: TableFormat, e: &dyn std::fmt::Display) -> Diagnostic {
    let what = match format {
        TableFormat::Parquet => "Parquet",
        _ => "Arrow IPC",
    };
    let text = e.to_string();
    let d =
        Diagnostic::error(Code::ColumnarFile, format!("cannot read this {what} file: {text}")).at_line_col(file, 1, 1);
    if text.contains("compression") || text.contains("codec") || text.contains("feature") {
        d.hint("thesis reads uncompressed, Snappy and LZ4 files: write it with `compression=\"snappy\"` (pyarrow, Polars, DuckDB all offer it)")
    } else {
        d.hint("is this a Parquet (.parquet) or Arrow IPC (.arrow, .feather; .arrows for a stream) file? Write it again with pyarrow, Polars or DuckDB")
    }
}

/// At most [`MAX_ERRORS`] errors are kept per file: a batch stops converting once its own
/// count passes it.
pub(crate) fn enough(errors: &[Diagnostic]) -> bool {
    errors.len() > MAX_ERRORS
}
