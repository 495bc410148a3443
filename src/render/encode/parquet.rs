//! Parquet: the product's record batches in one file, Snappy-compressed (the codec every
//! reader has), row groups of 262,144 rows cut by row count alone, so the file is the
//! same bytes for any thread count.

use std::io::{self, Write};

use arrow_array::RecordBatch;
use arrow_schema::SchemaRef;
use parquet::arrow::ArrowWriter;
use parquet::basic::Compression;
use parquet::file::properties::WriterProperties;

use super::columnar::{BatchSink, io_error};

/// Rows per row group: readers decode groups in parallel, and the writer holds one in memory.
const ROW_GROUP_ROWS: usize = 256 * 1024;

/// The Parquet sink.
pub(crate) struct Parquet<W: Write + Send>(ArrowWriter<W>);

impl<W: Write + Send> Parquet<W> {
    /// A Parquet file of `schema` written into `out`.
    pub(crate) fn new(out: W, schema: SchemaRef) -> io::Result<Parquet<W>> {
        let props = WriterProperties::builder()
            .set_compression(Compression::SNAPPY)
            .set_max_row_group_row_count(Some(ROW_GROUP_ROWS))
            .set_created_by(format!("thesis {}", env!("CARGO_PKG_VERSION")))
            .build();
        ArrowWriter::try_new(out, schema, Some(props)).map(Parquet).map_err(io_error)
    }
}

impl<W: Write + Send> BatchSink for Parquet<W> {
    fn write(&mut self, batch: &RecordBatch) -> io::Result<()> {
        self.0.write(batch).map_err(io_error)
    }

    fn finish(self: Box<Self>) -> io::Result<()> {
        self.0.close().map(|_| ()).map_err(io_error)
    }
}
