//! Arrow IPC: the product's record batches in the IPC file format (Feather v2, `.arrow`),
//! uncompressed, one batch per block of rows formatted together (fixed sizes, so the same bytes
//! for any thread count).

use std::io::{self, Write};

use arrow_array::RecordBatch;
use arrow_ipc::writer::FileWriter;
use arrow_schema::SchemaRef;

use super::columnar::{BatchSink, io_error};

/// The Arrow IPC file sink.
pub(crate) struct ArrowIpc<W: Write>(FileWriter<W>);

impl<W: Write> ArrowIpc<W> {
    /// An Arrow IPC file of `schema` written into `out`.
    pub(crate) fn new(out: W, schema: SchemaRef) -> io::Result<ArrowIpc<W>> {
        FileWriter::try_new(out, &schema).map(ArrowIpc).map_err(io_error)
    }
}

impl<W: Write> BatchSink for ArrowIpc<W> {
    fn write(&mut self, batch: &RecordBatch) -> io::Result<()> {
        self.0.write(batch).map_err(io_error)
    }

    fn finish(mut self: Box<Self>) -> io::Result<()> {
        self.0.finish().map_err(io_error)
    }
}
