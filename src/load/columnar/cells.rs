//! One record batch into rows per kind: kinds and ids first, then each column's cells into the
//! kinds' attribute columns, checked as CSV cells are (their messages and codes), each problem
//! naming the row group and row. Number columns a Parquet reader decodes itself
//! ([`super::direct`]) come from it instead of an Arrow array, in the same order.

use std::borrow::Cow;

use arrow_array::cast::AsArray;
use arrow_array::types::*;
use arrow_array::{Array, ArrayRef};
use arrow_schema::DataType;

use parquet::errors::ParquetError;

use super::Located;
use super::arrays::{Get, booleans, dates, list, numbers, strings, text_cells};
use super::direct::{Dense, Direct};
use crate::diag::{Code, Diagnostic, Problem};
use crate::load::csv::header::{ColumnRole, Plan};
use crate::load::csv::{Parsed, store_cell};
use crate::load::provenance::ProvPlan;
use crate::model::{AttrType, Column, Kind, RawRelation, Row};

/// Converts one batch into rows per kind, with the problems of its cells; `direct` decodes the
/// columns the batch has no array for.
pub(super) fn convert(
    b: &Located,
    plan: &Plan,
    types: &[Vec<Column>; 3],
    mut direct: Option<&mut Direct>,
) -> Result<Parsed, ParquetError> {
    let mut out = Parsed::new(plan, types, 0);
    let rows = entities(b, plan, &mut out);
    for k in Kind::ALL {
        let n = rows[k.index()].len();
        let part = &mut out.kinds[k.index()];
        // Number columns are filled whole as they are read (no room is taken for the ones a
        // reader fills itself); the others start missing.
        part.columns = types[k.index()]
            .iter()
            .map(|c| match c {
                Column::Number(_) => Column::Number(Vec::new()),
                c => missing_like(c, n),
            })
            .collect();
    }
    for (i, role) in plan.roles.iter().enumerate() {
        let at = |r: u32| Cell { b, plan, row: r as usize, col: i };
        let array = b.columns[i].as_ref();
        match (role, array) {
            (ColumnRole::Attribute(name), Some(array)) => {
                attribute(Source::Arrow(array), name, i, &rows, plan, &mut out, &at)?
            }
            (ColumnRole::Attribute(name), None) => match direct.as_deref_mut() {
                Some(d) if d.has(i) => attribute(Source::Direct(d, b.rows), name, i, &rows, plan, &mut out, &at)?,
                _ => {}
            },
            (ColumnRole::Exposure(kind, target), Some(array)) => {
                let get = numbers(array.as_ref());
                for k in Kind::ALL {
                    for (local, &r) in rows[k.index()].iter().enumerate() {
                        if let Some(weight) = get(r as usize) {
                            out.kinds[k.index()].exposures.push(RawRelation {
                                row: local as Row,
                                target_kind: *kind,
                                target: target.clone(),
                                weight,
                                span: None,
                                line_col: Some(at(r).line_col()),
                                group: None,
                            });
                        }
                    }
                }
            }
            (ColumnRole::Headquarters, Some(array)) => {
                let get = strings(array.as_ref());
                for k in Kind::ALL {
                    for (local, &r) in rows[k.index()].iter().enumerate() {
                        if let Some(region) = get(r as usize).map(str::trim).filter(|s| !s.is_empty()) {
                            out.kinds[k.index()].headquarters.push(RawRelation {
                                row: local as Row,
                                target_kind: Kind::Region,
                                target: region.to_string(),
                                weight: 1.0,
                                span: None,
                                line_col: Some(at(r).line_col()),
                                group: None,
                            });
                        }
                    }
                }
            }
            _ => {}
        }
    }
    // Relations are read row by row, as the CSV reader gives them (each row's together).
    for part in &mut out.kinds {
        part.exposures.sort_by_key(|r| r.row);
    }
    if let Some(prov) = &plan.prov {
        provenance(b, plan, prov, &rows, &mut out);
    }
    Ok(out)
}

/// Reads each row's provenance cells (text, or dates for `period` and `published`).
fn provenance(b: &Located, plan: &Plan, prov: &ProvPlan, rows: &[Vec<u32>; 3], out: &mut Parsed) {
    let getters: Vec<Option<Get<'_, Cow<'_, str>>>> = (plan.roles.iter().zip(&b.columns))
        .map(|(role, col)| match (role, col) {
            (ColumnRole::Provenance(..), Some(col)) => Some(prov_text(col.as_ref())),
            _ => None,
        })
        .collect();
    let mut texts: Vec<Cow<'_, str>> = vec![Cow::Borrowed(""); plan.roles.len()];
    for k in Kind::ALL {
        let Some(part) = out.kinds[k.index()].prov.as_mut() else { continue };
        for &r in &rows[k.index()] {
            for (text, get) in texts.iter_mut().zip(&getters) {
                if let Some(get) = get {
                    *text = get(r as usize).unwrap_or(Cow::Borrowed(""));
                }
            }
            let at = |col: usize, p: Problem| Cell { b, plan, row: r as usize, col }.diagnostic(p);
            part.push(prov, k, |c| texts[c].as_ref(), at);
        }
    }
}

/// A provenance column's cells as text: strings as they are, dates as YYYY-MM-DD.
fn prov_text(a: &dyn Array) -> Get<'_, Cow<'_, str>> {
    if super::types::is_text(a.data_type()) {
        let s = strings(a);
        return Box::new(move |i| s(i).map(Cow::Borrowed));
    }
    match text_cells(a) {
        Some(t) => Box::new(move |i| t(i).map(Cow::Owned)),
        None => Box::new(|_| None),
    }
}

/// Where a cell is: its batch, row within the batch and column.
struct Cell<'a> {
    b: &'a Located,
    plan: &'a Plan,
    row: usize,
    col: usize,
}

impl Cell<'_> {
    /// The line a CSV export would put the row on (the schema is line 1), and the column.
    fn line_col(&self) -> (crate::source::FileId, usize, usize) {
        (self.plan.file, self.b.first_in_file + self.row + 2, self.col + 1)
    }

    /// A problem of this cell, located, its row group and row named.
    fn diagnostic(&self, p: Problem) -> Diagnostic {
        let (file, line, col) = self.line_col();
        let group = self.b.group;
        let row = self.b.first_in_group + self.row;
        let mut d = p.at_line_col(file, line, col);
        d.message = format!("{} ({} {group}, row {row})", d.message, self.b.unit);
        d
    }
}

/// Reads each row's kind and id; returns the batch rows of each kind, in order.
fn entities(b: &Located, plan: &Plan, out: &mut Parsed) -> [Vec<u32>; 3] {
    let text = |i: usize| match &b.columns[i] {
        Some(a) => strings(a.as_ref()),
        None => Box::new(|_| None),
    };
    let (ids, names, kinds) = (text(plan.id), text(plan.name), text(plan.kind));
    let mut rows: [Vec<u32>; 3] = Default::default();
    for r in 0..b.rows {
        let cell = |col| Cell { b, plan, row: r, col };
        let kind_text = kinds(r).unwrap_or_default().trim();
        let Some(kind) = Kind::parse(kind_text) else {
            let p = Problem::new(Code::UnknownValue, format!("unknown kind `{kind_text}`"));
            out.errors.push(cell(plan.kind).diagnostic(p).hint("kind is company, segment or region"));
            continue;
        };
        let id = ids(r).unwrap_or_default().trim();
        if !crate::model::is_valid_name(id) {
            let p = Problem::new(Code::BadName, format!("`{id}` cannot be an id"));
            out.errors.push(cell(plan.id).diagnostic(p).hint(crate::model::ID_HINT));
            continue;
        }
        let part = &mut out.kinds[kind.index()];
        part.ids.push(id);
        part.names.push(names(r).unwrap_or_default().trim());
        part.lines.push(cell(0).line_col().1 as u32);
        rows[kind.index()].push(r as u32);
    }
    rows
}

/// Where an attribute column's cells come from.
enum Source<'a> {
    Arrow(&'a ArrayRef),
    /// Decoded here: the reader and the batch's rows.
    Direct(&'a mut Direct, usize),
}

/// Stores one attribute column's cells into the attribute columns of the kinds declaring it.
fn attribute<'a>(
    source: Source<'_>,
    name: &str,
    i: usize,
    rows: &[Vec<u32>; 3],
    plan: &Plan,
    out: &mut Parsed,
    at: &dyn Fn(u32) -> Cell<'a>,
) -> Result<(), ParquetError> {
    let (array, dense) = match source {
        Source::Arrow(array) => (Some(array), None),
        Source::Direct(direct, n) => {
            // One kind holds every row and reads it as a number: decoded into its column.
            if let Some(k) = Kind::ALL.into_iter().find(|k| rows[k.index()].len() == n)
                && let Some((attr, AttrType::Number)) = plan.attrs[k.index()][i]
                && let Column::Number(v) = &mut out.kinds[k.index()].columns[attr as usize]
            {
                let (levels, finite) = direct.read_into(i, n, v)?;
                if !finite {
                    let dense = Dense { values: std::mem::take(v), levels };
                    numbers_into(&dense, &rows[k.index()], v, &mut out.errors, at);
                }
                return Ok(());
            }
            (None, Some(direct.read(i, n)?))
        }
    };
    let valid = |r: u32| match (array, &dense) {
        (Some(a), _) => a.is_valid(r as usize),
        (None, Some(d)) => d.is_valid(r as usize),
        _ => false,
    };
    for k in Kind::ALL {
        let rows = &rows[k.index()];
        let Some((attr, ty)) = plan.attrs[k.index()][i] else {
            for &r in rows.iter().filter(|&&r| valid(r)) {
                let p = Problem::new(Code::UndeclaredAttribute, format!("attribute `{name}` is not declared for {k}"));
                let hint = "leave the cell null for this kind, or declare the attribute for it";
                out.errors.push(at(r).diagnostic(p).hint(hint));
            }
            continue;
        };
        let col = &mut out.kinds[k.index()].columns[attr as usize];
        let Some(array) = array else {
            if let (Column::Number(v), Some(dense)) = (col, &dense) {
                numbers_into(dense, rows, v, &mut out.errors, at);
            }
            continue;
        };
        arrow_cells(array, (name, ty), rows, col, &mut out.errors, at);
    }
    Ok(())
}

/// Stores the cells of `rows` of a decoded number column in `v` (one value per row, missing
/// where null or not finite, which is reported).
fn numbers_into<'a>(
    dense: &Dense,
    rows: &[u32],
    v: &mut Vec<f64>,
    errors: &mut Vec<Diagnostic>,
    at: &dyn Fn(u32) -> Cell<'a>,
) {
    v.clear();
    v.reserve(rows.len());
    for &r in rows {
        let x = dense.values[r as usize];
        if !x.is_finite() && dense.is_valid(r as usize) {
            if !super::enough(errors) {
                errors.push(at(r).diagnostic(Problem::new(Code::BadNumber, format!("`{x}` is not a finite number"))));
            }
            v.push(f64::NAN);
        } else {
            v.push(x);
        }
    }
}

/// Stores the cells of `rows` of an Arrow column in `col`, as the attribute's type reads them.
fn arrow_cells<'a>(
    array: &ArrayRef,
    (name, ty): (&str, AttrType),
    rows: &[u32],
    col: &mut Column,
    errors: &mut Vec<Diagnostic>,
    at: &dyn Fn(u32) -> Cell<'a>,
) {
    let mut report = |r: u32, p: Problem| {
        if !super::enough(errors) {
            errors.push(at(r).diagnostic(p));
        }
    };
    match (col, ty) {
        (Column::Number(v), _) => {
            v.clear();
            v.resize(rows.len(), f64::NAN);
            if let Some(p) = array.as_primitive_opt::<Float64Type>() {
                let values = p.values();
                for (local, &r) in rows.iter().enumerate() {
                    let x = values[r as usize];
                    if !p.is_valid(r as usize) {
                    } else if x.is_finite() {
                        v[local] = x;
                    } else {
                        report(r, Problem::new(Code::BadNumber, format!("`{x}` is not a finite number")));
                    }
                }
                return;
            }
            let get = numbers(array.as_ref());
            for (local, &r) in rows.iter().enumerate() {
                match get(r as usize) {
                    Some(x) if x.is_finite() => v[local] = x,
                    Some(x) => report(r, Problem::new(Code::BadNumber, format!("`{x}` is not a finite number"))),
                    None => {}
                }
            }
        }
        (Column::Bool(v), _) => {
            let get = booleans(array.as_ref());
            for (local, &r) in rows.iter().enumerate() {
                v[local] = get(r as usize);
            }
        }
        (Column::Date(v), _) if matches!(array.data_type(), DataType::Date32 | DataType::Date64) => {
            let get = dates(array.as_ref());
            for (local, &r) in rows.iter().enumerate() {
                v[local] = get(r as usize);
            }
        }
        (Column::List(v), AttrType::List)
            if matches!(array.data_type(), DataType::List(_) | DataType::LargeList(_)) =>
        {
            for (local, &r) in rows.iter().enumerate() {
                v[local] = list(array.as_ref(), r as usize);
            }
        }
        (col, _) => {
            // Text, and dates or lists written as text: the CSV cell rules.
            let get = strings(array.as_ref());
            for (local, &r) in rows.iter().enumerate() {
                let Some(text) = get(r as usize).map(str::trim).filter(|s| !s.is_empty()) else { continue };
                let mut one = missing_like(col, 1);
                match store_cell(&mut one, ty, text, name) {
                    Ok(()) => put(col, local, one),
                    Err(p) => report(r, p),
                }
            }
        }
    }
}

/// A column of the same type as `c` with `n` missing values.
fn missing_like(c: &Column, n: usize) -> Column {
    let mut m = c.empty_like(n);
    for _ in 0..n {
        m.push_missing();
    }
    m
}

/// Moves the one value of `one` into row `row` of `col`.
fn put(col: &mut Column, row: usize, one: Column) {
    match (col, one) {
        (Column::Text(v), Column::Text(mut o)) => v[row] = o.pop().flatten(),
        (Column::Date(v), Column::Date(mut o)) => v[row] = o.pop().flatten(),
        (Column::List(v), Column::List(mut o)) => v[row] = o.pop().flatten(),
        (Column::Bool(v), Column::Bool(mut o)) => v[row] = o.pop().flatten(),
        (Column::Number(v), Column::Number(mut o)) => v[row] = o.pop().unwrap_or(f64::NAN),
        _ => {}
    }
}
