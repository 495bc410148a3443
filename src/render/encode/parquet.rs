//! Parquet: the product's record batches in one file, Snappy-compressed where it pays (the
//! codec every reader has), row groups of 262,144 rows cut by row count alone. The columns of
//! a row group are encoded and compressed in parallel (one column writer each) and appended in
//! schema order, so the file is the same bytes for any thread count.
//!
//! A column is dictionary-encoded when its first rows repeat (at most one distinct value in
//! [`REPEATS`]: ratings, statuses, flags, reason codes) and written plain otherwise (ids, names,
//! scores: a dictionary of unique values is only hashed to be dropped when it outgrows its page).
//! A plain column whose first rows Snappy does not shrink by a tenth is stored uncompressed.
//! A plain text column (ids, names: text that hardly repeats) carries no statistics: its
//! minimum and maximum span every row group of a ranking sorted by score, so a reader could skip
//! nothing by them, and comparing every value for them took a fifth of the write. Numbers and
//! repeating text (ratings, statuses: sorted with the ranking) keep theirs.
//! The choices read the data alone, so they too are the same for any thread count.

use std::io::{self, Write};

use std::collections::HashSet;

use arrow_array::cast::AsArray;
use arrow_array::types::{Float64Type, UInt32Type};
use arrow_array::{Array, RecordBatch};
use arrow_schema::{DataType, SchemaRef};
use parquet::arrow::arrow_writer::{ArrowColumnChunk, ArrowRowGroupWriterFactory, compute_leaves};
use parquet::arrow::{ArrowSchemaConverter, ArrowWriter};
use parquet::basic::Compression;
use parquet::errors::ParquetError;
use parquet::file::properties::{EnabledStatistics, WriterProperties};
use parquet::file::writer::SerializedFileWriter;
use rayon::prelude::*;

use super::columnar::{BatchSink, io_error};

/// Rows per row group: readers decode groups in parallel, and the writer holds one in memory.
pub(crate) const ROW_GROUP_ROWS: usize = 256 * 1024;

/// Rows of the first batch that decide each column's encoding.
const SAMPLE_ROWS: usize = 4096;

/// A column is dictionary-encoded when its sample has at most one distinct value in this many.
const REPEATS: usize = 8;

/// The Parquet sink: batches held until a row group is full, then encoded column by column.
pub(crate) struct Parquet<W: Write + Send> {
    file: SerializedFileWriter<W>,
    columns: ArrowRowGroupWriterFactory,
    schema: SchemaRef,
    pending: Vec<RecordBatch>,
    rows: usize,
    groups: usize,
}

impl<W: Write + Send> Parquet<W> {
    /// A Parquet file of `schema` written into `out`; `first` (the first batch, if any) decides
    /// which columns are dictionary-encoded.
    pub(crate) fn new(out: W, schema: SchemaRef, first: Option<&RecordBatch>) -> io::Result<Parquet<W>> {
        let mut props = WriterProperties::builder()
            .set_compression(Compression::SNAPPY)
            .set_max_row_group_row_count(Some(ROW_GROUP_ROWS))
            .set_created_by(format!("thesis {}", env!("CARGO_PKG_VERSION")))
            .set_dictionary_enabled(false);
        let leaves = ArrowSchemaConverter::new().convert(&schema).map_err(io_error)?;
        // One leaf per column: the schema has no nested structs (a list is one leaf).
        for (c, leaf) in leaves.columns().iter().enumerate() {
            if first.is_some_and(|b| c < b.num_columns() && repeats(b.column(c).as_ref())) {
                props = props.set_column_dictionary_enabled(leaf.path().clone(), true);
            } else {
                if first.is_some_and(|b| c < b.num_columns() && !compresses(b.column(c).as_ref())) {
                    props = props.set_column_compression(leaf.path().clone(), Compression::UNCOMPRESSED);
                }
                if first.is_some_and(|b| c < b.num_columns() && b.column(c).data_type() == &DataType::Utf8) {
                    props = props.set_column_statistics_enabled(leaf.path().clone(), EnabledStatistics::None);
                }
            }
        }
        let props = props.build();
        // ArrowWriter converts the schema and stores it in the file's metadata; the row groups
        // are then written through its lower-level halves.
        let writer = ArrowWriter::try_new(out, schema.clone(), Some(props)).map_err(io_error)?;
        let (file, columns) = writer.into_serialized_writer().map_err(io_error)?;
        Ok(Parquet { file, columns, schema, pending: Vec::new(), rows: 0, groups: 0 })
    }

    /// Encodes the pending rows as one row group: each column on its own task.
    fn flush_group(&mut self) -> io::Result<()> {
        if self.rows == 0 {
            return Ok(());
        }
        let writers = self.columns.create_column_writers(self.groups).map_err(io_error)?;
        let (fields, pending) = (self.schema.fields(), &self.pending);
        // One leaf per column: the schema has no nested structs (a list is one leaf).
        let chunks: Vec<Result<ArrowColumnChunk, ParquetError>> = writers
            .into_par_iter()
            .enumerate()
            .map(|(c, mut w)| {
                for batch in pending {
                    for leaf in compute_leaves(&fields[c], batch.column(c))? {
                        w.write(&leaf)?;
                    }
                }
                w.close()
            })
            .collect();
        let mut group = self.file.next_row_group().map_err(io_error)?;
        for chunk in chunks {
            chunk.map_err(io_error)?.append_to_row_group(&mut group).map_err(io_error)?;
        }
        group.close().map_err(io_error)?;
        self.pending.clear();
        self.rows = 0;
        self.groups += 1;
        Ok(())
    }
}

/// Whether the first rows of a column repeat enough for a dictionary (see the module doc).
fn repeats(column: &dyn Array) -> bool {
    let rows = column.len().min(SAMPLE_ROWS);
    let (distinct, total) = match column.data_type() {
        DataType::Utf8 => {
            let a = column.as_string::<i32>();
            (count(rows, |r| a.is_valid(r).then(|| a.value(r))), rows)
        }
        DataType::Float64 => {
            let a = column.as_primitive::<Float64Type>();
            (count(rows, |r| a.is_valid(r).then(|| a.value(r).to_bits())), rows)
        }
        DataType::UInt32 => {
            let a = column.as_primitive::<UInt32Type>();
            (count(rows, |r| a.is_valid(r).then(|| a.value(r))), rows)
        }
        DataType::List(_) => {
            let list = column.as_list::<i32>();
            let Some(items) = list.values().as_string_opt::<i32>() else { return false };
            let offsets = list.value_offsets();
            let (start, end) = (offsets[0] as usize, offsets[rows] as usize);
            (count(end - start, |i| Some(items.value(start + i))), end - start)
        }
        _ => return false,
    };
    total > 0 && distinct * REPEATS <= total
}

/// Whether Snappy shrinks the first rows of a column (its values' bytes) by at least a tenth;
/// a column it does not (scores, ranks: numbers that hardly repeat) is stored uncompressed,
/// which readers decode without a pass through the codec. Lists are always compressed.
fn compresses(column: &dyn Array) -> bool {
    let rows = column.len().min(SAMPLE_ROWS);
    let bytes: Vec<u8> = match column.data_type() {
        DataType::Float64 => {
            column.as_primitive::<Float64Type>().values()[..rows].iter().flat_map(|x| x.to_le_bytes()).collect()
        }
        DataType::UInt32 => {
            column.as_primitive::<UInt32Type>().values()[..rows].iter().flat_map(|x| x.to_le_bytes()).collect()
        }
        DataType::Utf8 => {
            let a = column.as_string::<i32>();
            (0..rows).flat_map(|r| a.value(r).as_bytes()).copied().collect()
        }
        _ => return true,
    };
    let packed = snap::raw::Encoder::new().compress_vec(&bytes).map_or(bytes.len(), |p| p.len());
    packed * 10 <= bytes.len() * 9
}

/// How many distinct values `value(i)` gives for `i` in `0..n`.
fn count<T: std::hash::Hash + Eq>(n: usize, value: impl Fn(usize) -> T) -> usize {
    (0..n).map(value).collect::<HashSet<T>>().len()
}

impl<W: Write + Send> BatchSink for Parquet<W> {
    fn write(&mut self, batch: &RecordBatch) -> io::Result<()> {
        let mut at = 0;
        while at < batch.num_rows() {
            let take = (ROW_GROUP_ROWS - self.rows).min(batch.num_rows() - at);
            self.pending.push(batch.slice(at, take));
            (self.rows, at) = (self.rows + take, at + take);
            if self.rows == ROW_GROUP_ROWS {
                self.flush_group()?;
            }
        }
        Ok(())
    }

    fn finish(mut self: Box<Self>) -> io::Result<()> {
        self.flush_group()?;
        self.file.close().map(|_| ()).map_err(io_error)
    }
}

#[cfg(test)]
mod tests {
    use arrow_array::builder::{ListBuilder, StringBuilder};
    use arrow_array::{Float64Array, StringArray};

    use super::{BatchSink, Parquet, compresses, repeats};

    #[test]
    fn only_columns_whose_values_repeat_get_a_dictionary() {
        let ratings = StringArray::from_iter_values((0..1000).map(|i| ["Overweight", "Neutral"][i % 2]));
        let ids = StringArray::from_iter_values((0..1000).map(|i| format!("c{i}")));
        let bounds = Float64Array::from_iter_values((0..1000).map(|_| 100.0));
        let scores = Float64Array::from_iter_values((0..1000).map(|i| f64::from(i) / 7.0));
        let mut reasons = ListBuilder::new(StringBuilder::new());
        for i in 0..1000 {
            reasons.values().append_value(["f1", "f2", "f3"][i % 3]);
            reasons.append(true);
        }
        assert!(repeats(&ratings) && repeats(&bounds) && repeats(&reasons.finish()));
        assert!(!repeats(&ids) && !repeats(&scores));
        assert!(!repeats(&StringArray::from(Vec::<&str>::new())), "an empty column");
    }

    #[test]
    fn numbers_that_hardly_repeat_are_stored_uncompressed() {
        // SplitMix64's bits as scores: nothing for Snappy to find.
        let mut state = 0x9E37_79B9_7F4A_7C15u64;
        let mut next = move || {
            state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let z = (state ^ (state >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB) >> 11
        };
        let scores = Float64Array::from_iter_values((0..5000).map(|_| next() as f64 / (1u64 << 53) as f64 * 100.0));
        let clipped = Float64Array::from_iter_values((0..5000).map(|i| if i % 3 == 0 { 55.5 } else { 100.0 }));
        let ids = StringArray::from_iter_values((0..5000).map(|i| format!("company-{i:07}")));
        assert!(!compresses(&scores), "random scores");
        assert!(compresses(&clipped) && compresses(&ids), "repeating scores and ids with a common stem");
    }

    #[test]
    fn ids_and_names_carry_no_statistics_ratings_and_scores_do() {
        use std::sync::Arc;

        use arrow_array::{ArrayRef, RecordBatch};
        use parquet::file::reader::{FileReader, SerializedFileReader};

        let ids: ArrayRef = Arc::new(StringArray::from_iter_values((0..1000).map(|i| format!("c{i:07}"))));
        let ratings: ArrayRef = Arc::new(StringArray::from_iter_values((0..1000).map(|i| ["A", "B"][i / 500])));
        let scores: ArrayRef = Arc::new(Float64Array::from_iter_values((0..1000).map(|i| 100.0 - f64::from(i) / 10.0)));
        let batch = RecordBatch::try_from_iter([("id", ids), ("rating", ratings), ("score", scores)]).expect("a batch");
        let file = tempfile::tempfile().expect("a temporary file");
        let mut sink =
            Box::new(Parquet::new(file.try_clone().expect("a handle"), batch.schema(), Some(&batch)).expect("a sink"));
        sink.write(&batch).expect("written");
        sink.finish().expect("finished");
        let reader = SerializedFileReader::new(file).expect("a Parquet file");
        let group = reader.metadata().row_group(0);
        let has = |c: usize| group.column(c).statistics().is_some();
        assert!(!has(0), "ids");
        assert!(has(1) && has(2), "ratings and scores");
    }
}
