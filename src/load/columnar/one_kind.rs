//! Parquet files whose every row is of one kind, the common case (load stage): each number
//! column read without Arrow ([`super::direct`]) is decoded across all row groups in order
//! straight into the kind's column (its nulls spread in place), a column per task, while the
//! other columns are read through Arrow group by group on the same threads. No number column
//! is held twice or copied on one thread. When a file is not that plain (a row of another
//! kind, or refused; a value not finite; a column ending short; any read error), nothing is
//! kept and the file is read group by group instead, so every diagnostic is that path's.

use std::collections::HashSet;
use std::sync::Arc;

use parquet::errors::ParquetError;
use parquet::file::properties::ReaderProperties;
use parquet::file::reader::RowGroupReader;
use parquet::file::serialized_reader::SerializedRowGroupReader;
use rayon::prelude::*;

use super::direct::{decode, spread};
use super::parquet::Group;
use crate::diag::Diagnostic;
use crate::load::csv::{Filled, Parsed, append_except, open};
use crate::model::{AttrType, Column, Kind, TableBuilder};

/// A number column of the file and the kind's column it is decoded into.
struct Target {
    /// Its Parquet leaf.
    leaf: usize,
    /// The kind's attribute it fills.
    attr: usize,
    /// The kind's column, out of its table while it is filled.
    values: Vec<f64>,
}

/// Reads the file when its every row is of one kind and its number cells are plain; false, with
/// nothing read into `builders` or `errors`, when it is not.
pub(super) fn read(group: &Group<'_>, builders: &mut [TableBuilder; 3], errors: &mut Vec<Diagnostic>) -> bool {
    let Some(kind) = number_kind(group) else { return false };
    let k = kind.index();
    let before = builders[k].len();
    let Some(mut targets) = take_targets(group, kind, &mut builders[k]) else { return false };
    let (parsed, decoded) = rayon::join(|| arrow_groups(group), || decode_all(group, &mut targets));
    let parsed = parsed.ok().filter(|p| all_of_kind(p, kind, group));
    let (Some(parsed), true) = (parsed, decoded) else {
        put_back(targets, &mut builders[k], before);
        return false;
    };
    let mut filled = Filled::default();
    filled[k] = vec![false; builders[k].table.columns.len()];
    for t in &targets {
        filled[k][t.attr] = true;
    }
    for batches in parsed {
        for p in batches {
            append_except(p, group.plan, builders, errors, &filled);
        }
        // As group by group: a file with too many problems stops after the group passing the cap.
        if super::enough(errors) {
            break;
        }
    }
    let rows = builders[k].len();
    put_back(targets, &mut builders[k], rows);
    true
}

/// The kind every directly decoded column is a number attribute of (`None`: no such column).
fn number_kind(group: &Group<'_>) -> Option<Kind> {
    let direct: Vec<usize> = (0..group.leaves.len()).filter(|&i| group.leaves[i].is_some()).collect();
    if direct.is_empty() {
        return None;
    }
    let numbers =
        |k: Kind| direct.iter().all(|&i| matches!(group.plan.attrs[k.index()][i], Some((_, AttrType::Number))));
    Kind::ALL.into_iter().find(|&k| numbers(k))
}

/// Takes the kind's columns the directly decoded columns fill out of its table; `None` (nothing
/// taken) when two fill one, or a column does not hold one value per row.
fn take_targets(group: &Group<'_>, kind: Kind, b: &mut TableBuilder) -> Option<Vec<Target>> {
    let wanted: Vec<(usize, usize)> = (group.leaves.iter().enumerate())
        .filter_map(|(i, leaf)| Some((leaf.as_ref().copied()?, group.plan.attrs[kind.index()][i]?.0 as usize)))
        .collect();
    let distinct = wanted.iter().map(|&(_, attr)| attr).collect::<HashSet<_>>().len() == wanted.len();
    let rows = b.len();
    let whole = |attr: usize| matches!(b.table.columns.get(attr), Some(Column::Number(v)) if v.len() == rows);
    if !distinct || !wanted.iter().all(|&(_, attr)| whole(attr)) {
        return None;
    }
    let mut take = |attr: usize| match &mut b.table.columns[attr] {
        Column::Number(v) => std::mem::take(v),
        _ => Vec::new(),
    };
    Some(wanted.into_iter().map(|(leaf, attr)| Target { leaf, attr, values: take(attr) }).collect())
}

/// Puts the taken columns back into the table, `rows` values long.
fn put_back(targets: Vec<Target>, b: &mut TableBuilder, rows: usize) {
    for mut t in targets {
        t.values.truncate(rows);
        b.table.columns[t.attr] = Column::Number(t.values);
    }
}

/// Every row group's batches, converted without the directly decoded columns.
fn arrow_groups(group: &Group<'_>) -> Result<Vec<Vec<Parsed>>, ParquetError> {
    (0..group.meta.metadata().num_row_groups()).into_par_iter().map(|g| group.read_arrow(g)).collect()
}

/// Whether every row of every group was read as a row of `kind`.
fn all_of_kind(parsed: &[Vec<Parsed>], kind: Kind, group: &Group<'_>) -> bool {
    let accepted = |batches: &[Parsed]| batches.iter().map(|p| p.kinds[kind.index()].ids.len()).sum::<usize>();
    parsed.len() == group.meta.metadata().num_row_groups()
        && parsed.iter().enumerate().all(|(g, batches)| accepted(batches) == group.rows(g))
}

/// Decodes every target, a column per task; false when one is not plain.
fn decode_all(group: &Group<'_>, targets: &mut [Target]) -> bool {
    targets.par_iter_mut().all(|t| decode_column(group, t).unwrap_or(false))
}

/// Appends the column's cells of every row group, in order, to its kind's column; false when a
/// group's cells are not plain (see [`settle`]).
fn decode_column(group: &Group<'_>, t: &mut Target) -> Result<bool, ParquetError> {
    let meta = group.meta.metadata();
    let file = Arc::new(open(group.path)?);
    let props = Arc::new(ReaderProperties::builder().build());
    let nullable = meta.file_metadata().schema_descr().column(t.leaf).max_def_level() > 0;
    let mut levels = Vec::new();
    for g in 0..meta.num_row_groups() {
        let rg = SerializedRowGroupReader::new(file.clone(), meta.row_group(g), None, props.clone())?;
        let (start, rows) = (t.values.len(), group.rows(g));
        levels.clear();
        decode(rg.get_column_reader(t.leaf)?, t.leaf, rows, nullable.then_some(&mut levels), &mut t.values)?;
        if !settle(&mut t.values, start, rows, &levels) {
            return Ok(false);
        }
    }
    Ok(true)
}

/// Whether the values just decoded onto `values[start..]` (nulls left out) are plain: every one
/// finite, and one per row of the group once its nulls are spread as missing values.
fn settle(values: &mut Vec<f64>, start: usize, rows: usize, levels: &[i16]) -> bool {
    let got = values.len() - start;
    if !values[start..].iter().all(|x| x.is_finite()) {
        return false;
    }
    if got == rows {
        return true;
    }
    if levels.len() != rows || levels.iter().filter(|&&l| l == 1).count() != got {
        return false;
    }
    spread(values, start, got, levels);
    true
}

#[cfg(test)]
mod tests {
    use super::settle;

    fn text(values: &[f64]) -> Vec<String> {
        values.iter().map(|x| x.to_string()).collect()
    }

    #[test]
    fn a_groups_nulls_are_spread_after_the_groups_before_it() {
        let mut values = vec![7.0, 1.0, 2.0];
        assert!(settle(&mut values, 1, 3, &[1, 0, 1]));
        assert_eq!(text(&values), ["7", "1", "NaN", "2"]);
    }

    #[test]
    fn a_value_not_finite_or_a_short_column_is_not_plain() {
        assert!(!settle(&mut vec![1.0, f64::INFINITY], 0, 2, &[]));
        assert!(!settle(&mut vec![1.0], 0, 2, &[1, 1]));
        assert!(!settle(&mut vec![1.0], 0, 3, &[1, 0]));
    }
}
