//! Reading CSV universes (load stage, called by the dataset check): one row per entity,
//! `id,name,kind`, then one column per declared attribute, `segment:<id>` / `region:<id>`
//! exposure columns, an optional `headquarters` column and optional provenance columns (see
//! [`crate::load::provenance`]).
//!
//! Files without quotes are split at line ends and parsed in parallel blocks; files with quotes
//! go through the `csv` crate record by record. Both paths share the per-record logic.

use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::Path;
use std::sync::Arc;

use rayon::prelude::*;

use crate::diag::{Code, Diagnostic, Problem};
use crate::load::provenance::{ProvRows, TableContext};
use crate::model::series::Cell;
use crate::model::{AttrType, Column, Date, Kind, KindSchema, Origin, Row, Strings};
use crate::model::{RawRelation, TableBuilder};
use crate::source::FileId;

/// Most diagnostics reported for one CSV file before the rest are summarised.
pub(crate) const MAX_ERRORS: usize = 100;
/// Bytes read and parsed at a time on the parallel path.
const BLOCK_BYTES: usize = 8 << 20;
/// The longest line (header or record) read: a file without newlines must not be gathered
/// into memory whole.
const MAX_LINE_BYTES: usize = 256 << 20;

pub(crate) mod header;
mod long;
mod quoted;

pub(crate) use long::{is_long_csv, read_long_csv};

use header::{ColumnRole, Plan, plan_header};
use quoted::read_quoted;

/// Reads one CSV file into the per-kind table builders.
pub(crate) fn read_csv(
    path: &Path,
    file: FileId,
    schemas: &[KindSchema; 3],
    ctx: &TableContext<'_>,
    builders: &mut [TableBuilder; 3],
    diags: &mut Vec<Diagnostic>,
) {
    let mut errors = Vec::new();
    if let Err(e) = read_csv_inner(path, file, schemas, ctx, builders, &mut errors) {
        errors.push(Diagnostic::error(Code::CsvFormat, format!("cannot read: {e}")).at_line_col(file, 1, 1));
    }
    cap_errors(file, &mut errors);
    diags.extend(errors);
}

/// Keeps the first [`MAX_ERRORS`] problems of a file and says how many more there were.
pub(crate) fn cap_errors(file: FileId, errors: &mut Vec<Diagnostic>) {
    if errors.len() > MAX_ERRORS {
        let more = errors.len() - MAX_ERRORS;
        errors.truncate(MAX_ERRORS);
        errors.push(
            Diagnostic::error(Code::CsvFormat, format!("{more} more problems in this file are not shown"))
                .at_line_col(file, 1, 1),
        );
    }
}

fn read_csv_inner(
    path: &Path,
    file: FileId,
    schemas: &[KindSchema; 3],
    ctx: &TableContext<'_>,
    builders: &mut [TableBuilder; 3],
    errors: &mut Vec<Diagnostic>,
) -> std::io::Result<()> {
    let (records, quoted) = survey(path)?;
    let Some((reader, header)) = read_header(path, file, errors)? else { return Ok(()) };
    let Some(plan) = plan_header(&header, file, schemas, ctx, errors) else {
        return Ok(());
    };
    for b in builders.iter_mut() {
        if plan.attrs[b.table.kind.index()].iter().any(Option::is_some) {
            b.reserve(records);
        }
    }
    if quoted { read_quoted(reader, &plan, builders, errors) } else { read_parallel(reader, &plan, builders, errors) }
}

/// Opens the file and reads its header line (without a byte-order mark or line end); `None`
/// when the line is too long (reported).
fn read_header(
    path: &Path,
    file: FileId,
    errors: &mut Vec<Diagnostic>,
) -> std::io::Result<Option<(BufReader<File>, String)>> {
    let mut reader = BufReader::with_capacity(1 << 20, open(path)?);
    let mut header = String::new();
    (&mut reader).take(MAX_LINE_BYTES as u64 + 1).read_line(&mut header)?;
    if header.len() > MAX_LINE_BYTES {
        errors.push(long_line(file, 1));
        return Ok(None);
    }
    let header = header.trim_start_matches('\u{feff}').trim_end_matches(['\n', '\r']).to_string();
    Ok(Some((reader, header)))
}

/// Opens a regular file (a pipe or device is refused before it is opened).
pub(crate) fn open(path: &Path) -> std::io::Result<File> {
    crate::files::open_regular(path).map_err(|e| match e {
        crate::files::Refusal::Io(e) => e,
        other => std::io::Error::other(other.to_string()),
    })
}

/// Whether a piece of a line holds more than a carriage return.
fn has_text(piece: &[u8]) -> bool {
    !(piece.is_empty() || piece == b"\r")
}

/// Counts records (lines with something on them: blank lines reserve no memory) and looks
/// for quotes in one sequential pass.
fn survey(path: &Path) -> std::io::Result<(usize, bool)> {
    let mut f = open(path)?;
    let mut buf = vec![0u8; 8 << 20];
    let (mut lines, mut quoted, mut line_has_text) = (0usize, false, false);
    loop {
        let n = f.read(&mut buf)?;
        if n == 0 {
            break;
        }
        let mut start = 0;
        for end in memchr::memchr_iter(b'\n', &buf[..n]) {
            line_has_text |= has_text(&buf[start..end]);
            lines += usize::from(line_has_text);
            (line_has_text, start) = (false, end + 1);
        }
        line_has_text |= has_text(&buf[start..n]);
        quoted |= memchr::memchr(b'"', &buf[..n]).is_some();
    }
    lines += usize::from(line_has_text);
    Ok((lines.saturating_sub(1), quoted))
}

fn long_line(file: FileId, line: usize) -> Diagnostic {
    Diagnostic::error(Code::CsvFormat, format!("a line longer than {} MiB", MAX_LINE_BYTES >> 20))
        .at_line_col(file, line, 1)
        .hint("CSV rows end with a newline; is this a CSV file?")
}

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

impl Parsed {
    pub(crate) fn new(plan: &Plan, builders: &[TableBuilder; 3], capacity: usize) -> Parsed {
        let mut p = Parsed::default();
        for k in Kind::ALL {
            let cols = &builders[k.index()].table.columns;
            let used = plan.attrs[k.index()].iter().any(Option::is_some);
            p.kinds[k.index()].columns = cols.iter().map(|c| c.empty_like(if used { capacity } else { 0 })).collect();
            p.kinds[k.index()].prov = plan.prov.as_ref().map(|_| ProvRows::default());
        }
        p
    }
}

/// Parses one record (its fields) into `out`.
fn parse_record(fields: &[&str], line: usize, plan: &Plan, out: &mut Parsed) {
    if fields.len() != plan.roles.len() {
        out.errors.push(
            Diagnostic::error(
                Code::CsvFormat,
                format!("this row has {} fields; the header has {}", fields.len(), plan.roles.len()),
            )
            .at_line_col(plan.file, line, 1),
        );
        return;
    }
    let kind_text = fields[plan.kind].trim();
    let Some(kind) = Kind::parse(kind_text) else {
        out.errors.push(
            Diagnostic::error(Code::UnknownValue, format!("unknown kind `{kind_text}`"))
                .at_line_col(plan.file, line, column_of(fields, plan.kind))
                .hint("kind is company, segment or region"),
        );
        return;
    };
    let id = fields[plan.id].trim();
    if !crate::model::is_valid_name(id) {
        out.errors.push(
            Diagnostic::error(Code::BadName, format!("`{id}` cannot be an id"))
                .at_line_col(plan.file, line, column_of(fields, plan.id))
                .hint(crate::model::ID_HINT),
        );
        return;
    }
    let part = &mut out.kinds[kind.index()];
    let row = part.ids.len() as Row;
    part.ids.push(id);
    part.names.push(fields[plan.name].trim());
    part.lines.push(line as u32);
    for c in &mut part.columns {
        c.push_missing();
    }
    for (i, field) in fields.iter().enumerate() {
        let field = trim(field);
        match &plan.roles[i] {
            ColumnRole::Attribute(name) => {
                if field.is_empty() {
                    continue;
                }
                let Some((attr, ty)) = plan.attrs[kind.index()][i] else {
                    out.errors.push(
                        Diagnostic::error(
                            Code::UndeclaredAttribute,
                            format!("attribute `{name}` is not declared for {kind}"),
                        )
                        .at_line_col(plan.file, line, column_of(fields, i))
                        .hint("leave the cell empty for this kind, or declare the attribute for it"),
                    );
                    continue;
                };
                let col = &mut out.kinds[kind.index()].columns[attr as usize];
                if let Err(p) = store_cell(col, ty, field, name) {
                    out.errors.push(p.at_line_col(plan.file, line, column_of(fields, i)));
                }
            }
            ColumnRole::Exposure(target_kind, target) if !field.is_empty() => {
                let weight = fast_float2::parse::<f64, _>(field).unwrap_or(f64::NAN);
                out.kinds[kind.index()].exposures.push(RawRelation {
                    row,
                    target_kind: *target_kind,
                    target: target.clone(),
                    weight,
                    span: None,
                    line_col: Some((plan.file, line, column_of(fields, i))),
                    group: None,
                });
            }
            ColumnRole::Headquarters if !field.is_empty() => {
                out.kinds[kind.index()].headquarters.push(RawRelation {
                    row,
                    target_kind: Kind::Region,
                    target: field.to_string(),
                    weight: 1.0,
                    span: None,
                    line_col: Some((plan.file, line, column_of(fields, i))),
                    group: None,
                });
            }
            _ => {}
        }
    }
    if let (Some(prov), Some(rows)) = (&plan.prov, &mut out.kinds[kind.index()].prov) {
        let at = |col: usize, p: Problem| p.at_line_col(plan.file, line, column_of(fields, col));
        rows.push(prov, kind, |col| trim(fields[col]), at);
    }
}

/// Trims spaces only when there are any (most cells have none).
#[inline]
fn trim(field: &str) -> &str {
    let b = field.as_bytes();
    match (b.first(), b.last()) {
        (Some(f), Some(l)) if !f.is_ascii_whitespace() && !l.is_ascii_whitespace() => field,
        _ => field.trim(),
    }
}

/// 1-based character column where field `i` starts.
fn column_of(fields: &[&str], i: usize) -> usize {
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

/// Appends a parsed block to the builders, in order.
pub(crate) fn append(parsed: Parsed, plan: &Plan, builders: &mut [TableBuilder; 3], errors: &mut Vec<Diagnostic>) {
    errors.extend(parsed.errors);
    for (k, part) in parsed.kinds.into_iter().enumerate() {
        if part.ids.is_empty() {
            continue;
        }
        let b = &mut builders[k];
        let first = b.len() as Row;
        b.table.ids.append(&part.ids);
        b.table.names.append(&part.names);
        for (dst, src) in b.table.columns.iter_mut().zip(part.columns) {
            append_column(dst, src, part.ids.len());
        }
        b.origin(first, Origin::Csv { file: plan.file, lines: part.lines });
        b.exposures.extend(part.exposures.into_iter().map(|r| RawRelation { row: r.row + first, ..r }));
        b.headquarters.extend(part.headquarters.into_iter().map(|r| RawRelation { row: r.row + first, ..r }));
        if let (Some(rows), Some(prov)) = (part.prov, &plan.prov) {
            rows.append(prov, &mut b.table.wide, first, errors);
        }
    }
}

fn append_column(dst: &mut Column, src: Column, rows: usize) {
    match (dst, src) {
        (Column::Number(d), Column::Number(s)) if s.len() == rows => d.extend_from_slice(&s),
        (Column::Bool(d), Column::Bool(s)) if s.len() == rows => d.extend(s),
        (Column::Text(d), Column::Text(s)) if s.len() == rows => d.extend(s),
        (Column::Date(d), Column::Date(s)) if s.len() == rows => d.extend(s),
        (Column::List(d), Column::List(s)) if s.len() == rows => d.extend(s),
        (d, _) => {
            for _ in 0..rows {
                d.push_missing();
            }
        }
    }
}

/// The parallel path: blocks of whole lines, split into chunks parsed on all threads.
fn read_parallel(
    mut reader: BufReader<File>,
    plan: &Plan,
    builders: &mut [TableBuilder; 3],
    errors: &mut Vec<Diagnostic>,
) -> std::io::Result<()> {
    let mut carry: Vec<u8> = Vec::new();
    let mut next_line = 2usize;
    let mut buf = vec![0u8; BLOCK_BYTES];
    loop {
        let n = read_full(&mut reader, &mut buf)?;
        let mut block = std::mem::take(&mut carry);
        block.extend_from_slice(&buf[..n]);
        let end = if n == 0 {
            block.len()
        } else {
            match memchr::memrchr(b'\n', &block) {
                Some(i) => i + 1,
                None if block.len() > MAX_LINE_BYTES => {
                    errors.push(long_line(plan.file, next_line));
                    return Ok(());
                }
                None => {
                    carry = block;
                    continue;
                }
            }
        };
        carry = block[end..].to_vec();
        let text = &block[..end];
        next_line = parse_block(text, next_line, plan, builders, errors);
        if n == 0 {
            return Ok(());
        }
    }
}

fn read_full(r: &mut impl Read, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut filled = 0;
    while filled < buf.len() {
        match r.read(&mut buf[filled..])? {
            0 => break,
            n => filled += n,
        }
    }
    Ok(filled)
}

/// Parses whole lines starting at line number `first_line`; returns the next line number.
fn parse_block(
    text: &[u8],
    first_line: usize,
    plan: &Plan,
    builders: &mut [TableBuilder; 3],
    errors: &mut Vec<Diagnostic>,
) -> usize {
    let pieces = rayon::current_num_threads().max(1) * 4;
    let mut chunks = Vec::with_capacity(pieces);
    let (mut start, mut line) = (0usize, first_line);
    let target = text.len() / pieces + 1;
    while start < text.len() {
        let end = match memchr::memchr(b'\n', &text[(start + target).min(text.len())..]) {
            Some(i) => (start + target).min(text.len()) + i + 1,
            None => text.len(),
        };
        let lines = memchr::memchr_iter(b'\n', &text[start..end]).count();
        chunks.push((start..end, line));
        line += lines;
        start = end;
    }
    let parsed: Vec<Parsed> =
        chunks.into_par_iter().map(|(range, line)| parse_chunk(&text[range], line, plan, builders)).collect();
    for p in parsed {
        append(p, plan, builders, errors);
    }
    line
}

fn parse_chunk(bytes: &[u8], first_line: usize, plan: &Plan, builders: &[TableBuilder; 3]) -> Parsed {
    let rows = memchr::memchr_iter(b'\n', bytes).count() + 1;
    let mut out = Parsed::new(plan, builders, rows);
    let text = match std::str::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => {
            let line = first_line + memchr::memchr_iter(b'\n', &bytes[..e.valid_up_to()]).count();
            out.errors.push(
                Diagnostic::error(Code::CsvFormat, "not UTF-8 text")
                    .at_line_col(plan.file, line, 1)
                    .hint("save the file as UTF-8"),
            );
            return out;
        }
    };
    let mut fields: Vec<&str> = Vec::with_capacity(plan.roles.len());
    let mut start = 0;
    for (i, end) in memchr::memchr_iter(b'\n', bytes).chain(std::iter::once(bytes.len())).enumerate() {
        let line = &text[start..end];
        start = end + 1;
        let line = line.strip_suffix('\r').unwrap_or(line);
        if line.bytes().all(|b| b.is_ascii_whitespace()) {
            continue;
        }
        fields.clear();
        let mut from = 0;
        for comma in memchr::memchr_iter(b',', line.as_bytes()) {
            fields.push(&line[from..comma]);
            from = comma + 1;
        }
        fields.push(&line[from..]);
        parse_record(&fields, first_line + i, plan, &mut out);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::{column_of, trim};

    #[test]
    fn blank_lines_reserve_no_rows() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("u.csv");
        std::fs::write(&path, format!("id,name,kind\r\na,A,company\r\n{}b,B,company", "\n\r\n".repeat(1000)))
            .expect("write");
        assert_eq!(super::survey(&path).expect("survey"), (2, false));
    }

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
