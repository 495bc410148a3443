//! Parquet files in the long layout (`entity, attribute, value, period, published, source, …`):
//! the row model is the long CSV's (`crate::load::long`); this reader only turns each typed cell
//! into the text a CSV export would hold (numbers as their shortest round-trip text, dates as
//! YYYY-MM-DD, booleans as `true`/`false`) and hands the rows over in file order. A row's line
//! is the line a CSV export would put it on (the schema is line 1).

use std::collections::HashSet;
use std::path::Path;

use arrow_array::RecordBatch;
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use parquet::errors::ParquetError;

use super::arrays::text_cells;
use crate::diag::{Code, Diagnostic};
use crate::load::long::{FIELDS, LongRow, Observations, is_long, plan_long};
use crate::load::provenance::TableContext;
use crate::model::{KindSchema, TableBuilder};
use crate::source::FileId;

/// Whether a Parquet file's columns are the long layout's.
pub(super) fn is_long_parquet(path: &Path) -> bool {
    let Ok(f) = super::super::csv::open(path) else { return false };
    match ParquetRecordBatchReaderBuilder::try_new(f) {
        Ok(b) => is_long(b.schema().fields().iter().map(|f| f.name().as_str())),
        Err(_) => false,
    }
}

pub(super) fn read(
    path: &Path,
    file: FileId,
    (schemas, ctx): (&[KindSchema; 3], &TableContext<'_>),
    builders: &mut [TableBuilder; 3],
    cited: &mut HashSet<String>,
    errors: &mut Vec<Diagnostic>,
) -> Result<(), ParquetError> {
    let reader = ParquetRecordBatchReaderBuilder::try_new(super::super::csv::open(path)?)?;
    let schema = reader.schema().clone();
    let names = schema.fields().iter().enumerate().map(|(i, f)| (f.name().clone(), i + 1)).collect();
    let Some(plan) = plan_long(names, file, errors) else { return Ok(()) };
    let mut obs = Observations::new(schemas, ctx, builders);
    let mut line = 2;
    for batch in reader.with_batch_size(super::BATCH_ROWS).build()? {
        let batch: RecordBatch = batch?;
        let mut columns = Vec::with_capacity(plan.columns);
        for (i, field) in schema.fields().iter().enumerate() {
            match text_cells(batch.column(i).as_ref()) {
                Some(get) => columns.push(get),
                None => {
                    errors.push(
                        Diagnostic::error(
                            Code::ColumnType,
                            format!(
                                "column `{}` is {}: the long layout reads text, numbers, booleans and dates",
                                field.name(),
                                field.data_type()
                            ),
                        )
                        .at_line_col(file, 1, i + 1)
                        .hint("write the column as text (or the value's own type)"),
                    );
                    return Ok(());
                }
            }
        }
        for r in 0..batch.num_rows() {
            let texts: Vec<String> = columns.iter().map(|get| get(r).unwrap_or_default()).collect();
            let mut row = LongRow { cells: [""; FIELDS], line, cols: [1; FIELDS] };
            for (f, at) in plan.at.iter().enumerate() {
                if let Some(i) = *at {
                    row.cells[f] = &texts[i];
                    row.cols[f] = i + 1;
                }
            }
            obs.add(file, &row, None, builders, errors);
            line += 1;
        }
        if super::enough(errors) {
            break;
        }
    }
    cited.extend(std::mem::take(&mut obs.cited));
    obs.finish(file, builders, errors);
    Ok(())
}
