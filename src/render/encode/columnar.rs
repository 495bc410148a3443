//! Rows of typed values as Arrow record batches, the shared half of the Parquet and Arrow IPC
//! encoders: a rank is `UInt32`, a score, share, weight or number `Float64` (missing is null),
//! text `Utf8` (empty text is null), several names `List<Utf8>`, a raw ledger value its CSV
//! text. A column's type comes from the variant of its values, the same in every row, so every
//! batch of one product has one schema.

use std::io;
use std::sync::Arc;

use arrow_array::builder::{Float64Builder, ListBuilder, StringBuilder, UInt32Builder};
use arrow_array::{ArrayRef, RecordBatch};
use arrow_schema::{ArrowError, DataType, Field, Schema, SchemaRef};

use super::{Column, Value};

/// One column's values so far.
enum Builder {
    Rank(UInt32Builder),
    Number(Float64Builder),
    Text(StringBuilder),
    List(ListBuilder<StringBuilder>),
}

impl Builder {
    fn for_value(v: &Value<'_>, rows: usize) -> Builder {
        match v {
            Value::Rank(_) => Builder::Rank(UInt32Builder::with_capacity(rows)),
            Value::Score(_) | Value::Share(_) | Value::Number(_) | Value::Weight(_) => {
                Builder::Number(Float64Builder::with_capacity(rows))
            }
            Value::Text(_) | Value::Raw(_) => Builder::Text(StringBuilder::with_capacity(rows, rows * 8)),
            Value::List(_) => Builder::List(ListBuilder::new(StringBuilder::new())),
        }
    }

    fn push(&mut self, v: &Value<'_>) {
        match (self, v) {
            (Builder::Rank(b), Value::Rank(r)) => b.append_option(*r),
            (Builder::Number(b), Value::Score(x) | Value::Share(x) | Value::Weight(x)) => b.append_value(*x),
            (Builder::Number(b), Value::Number(x)) => b.append_option(*x),
            (Builder::Text(b), Value::Text(s)) => b.append_option((!s.is_empty()).then_some(*s)),
            (Builder::Text(b), Value::Raw(r)) => b.append_option(raw_text(r)),
            (Builder::List(b), Value::List(names)) => {
                for n in *names {
                    b.values().append_value(n);
                }
                b.append(true);
            }
            (b, _) => b.push_null(),
        }
    }

    fn push_null(&mut self) {
        match self {
            Builder::Rank(b) => b.append_null(),
            Builder::Number(b) => b.append_null(),
            Builder::Text(b) => b.append_null(),
            Builder::List(b) => b.append(false),
        }
    }

    fn finish(&mut self) -> ArrayRef {
        match self {
            Builder::Rank(b) => Arc::new(b.finish()),
            Builder::Number(b) => Arc::new(b.finish()),
            Builder::Text(b) => Arc::new(b.finish()),
            Builder::List(b) => Arc::new(b.finish()),
        }
    }
}

/// A raw ledger value as CSV spells it; missing is null.
fn raw_text(v: &serde_json::Value) -> Option<String> {
    (!v.is_null()).then(|| super::csv::raw(&mut super::csv::Numbers::default(), v))
}

/// Builds one record batch from rows of typed values.
pub(crate) struct BatchEncoder {
    names: Vec<String>,
    builders: Vec<Option<Builder>>,
    rows: usize,
    capacity: usize,
}

impl BatchEncoder {
    /// An encoder for `columns`, with room for `capacity` rows.
    pub(crate) fn new(columns: &[Column], capacity: usize) -> BatchEncoder {
        BatchEncoder {
            names: columns.iter().map(|c| c.name.clone()).collect(),
            builders: columns.iter().map(|_| None).collect(),
            rows: 0,
            capacity,
        }
    }

    /// Adds one row, its values in column order.
    pub(crate) fn row(&mut self, values: &[Value<'_>]) {
        for (slot, v) in self.builders.iter_mut().zip(values) {
            let rows = self.rows;
            let cap = self.capacity;
            slot.get_or_insert_with(|| {
                let mut b = Builder::for_value(v, cap);
                for _ in 0..rows {
                    b.push_null();
                }
                b
            })
            .push(v);
        }
        self.rows += 1;
    }

    /// Whether no row was added.
    pub(crate) fn is_empty(&self) -> bool {
        self.rows == 0
    }

    /// How many rows were added.
    pub(crate) fn len(&self) -> usize {
        self.rows
    }

    /// The batch of the rows added. A column no row gave a value is all-null text.
    pub(crate) fn finish(mut self) -> Result<RecordBatch, ArrowError> {
        let rows = self.rows;
        let arrays: Vec<ArrayRef> = self
            .builders
            .iter_mut()
            .map(|b| match b {
                Some(b) => b.finish(),
                None => arrow_array::new_null_array(&DataType::Utf8, rows),
            })
            .collect();
        let fields: Vec<Field> =
            self.names.iter().zip(&arrays).map(|(n, a)| Field::new(n, a.data_type().clone(), true)).collect();
        RecordBatch::try_new(Arc::new(Schema::new(fields)), arrays)
    }
}

/// Where record batches go: a Parquet or an Arrow IPC file.
pub(crate) trait BatchSink {
    /// Writes one batch.
    fn write(&mut self, batch: &RecordBatch) -> io::Result<()>;
    /// Finishes the file (footer, metadata).
    fn finish(self: Box<Self>) -> io::Result<()>;
}

/// The schema of a product without rows: every column all-null text.
pub(crate) fn empty_schema(columns: &[Column]) -> SchemaRef {
    Arc::new(Schema::new(columns.iter().map(|c| Field::new(&c.name, DataType::Utf8, true)).collect::<Vec<_>>()))
}

/// An Arrow error as an I/O error.
pub(crate) fn io_error(e: impl std::error::Error + Send + Sync + 'static) -> io::Error {
    io::Error::other(e)
}
