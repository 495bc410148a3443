//! A whole Parquet or Arrow IPC file as an [`Encoder`]: rows go into one record batch, and the
//! file (schema, batch, footer) is written when the bytes are taken. For products written in
//! one piece (`history`, `robust`); `rank` streams its batches through the sinks itself.

use std::io;

use super::arrow::ArrowIpc;
use super::columnar::{BatchEncoder, BatchSink, empty_schema, io_error};
use super::parquet::Parquet;
use super::{Column, Encoder, Value};

/// Which file format of Arrow record batches.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum BatchFormat {
    Parquet,
    Arrow,
}

/// Opens the sink of `format` over `out`, for batches of `schema`; `first` is the first batch
/// to come, if any (Parquet chooses each column's encoding from it).
pub(crate) fn open_sink<'w, W: io::Write + Send + 'w>(
    format: BatchFormat,
    out: W,
    schema: arrow_schema::SchemaRef,
    first: Option<&arrow_array::RecordBatch>,
) -> io::Result<Box<dyn BatchSink + Send + 'w>> {
    Ok(match format {
        BatchFormat::Parquet => Box::new(Parquet::new(out, schema, first)?),
        BatchFormat::Arrow => Box::new(ArrowIpc::new(out, schema)?),
    })
}

/// The encoder of a whole file.
pub(crate) struct BatchFile {
    format: BatchFormat,
    columns: Vec<Column>,
    rows: Option<BatchEncoder>,
    capacity: usize,
}

impl BatchFile {
    /// An encoder of a `format` file, with room for `capacity` rows.
    pub(crate) fn new(format: BatchFormat, capacity: usize) -> BatchFile {
        BatchFile { format, columns: Vec::new(), rows: None, capacity }
    }
}

impl Encoder for BatchFile {
    fn header(&mut self, columns: &[Column]) -> io::Result<()> {
        self.columns = columns.to_vec();
        self.rows = Some(BatchEncoder::new(columns, self.capacity));
        Ok(())
    }

    fn row(&mut self, values: &[Value<'_>]) -> io::Result<()> {
        match &mut self.rows {
            Some(rows) => {
                rows.row(values);
                Ok(())
            }
            None => Err(io::Error::other("a row before the header")),
        }
    }

    fn into_bytes(self) -> io::Result<Vec<u8>> {
        let mut bytes = Vec::new();
        let batch = match self.rows {
            Some(rows) if !rows.is_empty() => Some(rows.finish().map_err(io_error)?),
            _ => None,
        };
        let schema = batch.as_ref().map_or_else(|| empty_schema(&self.columns), |b| b.schema());
        let mut sink = open_sink(self.format, &mut bytes, schema, batch.as_ref())?;
        if let Some(b) = &batch {
            sink.write(b)?;
        }
        sink.finish()?;
        Ok(bytes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_without_rows_has_its_columns_as_text() {
        for format in [BatchFormat::Parquet, BatchFormat::Arrow] {
            let mut enc = BatchFile::new(format, 0);
            enc.header(&[Column::new("id", None, false)]).expect("header");
            let bytes = enc.into_bytes().expect("bytes");
            let magic: &[u8] = if format == BatchFormat::Parquet { b"PAR1" } else { b"ARROW1" };
            assert!(bytes.starts_with(magic) && bytes.ends_with(magic), "{format:?}");
        }
    }
}
