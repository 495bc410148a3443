//! Reading CSV universes (load stage, called by the dataset check): one row per entity,
//! `id,name,kind`, then one column per declared attribute, `segment:<id>` / `region:<id>`
//! exposure columns, an optional `headquarters` column and optional provenance columns (see
//! [`crate::load::provenance`]).
//!
//! Files without quotes are read in bounded blocks parsed in parallel ([`blocks`]); a file with
//! a quote anywhere is read again through the `csv` crate record by record ([`quoted`]). Both
//! paths share the per-record rules ([`record`]).

use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::Path;

use crate::diag::{Code, Diagnostic};
use crate::load::provenance::TableContext;
use crate::model::{KindSchema, TableBuilder};
use crate::source::FileId;

/// Most diagnostics reported for one CSV file before the rest are summarised.
pub(crate) const MAX_ERRORS: usize = 100;
/// Bytes read and parsed at a time on the parallel path.
const BLOCK_BYTES: usize = 8 << 20;
/// The longest line (header or record) read: a file without newlines must not be gathered
/// into memory whole.
const MAX_LINE_BYTES: usize = 256 << 20;

mod blocks;
pub(crate) mod header;
mod long;
mod quoted;
mod record;
#[cfg(test)]
mod tests;

pub(crate) use long::{is_long_csv, read_long_csv};
pub(crate) use record::{Filled, Parsed, append, append_except, column_types, parse_cell, store_cell};

use header::{Plan, plan_header};
use quoted::read_quoted;

/// Reads one CSV file into the per-kind table builders.
pub(crate) fn read_csv(
    path: &Path,
    file: FileId,
    schemas: &[KindSchema; 3],
    ctx: &TableContext<'_>,
    builders: &mut [TableBuilder; 3],
    diags: &mut Vec<Diagnostic>,
) {
    let mut errors = Vec::new();
    if let Err(e) = read_csv_inner(path, file, schemas, ctx, builders, &mut errors) {
        errors.push(Diagnostic::error(Code::CsvFormat, format!("cannot read: {e}")).at_line_col(file, 1, 1));
    }
    cap_errors(file, &mut errors);
    diags.extend(errors);
}

/// Keeps the first [`MAX_ERRORS`] problems of a file and says how many more there were.
pub(crate) fn cap_errors(file: FileId, errors: &mut Vec<Diagnostic>) {
    if errors.len() > MAX_ERRORS {
        let more = errors.len() - MAX_ERRORS;
        errors.truncate(MAX_ERRORS);
        errors.push(
            Diagnostic::error(Code::CsvFormat, format!("{more} more problems in this file are not shown"))
                .at_line_col(file, 1, 1),
        );
    }
}

fn read_csv_inner(
    path: &Path,
    file: FileId,
    schemas: &[KindSchema; 3],
    ctx: &TableContext<'_>,
    builders: &mut [TableBuilder; 3],
    errors: &mut Vec<Diagnostic>,
) -> std::io::Result<()> {
    let Some((mut reader, header)) = read_header(path, file, errors)? else { return Ok(()) };
    let Some(plan) = plan_header(&header, file, schemas, ctx, errors) else {
        return Ok(());
    };
    let size = reader.get_ref().metadata()?.len();
    let mark = Mark::of(builders, errors);
    match blocks::read_blocks(&mut reader, size, BLOCK_BYTES, &plan, builders, errors)? {
        blocks::Read::Done => Ok(()),
        blocks::Read::Quoted => {
            // A quote somewhere: the whole file is read again, record by record.
            mark.rewind(builders, errors);
            if let Some(prov) = &plan.prov {
                prov.forget();
            }
            let Some((reader, _)) = read_header(path, file, errors)? else { return Ok(()) };
            read_quoted(reader, &plan, builders, errors)
        }
    }
}

/// How much the builders and the diagnostics held before a file was read.
struct Mark {
    errors: usize,
    tables: [(usize, usize, usize, usize); 3],
}

impl Mark {
    fn of(builders: &[TableBuilder; 3], errors: &[Diagnostic]) -> Mark {
        let tables =
            builders.each_ref().map(|b| (b.len(), b.table.origins.len(), b.exposures.len(), b.headquarters.len()));
        Mark { errors: errors.len(), tables }
    }

    /// Drops everything the file added.
    fn rewind(self, builders: &mut [TableBuilder; 3], errors: &mut Vec<Diagnostic>) {
        errors.truncate(self.errors);
        for (b, (rows, origins, exposures, headquarters)) in builders.iter_mut().zip(self.tables) {
            b.table.ids.truncate(rows);
            b.table.names.truncate(rows);
            for c in &mut b.table.columns {
                record::truncate_column(c, rows);
            }
            b.table.origins.truncate(origins);
            b.table.wide.truncate(rows);
            b.exposures.truncate(exposures);
            b.headquarters.truncate(headquarters);
        }
    }
}

/// Reserves room for about `rows` more rows in the columns of the kinds the file fills.
fn reserve(builders: &mut [TableBuilder; 3], plan: &Plan, rows: usize) {
    for b in builders.iter_mut() {
        if plan.attrs[b.table.kind.index()].iter().any(Option::is_some) {
            b.reserve(rows);
        }
    }
}

/// Opens the file and reads its header line (without a byte-order mark or line end); `None`
/// when the line is too long (reported).
fn read_header(
    path: &Path,
    file: FileId,
    errors: &mut Vec<Diagnostic>,
) -> std::io::Result<Option<(BufReader<File>, String)>> {
    let mut reader = BufReader::with_capacity(1 << 20, open(path)?);
    let mut header = String::new();
    (&mut reader).take(MAX_LINE_BYTES as u64 + 1).read_line(&mut header)?;
    if header.len() > MAX_LINE_BYTES {
        errors.push(long_line(file, 1));
        return Ok(None);
    }
    let header = header.trim_start_matches('\u{feff}').trim_end_matches(['\n', '\r']).to_string();
    Ok(Some((reader, header)))
}

/// Opens a regular file (a pipe or device is refused before it is opened).
pub(crate) fn open(path: &Path) -> std::io::Result<File> {
    crate::files::open_regular(path).map_err(|e| match e {
        crate::files::Refusal::Io(e) => e,
        other => std::io::Error::other(other.to_string()),
    })
}

fn long_line(file: FileId, line: usize) -> Diagnostic {
    Diagnostic::error(Code::CsvFormat, format!("a line longer than {} MiB", MAX_LINE_BYTES >> 20))
        .at_line_col(file, line, 1)
        .hint("CSV rows end with a newline; is this a CSV file?")
}
