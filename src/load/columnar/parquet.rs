//! Parquet universes: the schema planned once, then each row group decoded and converted on its
//! own thread (a reader per row group; its decoded batches are dropped as soon as they are
//! converted), appended in row-group order.

use std::path::Path;

use parquet::arrow::arrow_reader::{ArrowReaderMetadata, ParquetRecordBatchReaderBuilder};
use parquet::errors::ParquetError;
use rayon::prelude::*;

use super::{BATCH_ROWS, Located, cells, plan_schema};
use crate::diag::Diagnostic;
use crate::load::csv::{Parsed, append};
use crate::model::TableBuilder;
use crate::source::FileId;

pub(super) fn read(
    path: &Path,
    file: FileId,
    checked: super::Checked<'_>,
    builders: &mut [TableBuilder; 3],
    errors: &mut Vec<Diagnostic>,
) -> Result<(), ParquetError> {
    let f = super::super::csv::open(path)?;
    let meta = ArrowReaderMetadata::load(&f, Default::default())?;
    let Some(plan) = plan_schema(meta.schema(), file, checked, errors) else {
        return Ok(());
    };
    let groups = meta.metadata().row_groups();
    let firsts: Vec<usize> = groups
        .iter()
        .scan(0usize, |n, g| {
            let first = *n;
            *n += g.num_rows() as usize;
            Some(first)
        })
        .collect();
    let total: usize = groups.iter().map(|g| g.num_rows() as usize).sum();
    for b in builders.iter_mut() {
        if plan.attrs[b.table.kind.index()].iter().any(Option::is_some) {
            b.reserve(total);
        }
    }
    let indices: Vec<usize> = (0..groups.len()).collect();
    // As many groups at once as there are threads: what is held before it is appended is one
    // group's converted rows per thread.
    for chunk in indices.chunks(rayon::current_num_threads().max(1)) {
        let view: &[TableBuilder; 3] = builders;
        let converted: Vec<Result<Vec<Parsed>, ParquetError>> = chunk
            .par_iter()
            .map(|&g| {
                let f = super::super::csv::open(path)?;
                let reader = ParquetRecordBatchReaderBuilder::new_with_metadata(f, meta.clone())
                    .with_row_groups(vec![g])
                    .with_batch_size(BATCH_ROWS)
                    .build()?;
                let mut out = Vec::new();
                let mut in_group = 0;
                for batch in reader {
                    let batch = batch?;
                    let n = batch.num_rows();
                    let at = Located {
                        batch,
                        unit: "row group",
                        group: g,
                        first_in_group: in_group,
                        first_in_file: firsts[g] + in_group,
                    };
                    out.push(cells::convert(&at, &plan, view));
                    in_group += n;
                }
                Ok(out)
            })
            .collect();
        for group in converted {
            for parsed in group? {
                append(parsed, &plan, builders, errors);
            }
            if super::enough(errors) {
                return Ok(());
            }
        }
    }
    Ok(())
}
