//! Number columns of a Parquet row group decoded straight into `f64` values (load stage): the
//! attribute columns stored as DOUBLE, FLOAT, INT32 or INT64 (read by Arrow as Float64,
//! Float32, Int32, Int64), flat and at most optional, skip Arrow's arrays. Their pages are
//! decompressed and decoded into the kind's column itself when one kind holds every row of
//! the batch, else into a batch-long buffer; nulls become missing values. The values and
//! diagnostics are the ones the Arrow path gives (see `cells.rs`).

use std::sync::Arc;

use arrow_schema::{DataType, Schema};
use parquet::basic::Type as Physical;
use parquet::column::reader::{ColumnReader, ColumnReaderImpl};
use parquet::data_type::{DataType as ParquetType, DoubleType, FloatType, Int32Type, Int64Type};
use parquet::errors::ParquetError;
use parquet::file::metadata::ParquetMetaData;
use parquet::file::properties::ReaderProperties;
use parquet::file::reader::RowGroupReader;
use parquet::file::serialized_reader::SerializedRowGroupReader;

use crate::load::csv::header::{ColumnRole, Plan};

/// For each column of the plan, the Parquet leaf it is decoded from directly (`None`: through
/// Arrow).
pub(super) fn direct_leaves(plan: &Plan, schema: &Schema, meta: &ParquetMetaData) -> Vec<Option<usize>> {
    let descr = meta.file_metadata().schema_descr();
    let mut leaves: Vec<Vec<usize>> = vec![Vec::new(); schema.fields().len()];
    for leaf in 0..descr.num_columns() {
        if let Some(l) = leaves.get_mut(descr.get_column_root_idx(leaf)) {
            l.push(leaf);
        }
    }
    (0..plan.roles.len())
        .map(|i| {
            let (ColumnRole::Attribute(_), [leaf]) = (&plan.roles[i], leaves.get(i)?.as_slice()) else { return None };
            let c = descr.column(*leaf);
            let fits = matches!(
                (c.physical_type(), schema.field(i).data_type()),
                (Physical::DOUBLE, DataType::Float64)
                    | (Physical::FLOAT, DataType::Float32)
                    | (Physical::INT32, DataType::Int32)
                    | (Physical::INT64, DataType::Int64)
            );
            (fits && c.max_rep_level() == 0 && c.max_def_level() <= 1).then_some(*leaf)
        })
        .collect()
}

/// One typed column reader.
enum Reader {
    F64(ColumnReaderImpl<DoubleType>),
    F32(ColumnReaderImpl<FloatType>),
    I32(ColumnReaderImpl<Int32Type>),
    I64(ColumnReaderImpl<Int64Type>),
}

/// The directly decoded columns of one row group, read batch by batch in step.
pub(crate) struct Direct {
    /// By plan column: its reader and whether it may hold nulls.
    readers: Vec<Option<(Reader, bool)>>,
}

/// The cells of one batch of a column: one value per row (NaN where null), and the definition
/// levels when the batch has nulls (1: a value, 0: null).
pub(crate) struct Dense {
    pub(crate) values: Vec<f64>,
    pub(crate) levels: Vec<i16>,
}

impl Dense {
    pub(crate) fn is_valid(&self, r: usize) -> bool {
        self.levels.is_empty() || self.levels[r] == 1
    }
}

impl Direct {
    /// Readers of row group `group` for the columns of `leaves`.
    pub(super) fn open(
        file: std::fs::File,
        meta: &ParquetMetaData,
        group: usize,
        leaves: &[Option<usize>],
    ) -> Result<Direct, ParquetError> {
        let props = Arc::new(ReaderProperties::builder().build());
        let rg = SerializedRowGroupReader::new(Arc::new(file), meta.row_group(group), None, props)?;
        let descr = meta.file_metadata().schema_descr();
        let readers = leaves
            .iter()
            .map(|leaf| {
                let Some(leaf) = *leaf else { return Ok(None) };
                let optional = descr.column(leaf).max_def_level() > 0;
                let reader = match rg.get_column_reader(leaf)? {
                    ColumnReader::DoubleColumnReader(r) => Reader::F64(r),
                    ColumnReader::FloatColumnReader(r) => Reader::F32(r),
                    ColumnReader::Int32ColumnReader(r) => Reader::I32(r),
                    ColumnReader::Int64ColumnReader(r) => Reader::I64(r),
                    _ => return Err(ParquetError::General(format!("column {leaf} changed its type"))),
                };
                Ok(Some((reader, optional)))
            })
            .collect::<Result<_, ParquetError>>()?;
        Ok(Direct { readers })
    }

    /// Whether plan column `i` is decoded here.
    pub(crate) fn has(&self, i: usize) -> bool {
        self.readers.get(i).is_some_and(Option::is_some)
    }

    /// The next `n` cells of column `i` appended to `out` (NaN where null); the definition
    /// levels when there were nulls (else empty), and whether every value is finite.
    pub(crate) fn read_into(
        &mut self,
        i: usize,
        n: usize,
        out: &mut Vec<f64>,
    ) -> Result<(Vec<i16>, bool), ParquetError> {
        let Some((reader, optional)) = self.readers.get_mut(i).and_then(Option::as_mut) else {
            return Err(ParquetError::General(format!("column {i} is not decoded directly")));
        };
        let start = out.len();
        let mut levels = Vec::new();
        let def = optional.then_some(&mut levels);
        match reader {
            Reader::F64(r) => fill(r, n, def, out)?,
            Reader::F32(r) => fill_as(r, n, def, out, f64::from)?,
            Reader::I32(r) => fill_as(r, n, def, out, f64::from)?,
            Reader::I64(r) => fill_as(r, n, def, out, |x| x as f64)?,
        }
        let got = out.len() - start;
        if levels.len() != n && got != n {
            return Err(ParquetError::General(format!("a column ended after {got} of {n} rows")));
        }
        let finite = out[start..].iter().all(|x| x.is_finite());
        if got == n {
            levels.clear();
        } else {
            spread(out, start, got, &levels);
        }
        Ok((levels, finite))
    }

    /// The next `n` cells of column `i`.
    pub(crate) fn read(&mut self, i: usize, n: usize) -> Result<Dense, ParquetError> {
        let mut values = Vec::with_capacity(n);
        let (levels, _) = self.read_into(i, n, &mut values)?;
        Ok(Dense { values, levels })
    }
}

/// Reads `n` records of a double column onto `out` (values only, nulls left out).
fn fill(
    r: &mut ColumnReaderImpl<DoubleType>,
    n: usize,
    mut levels: Option<&mut Vec<i16>>,
    out: &mut Vec<f64>,
) -> Result<(), ParquetError> {
    let mut records = 0;
    while records < n {
        let (got, _, _) = r.read_records(n - records, levels.as_deref_mut(), None, out)?;
        if got == 0 {
            break;
        }
        records += got;
    }
    Ok(())
}

/// [`fill`] for the other number types, each value converted to `f64`.
fn fill_as<T: ParquetType>(
    r: &mut ColumnReaderImpl<T>,
    n: usize,
    mut levels: Option<&mut Vec<i16>>,
    out: &mut Vec<f64>,
    to: impl Fn(T::T) -> f64,
) -> Result<(), ParquetError>
where
    T::T: Copy,
{
    let mut buf: Vec<T::T> = Vec::with_capacity(n);
    let mut records = 0;
    while records < n {
        let (got, _, _) = r.read_records(n - records, levels.as_deref_mut(), None, &mut buf)?;
        if got == 0 {
            break;
        }
        records += got;
    }
    out.extend(buf.into_iter().map(to));
    Ok(())
}

/// Moves the `got` values at `out[start..]` to the rows whose level is 1, NaN in the others.
fn spread(out: &mut Vec<f64>, start: usize, got: usize, levels: &[i16]) {
    out.resize(start + levels.len(), f64::NAN);
    let mut next = start + got;
    for (r, &level) in levels.iter().enumerate().rev() {
        let at = start + r;
        if level == 1 {
            next -= 1;
            out[at] = out[next];
        } else {
            out[at] = f64::NAN;
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn values_move_to_the_rows_that_have_them() {
        let mut out = vec![9.0, 1.0, 2.0, 3.0];
        super::spread(&mut out, 1, 3, &[0, 1, 1, 0, 1]);
        let text: Vec<String> = out.iter().map(|x| x.to_string()).collect();
        assert_eq!(text, ["9", "NaN", "1", "2", "NaN", "3"]);
    }
}
