//! Parquet universes: the schema planned once, then read one of two ways. A file whose every
//! row is of one kind has its number columns decoded column by column straight into that kind's
//! columns ([`super::one_kind`]). Any other file has each row group decoded and converted on its
//! own thread (a reader per row group; its decoded batches are dropped as soon as they are
//! converted), appended in row-group order. Number attribute columns are decoded without Arrow
//! ([`super::direct`]); the other columns are read through Arrow's reader, projected to them.

use std::path::Path;

use parquet::arrow::ProjectionMask;
use parquet::arrow::arrow_reader::{ArrowReaderMetadata, ParquetRecordBatchReader, ParquetRecordBatchReaderBuilder};
use parquet::errors::ParquetError;
use rayon::prelude::*;

use super::direct::{Direct, direct_leaves};
use super::{BATCH_ROWS, Located, cells, plan_schema};
use crate::diag::Diagnostic;
use crate::load::csv::header::Plan;
use crate::load::csv::{Parsed, append, column_types, open};
use crate::model::{Column, TableBuilder};
use crate::source::FileId;

pub(super) fn read(
    path: &Path,
    file: FileId,
    checked: super::Checked<'_>,
    builders: &mut [TableBuilder; 3],
    errors: &mut Vec<Diagnostic>,
) -> Result<(), ParquetError> {
    let meta = ArrowReaderMetadata::load(&open(path)?, Default::default())?;
    let Some(plan) = plan_schema(meta.schema(), file, checked, errors) else {
        return Ok(());
    };
    let leaves = direct_leaves(&plan, meta.schema(), meta.metadata());
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
    let types = column_types(builders);
    let group = Group { path, meta: &meta, plan: &plan, leaves: &leaves, types: &types, firsts: &firsts };
    if super::one_kind::read(&group, builders, errors) {
        return Ok(());
    }
    by_groups(&group, builders, errors)
}

/// Reads the file group by group: as many groups at once as there are threads, appended in order.
fn by_groups(
    group: &Group<'_>,
    builders: &mut [TableBuilder; 3],
    errors: &mut Vec<Diagnostic>,
) -> Result<(), ParquetError> {
    let indices: Vec<usize> = (0..group.meta.metadata().num_row_groups()).collect();
    // As many groups at once as there are threads: what is held before it is appended is one
    // group's converted rows per thread.
    for chunk in indices.chunks(rayon::current_num_threads().max(1)) {
        let converted: Vec<Result<Vec<Parsed>, ParquetError>> = chunk.par_iter().map(|&g| group.read(g)).collect();
        for parsed in converted {
            for parsed in parsed? {
                append(parsed, group.plan, builders, errors);
            }
            if super::enough(errors) {
                return Ok(());
            }
        }
    }
    Ok(())
}

/// What every row group is read with.
pub(super) struct Group<'a> {
    pub(super) path: &'a Path,
    pub(super) meta: &'a ArrowReaderMetadata,
    pub(super) plan: &'a Plan,
    /// The columns decoded directly (see [`direct_leaves`]).
    pub(super) leaves: &'a [Option<usize>],
    types: &'a [Vec<Column>; 3],
    /// Each group's first row in the file.
    firsts: &'a [usize],
}

impl Group<'_> {
    /// Row group `g`, batch by batch.
    fn read(&self, g: usize) -> Result<Vec<Parsed>, ParquetError> {
        let reader = self.arrow_reader(g)?;
        let rows = self.rows(g);
        let mut direct = Direct::read_group(open(self.path)?, self.meta.metadata(), (g, rows), self.leaves)?;
        self.convert(g, reader, Some(&mut direct))
    }

    /// Row group `g`, batch by batch, its directly decoded columns left out (left empty).
    pub(super) fn read_arrow(&self, g: usize) -> Result<Vec<Parsed>, ParquetError> {
        self.convert(g, self.arrow_reader(g)?, None)
    }

    /// How many rows group `g` has.
    pub(super) fn rows(&self, g: usize) -> usize {
        self.meta.metadata().row_group(g).num_rows() as usize
    }

    /// A reader of the columns of row group `g` not decoded directly.
    fn arrow_reader(&self, g: usize) -> Result<ParquetRecordBatchReader, ParquetError> {
        let arrow: Vec<usize> = (0..self.leaves.len()).filter(|&i| self.leaves[i].is_none()).collect();
        let mask = ProjectionMask::roots(self.meta.parquet_schema(), arrow.iter().copied());
        ParquetRecordBatchReaderBuilder::new_with_metadata(open(self.path)?, self.meta.clone())
            .with_row_groups(vec![g])
            .with_projection(mask)
            .with_batch_size(BATCH_ROWS)
            .build()
    }

    /// Converts the batches of row group `g`; `direct` decodes the columns Arrow does not read.
    fn convert(
        &self,
        g: usize,
        reader: ParquetRecordBatchReader,
        mut direct: Option<&mut Direct>,
    ) -> Result<Vec<Parsed>, ParquetError> {
        let mut out = Vec::new();
        let mut in_group = 0;
        for batch in reader {
            let batch = batch?;
            let mut arrays = batch.columns().iter().cloned();
            let columns = self.leaves.iter().map(|leaf| if leaf.is_none() { arrays.next() } else { None }).collect();
            let at = Located {
                columns,
                rows: batch.num_rows(),
                unit: "row group",
                group: g,
                first_in_group: in_group,
                first_in_file: self.firsts[g] + in_group,
            };
            out.push(cells::convert(&at, self.plan, self.types, direct.as_deref_mut())?);
            in_group += at.rows;
        }
        Ok(out)
    }
}
