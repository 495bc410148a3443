//! Reading long-layout CSV files (load stage): the header resolved with [`plan_long`], then
//! record by record (quoted fields and all) into the [`Observations`] of the long row model.

use std::collections::HashSet;
use std::path::Path;

use super::header::header_fields;
use super::quoted::each_record;
use super::record::column_of;
use super::{cap_errors, read_header};
use crate::diag::{Code, Diagnostic};
use crate::load::long::{FIELDS, LongRow, Observations, is_long, plan_long};
use crate::load::provenance::TableContext;
use crate::model::{KindSchema, TableBuilder};
use crate::source::FileId;

/// Whether a CSV file's header is the long layout (`entity,attribute,value,...`).
pub(crate) fn is_long_csv(path: &Path) -> bool {
    let mut ignored = Vec::new();
    match read_header(path, FileId(0), &mut ignored) {
        Ok(Some((_, header))) => is_long(header_fields(&header).iter().map(|(n, _)| n.as_str())),
        _ => false,
    }
}

/// Reads one long-layout CSV file into the builders (after every wide file and dataset, so
/// its rows can name the entities they define); the registry ids it cites go into `cited`.
pub(crate) fn read_long_csv(
    path: &Path,
    file: FileId,
    (schemas, ctx): (&[KindSchema; 3], &TableContext<'_>),
    builders: &mut [TableBuilder; 3],
    cited: &mut HashSet<String>,
    diags: &mut Vec<Diagnostic>,
) {
    let mut errors = Vec::new();
    if let Err(e) = read(path, file, (schemas, ctx), builders, cited, &mut errors) {
        errors.push(Diagnostic::error(Code::CsvFormat, format!("cannot read: {e}")).at_line_col(file, 1, 1));
    }
    cap_errors(file, &mut errors);
    diags.extend(errors);
}

fn read(
    path: &Path,
    file: FileId,
    (schemas, ctx): (&[KindSchema; 3], &TableContext<'_>),
    builders: &mut [TableBuilder; 3],
    cited: &mut HashSet<String>,
    errors: &mut Vec<Diagnostic>,
) -> std::io::Result<()> {
    let Some((reader, header)) = read_header(path, file, errors)? else { return Ok(()) };
    let Some(plan) = plan_long(header_fields(&header), file, errors) else { return Ok(()) };
    let mut obs = Observations::new(schemas, ctx, builders);
    each_record(reader, plan.columns, file, errors, |fields, line, errors| {
        if fields.len() != plan.columns {
            errors.push(
                Diagnostic::error(
                    Code::CsvFormat,
                    format!("this row has {} fields; the header has {}", fields.len(), plan.columns),
                )
                .at_line_col(file, line, 1),
            );
            return;
        }
        let mut row = LongRow { cells: [""; FIELDS], line, cols: [1; FIELDS] };
        for (f, at) in plan.at.iter().enumerate() {
            if let Some(i) = *at {
                row.cells[f] = fields[i];
                row.cols[f] = column_of(fields, i);
            }
        }
        obs.add(plan.file, &row, None, builders, errors);
    });
    cited.extend(std::mem::take(&mut obs.cited));
    obs.finish(file, builders, errors);
    Ok(())
}
