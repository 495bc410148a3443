//! The parallel CSV path (load stage), for files without quotes: the file is read in bounded
//! blocks of whole lines (never whole), each block split at line ends into chunks parsed on
//! all threads, while the next block is read and the last one appended. Chunks number their
//! lines from 0 and are moved to their place when appended, so nothing is counted twice.
//!
//! A record is read in one pass: its key fields (up to the last of `id`, `name`, `kind`) are
//! found first, then each number cell is parsed where it stands, up to the comma that ends
//! it. A cell that is not a plain decimal (spaces, exponents, many digits, text) takes the
//! shared per-field path of [`super::record`], so every cell gets the same value and the same
//! diagnostic as on the sequential path.

use rayon::prelude::*;

use std::io::Read as _;

use super::header::{ColumnRole, Plan};
use super::record::{
    Parsed, append, check_keys, push_row, put_field, put_provenance, shift_lines, truncate, width_error,
};
use super::{MAX_LINE_BYTES, long_line};
use crate::diag::{Code, Diagnostic};
use crate::model::{AttrType, Column, Kind, Row, TableBuilder};

/// What the parallel path does with a field, for rows of one kind.
#[derive(Clone, Copy)]
enum Slot {
    /// A number attribute: parsed in place into its column.
    Number(usize),
    /// Anything else: the shared per-field path.
    Other,
}

/// The header as the parallel path reads it.
struct Fast {
    /// The last of the `id`, `name` and `kind` fields: the fields found before any cell is stored.
    lead: usize,
    slots: [Vec<Slot>; 3],
    /// The average length of the lines of the first block (room is made for rows by it).
    line_bytes: usize,
}

impl Fast {
    fn new(plan: &Plan, first: &[u8]) -> Fast {
        let line_bytes = first.len() / (memchr::memchr_iter(b'\n', first).count() + 1);
        let slots = Kind::ALL.map(|k| {
            (0..plan.roles.len())
                .map(|i| match (&plan.roles[i], plan.attrs[k.index()][i]) {
                    (ColumnRole::Attribute(_), Some((attr, AttrType::Number))) => Slot::Number(attr as usize),
                    _ => Slot::Other,
                })
                .collect()
        });
        Fast { lead: plan.id.max(plan.name).max(plan.kind), slots, line_bytes: line_bytes.max(1) }
    }
}

/// How the parallel path ended.
pub(super) enum Read {
    /// Every record was read.
    Done,
    /// A quote was found: nothing of the file is kept, it is read by the `csv` crate instead.
    Quoted,
}

/// Reads the records after the header (the rest of a file of `size` bytes) in blocks of
/// about `block` bytes.
pub(super) fn read_blocks(
    reader: &mut (impl std::io::Read + Send),
    size: u64,
    block: usize,
    plan: &Plan,
    builders: &mut [TableBuilder; 3],
    errors: &mut Vec<Diagnostic>,
) -> std::io::Result<Read> {
    let types = super::record::column_types(builders);
    let (mut buf, mut spare) = (Vec::with_capacity(block + (64 << 10)), Vec::with_capacity(block + (64 << 10)));
    let mut eof = fill(reader, &mut buf, block)?;
    let fast = Fast::new(plan, &buf);
    super::reserve(builders, plan, estimate_rows(size, fast.line_bytes, plan.roles.len()));
    // The block parsed last, with its first line, waiting to be appended.
    let mut pending: Option<(Vec<Chunk>, usize)> = None;
    let mut next_line = 2usize;
    loop {
        let end = if eof { buf.len() } else { memchr::memrchr(b'\n', &buf).map_or(0, |i| i + 1) };
        if end == 0 && !eof {
            if buf.len() > MAX_LINE_BYTES {
                flush(pending.take(), plan, builders, errors);
                errors.push(long_line(plan.file, next_line));
                return Ok(Read::Done);
            }
            eof = fill(reader, &mut buf, block)?;
            continue;
        }
        spare.clear();
        spare.extend_from_slice(&buf[end..]);
        let text = &buf[..end];
        let (read, (parsed, ())) = rayon::join(
            || if eof { Ok(true) } else { fill(reader, &mut spare, block) },
            || rayon::join(|| parse_text(text, plan, &fast, &types), || flush(pending.take(), plan, builders, errors)),
        );
        if parsed.iter().any(|c| c.quoted) {
            return Ok(Read::Quoted);
        }
        let lines: usize = parsed.iter().map(|c| c.lines).sum();
        pending = Some((parsed, next_line));
        next_line += lines;
        if eof {
            flush(pending.take(), plan, builders, errors);
            return Ok(Read::Done);
        }
        eof = read?;
        std::mem::swap(&mut buf, &mut spare);
    }
}

/// One parsed chunk of a block: its rows, how many lines it spans, whether it has a quote.
struct Chunk {
    parsed: Parsed,
    lines: usize,
    quoted: bool,
}

/// Appends a parsed block (its chunks, in order), its lines moved to where it starts.
fn flush(
    pending: Option<(Vec<Chunk>, usize)>,
    plan: &Plan,
    builders: &mut [TableBuilder; 3],
    errors: &mut Vec<Diagnostic>,
) {
    let Some((chunks, mut line)) = pending else { return };
    for mut c in chunks {
        shift_lines(&mut c.parsed, line);
        append(c.parsed, plan, builders, errors);
        line += c.lines;
    }
}

/// Reads up to `n` more bytes onto `buf`; whether the file has ended.
fn fill(reader: &mut impl std::io::Read, buf: &mut Vec<u8>, n: usize) -> std::io::Result<bool> {
    let got = reader.by_ref().take(n as u64).read_to_end(buf)?;
    Ok(got < n)
}

/// About how many records a file of `size` bytes holds, at `line_bytes` a line (room is
/// reserved for them; a guess too low only means the columns grow, one too high costs address
/// space, not memory). Never more than a file of empty fields could hold.
pub(super) fn estimate_rows(size: u64, line_bytes: usize, width: usize) -> usize {
    let size = usize::try_from(size).unwrap_or(usize::MAX);
    let guess = size / line_bytes.max(1);
    (guess + guess / 10 + 16).min(size / width.saturating_sub(1).max(1) + 1)
}

/// Splits whole lines into chunks for every thread and parses them in parallel; each chunk
/// comes with the number of lines it spans.
fn parse_text(text: &[u8], plan: &Plan, fast: &Fast, types: &[Vec<Column>; 3]) -> Vec<Chunk> {
    let pieces = rayon::current_num_threads().max(1) * 4;
    let target = text.len() / pieces + 1;
    let mut chunks = Vec::with_capacity(pieces + 1);
    let mut start = 0;
    while start < text.len() {
        let from = (start + target).min(text.len());
        let end = memchr::memchr(b'\n', &text[from..]).map_or(text.len(), |i| from + i + 1);
        chunks.push(start..end);
        start = end;
    }
    chunks.into_par_iter().map(|range| parse_chunk(&text[range], plan, fast, types)).collect()
}

/// Parses the lines of one chunk, numbered from 0.
fn parse_chunk(bytes: &[u8], plan: &Plan, fast: &Fast, types: &[Vec<Column>; 3]) -> Chunk {
    if memchr::memchr(b'"', bytes).is_some() {
        return Chunk { parsed: Parsed::default(), lines: 0, quoted: true };
    }
    let rows = bytes.len() / fast.line_bytes;
    let mut out = Parsed::new(plan, types, rows + rows / 8 + 16);
    // Checked whole; only a chunk with a bad byte is checked line by line.
    let whole = std::str::from_utf8(bytes).ok();
    let mut ends = Vec::with_capacity(fast.lead + 1);
    let (mut start, mut line) = (0, 0);
    while start < bytes.len() {
        let end = memchr::memchr(b'\n', &bytes[start..]).map_or(bytes.len(), |i| start + i);
        let record = match whole {
            Some(text) => Ok(&text[start..end]),
            None => std::str::from_utf8(&bytes[start..end]),
        };
        match record.map(|r| r.strip_suffix('\r').unwrap_or(r)) {
            // A blank line, or one of empty fields (a spreadsheet's trailing `,,,,`), is no row,
            // as the record-by-record path has it.
            Ok(r) if r.bytes().all(|b| b.is_ascii_whitespace() || b == b',') => {}
            Ok(r) => parse_line(r, line, plan, fast, &mut out, &mut ends),
            Err(_) => out.errors.push(
                Diagnostic::error(Code::CsvFormat, "not UTF-8 text")
                    .at_line_col(plan.file, line, 1)
                    .hint("save the file as UTF-8"),
            ),
        }
        line += 1;
        start = end + 1;
    }
    // Every line was stepped over; the last one of the file may have no line end.
    let lines = line - usize::from(!bytes.is_empty() && !bytes.ends_with(b"\n"));
    Chunk { parsed: out, lines, quoted: false }
}

/// The fields a line holds.
fn width_of(line: &[u8]) -> usize {
    memchr::memchr_iter(b',', line).count() + 1
}

/// The 1-based character column where field `i` of a line starts.
fn column_in(line: &str, i: usize) -> usize {
    let start = match i {
        0 => 0,
        _ => memchr::memchr_iter(b',', line.as_bytes()).nth(i - 1).map_or(line.len(), |c| c + 1),
    };
    1 + line[..start].chars().count()
}

/// Parses one record line (without its line end).
fn parse_line(line: &str, at: usize, plan: &Plan, fast: &Fast, out: &mut Parsed, ends: &mut Vec<usize>) {
    let b = line.as_bytes();
    let width = plan.roles.len();
    let col = |i: usize| column_in(line, i);
    // The key fields: where each of the first `lead + 1` fields ends.
    ends.clear();
    let mut start = 0;
    let mut ended = false;
    while ends.len() <= fast.lead {
        match memchr::memchr(b',', &b[start..]) {
            Some(j) => {
                ends.push(start + j);
                start += j + 1;
            }
            None => {
                ends.push(b.len());
                ended = true;
                break;
            }
        }
    }
    let field = |i: usize| &line[if i == 0 { 0 } else { ends[i - 1] + 1 }..ends[i]];
    if ends.len() <= fast.lead || ended != (ends.len() == width) {
        return out.errors.push(width_error(plan, width_of(b), at));
    }
    let kind = match check_keys(plan, field, at, &col) {
        Ok(kind) => kind,
        Err(_) if width_of(b) != width => return out.errors.push(width_error(plan, width_of(b), at)),
        Err(d) => return out.errors.push(d),
    };
    let part = &mut out.kinds[kind.index()];
    let marks = (out.errors.len(), part.exposures.len(), part.headquarters.len());
    let row = push_row(part, field(plan.id), field(plan.name), at);
    let here = (kind, row, at);
    for i in 0..=fast.lead {
        put_field(plan, here, i, field(i), out, &col);
    }
    let slots = &fast.slots[kind.index()];
    let mut pos = start;
    for (i, slot) in slots.iter().enumerate().skip(fast.lead + 1) {
        if ended {
            return too_wide_or_short(plan, out, (kind, row), marks, i, at);
        }
        if let Slot::Number(attr) = *slot
            && let Some((x, n)) = decimal(&b[pos..])
            && let Column::Number(v) = &mut out.kinds[kind.index()].columns[attr]
        {
            v.push(x);
            pos += n;
        } else {
            let end = memchr::memchr(b',', &b[pos..]).map_or(b.len(), |j| pos + j);
            put_field(plan, here, i, &line[pos..end], out, &col);
            pos = end;
        }
        if pos == b.len() {
            ended = true;
        } else {
            pos += 1;
        }
    }
    if !ended {
        return too_wide_or_short(plan, out, (kind, row), marks, width_of(b), at);
    }
    if plan.prov.is_some() {
        // No quotes on this path: field `i` ends at the line's `i`-th comma, the last at its end.
        ends.clear();
        ends.extend(memchr::memchr_iter(b',', b));
        ends.push(b.len());
        let ends = &*ends;
        let piece = |i: usize| &line[if i == 0 { 0 } else { ends[i - 1] + 1 }..ends[i]];
        put_provenance(plan, (kind, at), piece, &col, out);
    }
}

/// Undoes a row found to have another number of fields than the header, and says so.
fn too_wide_or_short(
    plan: &Plan,
    out: &mut Parsed,
    (kind, row): (Kind, Row),
    (errors, exposures, headquarters): (usize, usize, usize),
    fields: usize,
    at: usize,
) {
    truncate(&mut out.kinds[kind.index()], row, (exposures, headquarters));
    out.errors.truncate(errors);
    out.errors.push(width_error(plan, fields, at));
}

/// Powers of ten exactly representable as `f64`.
const POW10: [f64; 23] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20,
    1e21, 1e22,
];

/// A cell at the start of `b` that is empty (NaN, missing) or a plain decimal
/// (`-?digits[.digits]`) whose value is exact in the fast path of correctly rounded parsing
/// (at most 2^53 as an integer, at most 22 decimals: one exact division, so the same `f64` as
/// any correct parser gives), ended by a comma or the end of the line: its value and length.
/// `None` for anything else, which the general parser reads.
#[inline]
fn decimal(b: &[u8]) -> Option<(f64, usize)> {
    let mut i = usize::from(b.first() == Some(&b'-'));
    let negative = i == 1;
    let (mut mantissa, mut digits, mut decimals) = (0u64, 0usize, 0usize);
    while let Some(d) = b.get(i).map(|c| c.wrapping_sub(b'0')).filter(|d| *d < 10) {
        mantissa = mantissa.wrapping_mul(10).wrapping_add(u64::from(d));
        digits += 1;
        i += 1;
    }
    if digits == 0 {
        // Empty cell: missing, as the general path makes it.
        return (!negative && matches!(b.first(), None | Some(b','))).then_some((f64::NAN, 0));
    }
    if b.get(i) == Some(&b'.') {
        i += 1;
        while let Some(d) = b.get(i).map(|c| c.wrapping_sub(b'0')).filter(|d| *d < 10) {
            mantissa = mantissa.wrapping_mul(10).wrapping_add(u64::from(d));
            decimals += 1;
            i += 1;
        }
        if decimals == 0 {
            return None;
        }
    }
    if !matches!(b.get(i), None | Some(b',')) || digits + decimals > 19 || mantissa > 1 << 53 || decimals > 22 {
        return None;
    }
    let x = mantissa as f64 / POW10[decimals];
    Some((if negative { -x } else { x }, i))
}

#[cfg(test)]
mod tests {
    use super::decimal;

    #[test]
    fn plain_decimals_parse_as_the_general_parser_does() {
        let cases = [
            "0",
            "-0",
            "-0.00",
            "7",
            "007",
            "868.23",
            "-1.5",
            "0.1",
            "0.3",
            "9007199254740992",
            "123456.7890123",
            "0.000000000000000001",
            "4503599627370497",
            "99999.99",
            "0.999999999999999",
        ];
        for s in cases {
            let (x, n) = decimal(s.as_bytes()).unwrap_or_else(|| panic!("{s} not fast"));
            let want: f64 = fast_float2::parse(s).unwrap_or(f64::NAN);
            assert_eq!((x.to_bits(), n), (want.to_bits(), s.len()), "{s}");
        }
    }

    #[test]
    fn anything_else_goes_to_the_general_parser() {
        let other = [
            "1e5",
            "1.",
            ".5",
            "+1",
            " 1",
            "1 ",
            "-",
            "1_000",
            "inf",
            "NaN",
            "9007199254740993",
            "12345678901234567890",
            "1.2.3",
            "0x10",
            "1;2",
            "0.0000000000000000001",
            "--1",
        ];
        for s in other {
            assert!(decimal(s.as_bytes()).is_none(), "{s}");
        }
        assert_eq!(decimal(b"12.5,3"), Some((12.5, 4)));
        assert!(decimal(b",3").is_some_and(|(x, n)| x.is_nan() && n == 0));
        assert!(decimal(b"").is_some_and(|(x, n)| x.is_nan() && n == 0));
    }
}
