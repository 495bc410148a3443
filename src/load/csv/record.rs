//! One wide record (load stage): its key fields checked, then each field stored in its
//! column or relation, as the header's [`Plan`] says. Both CSV paths (and the Parquet and
//! Arrow readers, for cells written as text) share these rules, so a cell gets the same
//! diagnostic whichever path reads it.
//!
//! Every column an attribute field of the file fills gets exactly one value per accepted row
//! (missing when the cell is empty or wrong); the columns the file does not fill stay empty in
//! a [`Parsed`] block and are padded with missing values when the block is appended.

use std::sync::Arc;

use rayon::prelude::*;

use super::header::{ColumnRole, Plan};
use crate::diag::{Code, Diagnostic, Location, Problem};
use crate::load::provenance::ProvRows;
use crate::model::series::Cell;
use crate::model::{AttrType, Column, Date, Kind, Origin, RawRelation, Row, Strings, TableBuilder};

/// What one block of records produced, per kind, before it is appended in order.
#[derive(Default)]
pub(crate) struct Parsed {
    pub(crate) kinds: [PartRows; 3],
    pub(crate) errors: Vec<Diagnostic>,
}

#[derive(Default)]
pub(crate) struct PartRows {
    pub(crate) ids: Strings,
    pub(crate) names: Strings,
    pub(crate) lines: Vec<u32>,
    pub(crate) columns: Vec<Column>,
    pub(crate) exposures: Vec<RawRelation>,
    pub(crate) headquarters: Vec<RawRelation>,
    /// The rows' provenance, when the file has any.
    pub(crate) prov: Option<ProvRows>,
}

/// The attribute columns of each kind, empty: the types a block's columns are made like.
pub(crate) fn column_types(builders: &[TableBuilder; 3]) -> [Vec<Column>; 3] {
    Kind::ALL.map(|k| builders[k.index()].table.columns.iter().map(|c| c.empty_like(0)).collect())
}

impl Parsed {
    /// An empty block; the columns of the kinds the file fills have room for `capacity` rows.
    pub(crate) fn new(plan: &Plan, types: &[Vec<Column>; 3], capacity: usize) -> Parsed {
        let mut p = Parsed::default();
        for k in Kind::ALL {
            let used = plan.attrs[k.index()].iter().any(Option::is_some);
            p.kinds[k.index()].columns =
                types[k.index()].iter().map(|c| c.empty_like(if used { capacity } else { 0 })).collect();
            p.kinds[k.index()].prov = plan.prov.as_ref().map(|_| ProvRows::default());
        }
        p
    }
}

/// Parses one record (its fields, as the `csv` crate gives them) into `out`.
pub(super) fn parse_record(fields: &[&str], line: usize, plan: &Plan, out: &mut Parsed) {
    if fields.len() != plan.roles.len() {
        out.errors.push(width_error(plan, fields.len(), line));
        return;
    }
    let col = |i: usize| column_of(fields, i);
    let kind = match check_keys(plan, |i| fields[i], line, &col) {
        Ok(kind) => kind,
        Err(d) => return out.errors.push(d),
    };
    let row = push_row(&mut out.kinds[kind.index()], fields[plan.id], fields[plan.name], line);
    for (i, field) in fields.iter().enumerate() {
        put_field(plan, (kind, row, line), i, field, out, &col);
    }
    put_provenance(plan, (kind, line), |i| fields[i], &col, out);
}

/// Reads the provenance cells of an accepted row (a file with provenance columns or a
/// `tables:` entry only), each problem placed at column `col(i)`.
pub(super) fn put_provenance<'a>(
    plan: &Plan,
    (kind, line): (Kind, usize),
    field: impl Fn(usize) -> &'a str,
    col: &dyn Fn(usize) -> usize,
    out: &mut Parsed,
) {
    if let (Some(prov), Some(rows)) = (&plan.prov, &mut out.kinds[kind.index()].prov) {
        rows.push(prov, kind, |i| trim(field(i)), |i, p| p.at_line_col(plan.file, line, col(i)));
    }
}

/// E108: a record with another number of fields than the header.
pub(super) fn width_error(plan: &Plan, fields: usize, line: usize) -> Diagnostic {
    Diagnostic::error(Code::CsvFormat, format!("this row has {fields} fields; the header has {}", plan.roles.len()))
        .at_line_col(plan.file, line, 1)
}

/// The row's kind, once its kind and id fields are checked.
pub(super) fn check_keys<'a>(
    plan: &Plan,
    field: impl Fn(usize) -> &'a str,
    line: usize,
    col: &dyn Fn(usize) -> usize,
) -> Result<Kind, Diagnostic> {
    let kind_text = field(plan.kind).trim();
    let Some(kind) = Kind::parse(kind_text) else {
        return Err(Diagnostic::error(Code::UnknownValue, format!("unknown kind `{kind_text}`"))
            .at_line_col(plan.file, line, col(plan.kind))
            .hint("kind is company, segment or region"));
    };
    let id = field(plan.id).trim();
    if !crate::model::is_valid_name(id) {
        return Err(Diagnostic::error(Code::BadName, format!("`{id}` cannot be an id"))
            .at_line_col(plan.file, line, col(plan.id))
            .hint(crate::model::ID_HINT));
    }
    Ok(kind)
}

/// Starts a row of the kind: its id, name and line; returns its row in the block.
pub(super) fn push_row(part: &mut PartRows, id: &str, name: &str, line: usize) -> Row {
    let row = part.ids.len() as Row;
    part.ids.push(id.trim());
    part.names.push(name.trim());
    part.lines.push(line as u32);
    row
}

/// Stores field `i` of a row (`kind`, its `row` in the block, its `line`) in its column or
/// relation; a problem goes to `out.errors`, placed at column `col(i)`.
pub(super) fn put_field(
    plan: &Plan,
    (kind, row, line): (Kind, Row, usize),
    i: usize,
    field: &str,
    out: &mut Parsed,
    col: &dyn Fn(usize) -> usize,
) {
    let field = trim(field);
    let part = &mut out.kinds[kind.index()];
    match &plan.roles[i] {
        ColumnRole::Attribute(name) => match plan.attrs[kind.index()][i] {
            Some((attr, ty)) => {
                let column = &mut part.columns[attr as usize];
                if field.is_empty() {
                    return column.push_missing();
                }
                match parse_cell(ty, field, name) {
                    Ok(cell) => push_cell(column, cell),
                    Err(p) => {
                        column.push_missing();
                        out.errors.push(p.at_line_col(plan.file, line, col(i)));
                    }
                }
            }
            None if !field.is_empty() => out.errors.push(
                Diagnostic::error(Code::UndeclaredAttribute, format!("attribute `{name}` is not declared for {kind}"))
                    .at_line_col(plan.file, line, col(i))
                    .hint("leave the cell empty for this kind, or declare the attribute for it"),
            ),
            None => {}
        },
        ColumnRole::Exposure(target_kind, target) if !field.is_empty() => {
            let weight = fast_float2::parse::<f64, _>(field).unwrap_or(f64::NAN);
            part.exposures.push(RawRelation {
                row,
                target_kind: *target_kind,
                target: target.clone(),
                weight,
                span: None,
                line_col: Some((plan.file, line, col(i))),
                group: None,
            });
        }
        ColumnRole::Headquarters if !field.is_empty() => {
            part.headquarters.push(RawRelation {
                row,
                target_kind: Kind::Region,
                target: field.to_string(),
                weight: 1.0,
                span: None,
                line_col: Some((plan.file, line, col(i))),
                group: None,
            });
        }
        _ => {}
    }
}

/// Appends a cell's value to its column (of the cell's type).
fn push_cell(column: &mut Column, cell: Cell) {
    match (column, cell) {
        (Column::Number(v), Cell::Number(x)) => v.push(x),
        (Column::Bool(v), Cell::Bool(b)) => v.push(Some(b)),
        (Column::Text(v), Cell::Text(t)) => v.push(Some(t)),
        (Column::Date(v), Cell::Date(d)) => v.push(Some(d)),
        (Column::List(v), Cell::List(l)) => v.push(Some(l)),
        (c, _) => c.push_missing(),
    }
}

/// Trims spaces only when there are any (most cells have none).
#[inline]
pub(super) fn trim(field: &str) -> &str {
    let b = field.as_bytes();
    match (b.first(), b.last()) {
        (Some(f), Some(l)) if !f.is_ascii_whitespace() && !l.is_ascii_whitespace() => field,
        _ => field.trim(),
    }
}

/// 1-based character column where field `i` starts.
pub(super) fn column_of(fields: &[&str], i: usize) -> usize {
    1 + fields[..i].iter().map(|f| f.chars().count() + 1).sum::<usize>()
}

/// Stores a non-empty cell in the last row of its column.
pub(crate) fn store_cell(col: &mut Column, ty: AttrType, field: &str, name: &str) -> Result<(), Problem> {
    match (col, parse_cell(ty, field, name)?) {
        (Column::Number(v), Cell::Number(x)) => set_last(v, x),
        (Column::Bool(v), Cell::Bool(b)) => set_last(v, Some(b)),
        (Column::Text(v), Cell::Text(t)) => set_last(v, Some(t)),
        (Column::Date(v), Cell::Date(d)) => set_last(v, Some(d)),
        (Column::List(v), Cell::List(l)) => set_last(v, Some(l)),
        _ => {}
    }
    Ok(())
}

/// A non-empty cell converted to the attribute's declared type (the CSV spelling: `true`,
/// `false`, dates `YYYY[-MM[-DD]]`, lists `a;b;c`).
pub(crate) fn parse_cell(ty: AttrType, field: &str, name: &str) -> Result<Cell, Problem> {
    let declared = |t: &str| {
        Problem::new(Code::AttributeType, format!("attribute `{name}` is declared {t}, but this is `{field}`"))
    };
    Ok(match ty {
        AttrType::Number => {
            let x = fast_float2::parse::<f64, _>(field).map_err(|_| declared("number"))?;
            if !x.is_finite() {
                return Err(Problem::new(Code::BadNumber, format!("`{field}` is not a finite number")));
            }
            Cell::Number(x)
        }
        AttrType::Bool => match field {
            "true" => Cell::Bool(true),
            "false" => Cell::Bool(false),
            _ => return Err(declared("bool")),
        },
        AttrType::Text => Cell::Text(Arc::from(field)),
        AttrType::Date => Cell::Date(
            Date::parse(field)
                .ok_or_else(|| Problem::new(Code::BadDate, format!("`{field}` is not a date (YYYY-MM-DD)")))?,
        ),
        AttrType::List => Cell::List(field.split(';').map(|s| Arc::from(s.trim())).collect::<Vec<_>>().into()),
    })
}

fn set_last<T>(v: &mut [T], x: T) {
    if let Some(last) = v.last_mut() {
        *last = x;
    }
}

/// Moves a block's lines down by `by`: its rows', its relations' and its diagnostics' (the
/// parallel path numbers each block's lines from 0 until the lines before it are counted).
pub(super) fn shift_lines(parsed: &mut Parsed, by: usize) {
    if by == 0 {
        return;
    }
    for part in &mut parsed.kinds {
        for l in &mut part.lines {
            *l += by as u32;
        }
        for r in part.exposures.iter_mut().chain(part.headquarters.iter_mut()) {
            if let Some((_, line, _)) = &mut r.line_col {
                *line += by;
            }
        }
    }
    let prov = parsed.kinds.iter_mut().filter_map(|p| p.prov.as_mut()).flat_map(|p| p.errors_mut().iter_mut());
    for d in parsed.errors.iter_mut().chain(prov) {
        if let Some(Location::LineCol { line, .. }) = &mut d.location {
            *line += by;
        }
    }
}

/// Rows of a block from which its columns are appended on all threads.
const PARALLEL_ROWS: usize = 16 << 10;

/// Appends a parsed block to the builders, in order.
pub(crate) fn append(parsed: Parsed, plan: &Plan, builders: &mut [TableBuilder; 3], errors: &mut Vec<Diagnostic>) {
    append_except(parsed, plan, builders, errors, &Default::default());
}

/// By kind, the attribute columns a reader fills itself for the whole file (by attribute: true
/// when filled), which appending a block leaves alone.
pub(crate) type Filled = [Vec<bool>; 3];

/// [`append`], leaving the columns `filled` says are filled alone.
pub(crate) fn append_except(
    parsed: Parsed,
    plan: &Plan,
    builders: &mut [TableBuilder; 3],
    errors: &mut Vec<Diagnostic>,
    filled: &Filled,
) {
    errors.extend(parsed.errors);
    for (k, part) in parsed.kinds.into_iter().enumerate() {
        if part.ids.is_empty() {
            continue;
        }
        let b = &mut builders[k];
        let first = b.len() as Row;
        b.table.ids.append(&part.ids);
        b.table.names.append(&part.names);
        let rows = part.ids.len();
        let open = |&(a, _): &(usize, _)| !filled[k].get(a).copied().unwrap_or(false);
        if rows >= PARALLEL_ROWS {
            (b.table.columns.par_iter_mut().zip(part.columns).enumerate())
                .filter(open)
                .for_each(|(_, (dst, src))| append_column(dst, src, rows));
        } else {
            for (_, (dst, src)) in b.table.columns.iter_mut().zip(part.columns).enumerate().filter(open) {
                append_column(dst, src, rows);
            }
        }
        b.origin(first, Origin::Csv { file: plan.file, lines: part.lines });
        b.exposures.extend(part.exposures.into_iter().map(|r| RawRelation { row: r.row + first, ..r }));
        b.headquarters.extend(part.headquarters.into_iter().map(|r| RawRelation { row: r.row + first, ..r }));
        if let (Some(rows), Some(prov)) = (part.prov, &plan.prov) {
            rows.append(prov, &mut b.table.wide, first, errors);
        }
    }
}

/// Appends a block's column of `rows` values; a column the block did not fill is `rows`
/// missing values.
fn append_column(dst: &mut Column, src: Column, rows: usize) {
    match (dst, src) {
        (Column::Number(d), Column::Number(s)) if s.len() == rows => d.extend_from_slice(&s),
        (Column::Bool(d), Column::Bool(s)) if s.len() == rows => d.extend(s),
        (Column::Text(d), Column::Text(s)) if s.len() == rows => d.extend(s),
        (Column::Date(d), Column::Date(s)) if s.len() == rows => d.extend(s),
        (Column::List(d), Column::List(s)) if s.len() == rows => d.extend(s),
        (Column::Number(d), _) => d.resize(d.len() + rows, f64::NAN),
        (d, _) => {
            for _ in 0..rows {
                d.push_missing();
            }
        }
    }
}

/// Drops what a block holds of rows from `row` on (a record found too wide or too short
/// after its cells were stored).
pub(super) fn truncate(part: &mut PartRows, row: Row, (exposures, headquarters): (usize, usize)) {
    let row = row as usize;
    part.ids.truncate(row);
    part.names.truncate(row);
    part.lines.truncate(row);
    for c in &mut part.columns {
        truncate_column(c, row);
    }
    part.exposures.truncate(exposures);
    part.headquarters.truncate(headquarters);
}

/// Keeps the first `rows` values of a column.
pub(super) fn truncate_column(c: &mut Column, rows: usize) {
    match c {
        Column::Number(v) => v.truncate(rows),
        Column::Bool(v) => v.truncate(rows),
        Column::Text(v) => v.truncate(rows),
        Column::Date(v) => v.truncate(rows),
        Column::List(v) => v.truncate(rows),
    }
}

#[cfg(test)]
mod tests {
    use super::{column_of, trim};

    #[test]
    fn cells_are_trimmed_only_when_they_have_spaces() {
        assert_eq!(trim("12.5"), "12.5");
        assert_eq!(trim(" 12.5 "), "12.5");
        assert_eq!(trim(""), "");
    }

    #[test]
    fn columns_count_characters_from_one() {
        let fields = ["c1", "Café Co", "company", "12"];
        assert_eq!(column_of(&fields, 0), 1);
        assert_eq!(column_of(&fields, 2), 12);
        assert_eq!(column_of(&fields, 3), 20);
    }
}
