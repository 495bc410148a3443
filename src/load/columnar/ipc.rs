//! Arrow IPC universes, the file format (`.arrow`, `.feather`) or the stream format
//! (`.arrows`): record batches read in order and converted in parallel, a few at a time.

use std::io::BufReader;
use std::path::Path;

use arrow_ipc::reader::{FileReader, StreamReader};
use arrow_schema::ArrowError;

use super::{Located, append_batches, plan_schema};
use crate::diag::Diagnostic;
use crate::model::TableBuilder;
use crate::source::FileId;

/// Batches converted at once.
const BATCHES_AT_ONCE: usize = 16;

pub(super) fn read(
    path: &Path,
    file: FileId,
    stream: bool,
    checked: super::Checked<'_>,
    builders: &mut [TableBuilder; 3],
    errors: &mut Vec<Diagnostic>,
) -> Result<(), ArrowError> {
    let f = BufReader::with_capacity(1 << 20, super::super::csv::open(path)?);
    let mut batches: Box<dyn Iterator<Item = Result<arrow_array::RecordBatch, ArrowError>>> =
        if stream { Box::new(StreamReader::try_new(f, None)?) } else { Box::new(FileReader::try_new(f, None)?) };
    let Some(first) = batches.next().transpose()? else {
        return Ok(());
    };
    let Some(plan) = plan_schema(&first.schema(), file, checked, errors) else {
        return Ok(());
    };
    let (mut group, mut first_in_file) = (0, 0);
    let mut pending = vec![first];
    loop {
        while pending.len() < BATCHES_AT_ONCE {
            match batches.next().transpose()? {
                Some(b) => pending.push(b),
                None => break,
            }
        }
        if pending.is_empty() {
            return Ok(());
        }
        let located: Vec<Located> = pending
            .drain(..)
            .map(|batch| {
                let n = batch.num_rows();
                let l = Located::whole(batch, "record batch", group, 0, first_in_file);
                (group, first_in_file) = (group + 1, first_in_file + n);
                l
            })
            .collect();
        append_batches(located, &plan, builders, errors).map_err(|e| ArrowError::ExternalError(Box::new(e)))?;
        if super::enough(errors) {
            return Ok(());
        }
    }
}
