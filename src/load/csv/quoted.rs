//! The sequential CSV path (load stage), for files with quoted fields: the `csv` crate reads
//! record by record, and a reader that notes where the newlines are gives each record its line
//! (the `csv` crate's own count runs one short on CRLF files). A quote never closed, or a line
//! longer than the limit, ends the file with a diagnostic.

use std::fs::File;
use std::io::{BufReader, Read};

use super::record::{Parsed, append, column_types, parse_record};
use super::{MAX_LINE_BYTES, Plan};
use crate::diag::{Code, Diagnostic};
use crate::model::TableBuilder;

/// Records parsed before they are appended to the builders.
const FLUSH_ROWS: usize = 1 << 16;

/// The sequential path for files with quoted fields.
pub(super) fn read_quoted(
    reader: BufReader<File>,
    plan: &Plan,
    builders: &mut [TableBuilder; 3],
    errors: &mut Vec<Diagnostic>,
) -> std::io::Result<()> {
    let types = column_types(builders);
    let mut out = Parsed::new(plan, &types, 0);
    let mut ended = Vec::new();
    let mut rows = 0usize;
    each_record(reader, plan.roles.len(), plan.file, &mut ended, |fields, line, _| {
        parse_record(fields, line, plan, &mut out);
        rows += 1;
        // Appended as it goes, so the rows are never held twice.
        if rows.is_multiple_of(FLUSH_ROWS) {
            append(std::mem::replace(&mut out, Parsed::new(plan, &types, 0)), plan, builders, errors);
        }
    });
    out.errors.extend(ended);
    append(out, plan, builders, errors);
    Ok(())
}

/// Reads the records after the header (line 1) one by one, quoted fields and all, handing each
/// record that is not blank to `each` with its line; a quote never closed on a row of fewer
/// than `width` fields, or a malformed record, ends the file with a diagnostic.
pub(super) fn each_record(
    reader: BufReader<File>,
    width: usize,
    file: crate::source::FileId,
    errors: &mut Vec<Diagnostic>,
    mut each: impl FnMut(&[&str], usize, &mut Vec<Diagnostic>),
) {
    let newlines = std::rc::Rc::new(std::cell::RefCell::new(Newlines::default()));
    let counting = Counting { inner: reader, offset: 0, newlines: std::rc::Rc::clone(&newlines) };
    let mut rdr = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(counting);
    let mut record = csv::StringRecord::new();
    // The header is line 1; records are located by byte offset (the csv crate's own line
    // count runs one short on CRLF files).
    let line_at = |byte: u64| 2 + newlines.borrow_mut().before(byte);
    loop {
        match rdr.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {
                let line = line_at(record.position().map_or(0, |p| p.byte()));
                let fields: Vec<&str> = record.iter().collect();
                if fields.iter().all(|f| f.trim().is_empty()) {
                    continue;
                }
                // A short row whose last field spans lines: a quote opened and never closed.
                if fields.len() != width && fields.last().is_some_and(|f| f.contains('\n')) {
                    errors.push(
                        Diagnostic::error(Code::CsvFormat, "a quoted field opened on this row is never closed")
                            .at_line_col(file, line, 1)
                            .hint("close the quote; a quote inside a quoted field is written twice (`\"\"`)"),
                    );
                    break;
                }
                each(&fields, line, errors);
            }
            Err(e) => {
                let line = line_at(e.position().map_or(0, |p| p.byte()));
                errors.push(Diagnostic::error(Code::CsvFormat, e.to_string()).at_line_col(file, line, 1));
                break;
            }
        }
    }
}

/// Byte offsets of the newlines read so far but not yet passed, and how many were passed.
#[derive(Default)]
struct Newlines {
    ahead: std::collections::VecDeque<u64>,
    passed: usize,
    /// Where the last line read so far starts.
    last_seen: u64,
}

impl Newlines {
    /// How many newlines come before `byte` (which never goes back).
    fn before(&mut self, byte: u64) -> usize {
        // A CRLF record's start is the `\n` of the terminator before it, so `<=`.
        while self.ahead.front().is_some_and(|&n| n <= byte) {
            self.ahead.pop_front();
            self.passed += 1;
        }
        self.passed
    }
}

/// A reader that notes where the newlines are, for line numbers from byte offsets.
struct Counting<R> {
    inner: R,
    offset: u64,
    newlines: std::rc::Rc<std::cell::RefCell<Newlines>>,
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        let mut newlines = self.newlines.borrow_mut();
        newlines.ahead.extend(memchr::memchr_iter(b'\n', &buf[..n]).map(|i| self.offset + i as u64));
        self.offset += n as u64;
        let last = newlines.ahead.back().copied().map_or(0, |i| i + 1).max(newlines.last_seen);
        newlines.last_seen = last;
        if self.offset - last > MAX_LINE_BYTES as u64 {
            return Err(std::io::Error::other(format!("a line longer than {} MiB", MAX_LINE_BYTES >> 20)));
        }
        Ok(n)
    }
}
