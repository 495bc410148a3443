//! Number columns of a Parquet row group decoded straight into `f64` values (load stage): the
//! attribute columns stored as DOUBLE, FLOAT, INT32 or INT64 (read by Arrow as Float64,
//! Float32, Int32, Int64), flat and at most optional, skip Arrow's arrays. Each column of a
//! row group is decoded whole (its pages dropped before the next column is read), nulls
//! spread as missing values, then handed out batch by batch: moved into the kind's column
//! when one kind holds every row of the batch, else read row by row. The values and
//! diagnostics are the ones the Arrow path gives (see `cells.rs`). A file whose every row is
//! of one kind skips this hand-out: [`super::one_kind`] decodes each column with [`decode`]
//! across all row groups straight into the kind's column.

use std::sync::Arc;

use arrow_schema::{DataType, Schema};
use parquet::basic::Type as Physical;
use parquet::column::reader::{ColumnReader, ColumnReaderImpl};
use parquet::data_type::{DataType as ParquetType, DoubleType};
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

/// The directly decoded columns of one row group: each decoded whole, one column at a time
/// (so only one column's pages are held), then handed out batch by batch.
pub(crate) struct Direct {
    /// By plan column: what is left of its cells.
    columns: Vec<Option<Dense>>,
    /// By plan column: whether every value of the group is finite.
    finite: Vec<bool>,
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
    /// The columns of `leaves` of row group `group` (`rows` rows), decoded.
    pub(super) fn read_group(
        file: std::fs::File,
        meta: &ParquetMetaData,
        (group, rows): (usize, usize),
        leaves: &[Option<usize>],
    ) -> Result<Direct, ParquetError> {
        let props = Arc::new(ReaderProperties::builder().build());
        let rg = SerializedRowGroupReader::new(Arc::new(file), meta.row_group(group), None, props)?;
        let descr = meta.file_metadata().schema_descr();
        let mut direct = Direct { columns: Vec::with_capacity(leaves.len()), finite: Vec::with_capacity(leaves.len()) };
        for leaf in leaves {
            let Some(leaf) = *leaf else {
                direct.columns.push(None);
                direct.finite.push(true);
                continue;
            };
            let mut levels = Vec::new();
            let def = (descr.column(leaf).max_def_level() > 0).then_some(&mut levels);
            let mut values = Vec::with_capacity(rows);
            decode(rg.get_column_reader(leaf)?, leaf, rows, def, &mut values)?;
            let got = values.len();
            if levels.len() != rows && got != rows {
                return Err(ParquetError::General(format!("a column ended after {got} of {rows} rows")));
            }
            direct.finite.push(values.iter().all(|x| x.is_finite()));
            if got == rows {
                levels.clear();
            } else {
                spread(&mut values, 0, got, &levels);
            }
            direct.columns.push(Some(Dense { values, levels }));
        }
        Ok(direct)
    }

    /// Whether plan column `i` is decoded here.
    pub(crate) fn has(&self, i: usize) -> bool {
        self.columns.get(i).is_some_and(Option::is_some)
    }

    /// The next `n` cells of column `i` (NaN where null), moved into `out` (which is
    /// replaced); the definition levels when the group has nulls (else empty), and whether
    /// every value (of a valid cell) is finite.
    pub(crate) fn read_into(
        &mut self,
        i: usize,
        n: usize,
        out: &mut Vec<f64>,
    ) -> Result<(Vec<i16>, bool), ParquetError> {
        let Dense { values, levels } = self.read(i, n)?;
        let finite = self.finite[i]
            || match levels.is_empty() {
                true => values.iter().all(|x| x.is_finite()),
                false => values.iter().zip(&levels).all(|(x, &l)| l == 0 || x.is_finite()),
            };
        *out = values;
        Ok((levels, finite))
    }

    /// The next `n` cells of column `i`.
    pub(crate) fn read(&mut self, i: usize, n: usize) -> Result<Dense, ParquetError> {
        let Some(left) = self.columns.get_mut(i).and_then(Option::as_mut) else {
            return Err(ParquetError::General(format!("column {i} is not decoded directly")));
        };
        if left.values.len() < n {
            return Err(ParquetError::General(format!("a column ended {} rows short", n - left.values.len())));
        }
        let levels = if left.levels.is_empty() { Vec::new() } else { front(&mut left.levels, n) };
        Ok(Dense { values: front(&mut left.values, n), levels })
    }
}

/// The first `n` items of `v`, taken off it (what is copied is the rest, after them: little for
/// a group of a batch and a short one, as most are).
fn front<T: Copy>(v: &mut Vec<T>, n: usize) -> Vec<T> {
    if n >= v.len() {
        return std::mem::take(v);
    }
    let rest = v.split_off(n);
    std::mem::replace(v, rest)
}

/// Appends `n` records of number column `leaf` to `out` as `f64` values (nulls left out), and
/// their definition levels to `levels` when asked.
pub(super) fn decode(
    reader: ColumnReader,
    leaf: usize,
    n: usize,
    levels: Option<&mut Vec<i16>>,
    out: &mut Vec<f64>,
) -> Result<(), ParquetError> {
    match reader {
        ColumnReader::DoubleColumnReader(mut r) => fill(&mut r, n, levels, out),
        ColumnReader::FloatColumnReader(mut r) => fill_as(&mut r, n, levels, out, f64::from),
        ColumnReader::Int32ColumnReader(mut r) => fill_as(&mut r, n, levels, out, f64::from),
        ColumnReader::Int64ColumnReader(mut r) => fill_as(&mut r, n, levels, out, |x| x as f64),
        _ => Err(ParquetError::General(format!("column {leaf} changed its type"))),
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
pub(super) fn spread(out: &mut Vec<f64>, start: usize, got: usize, levels: &[i16]) {
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
