//! CSV: every column, numbers as their shortest round-trip text, lists joined by `;`, missing
//! values empty.

use std::io;

use super::{Column, Encoder, Value};

/// The CSV encoder: fields written straight into one buffer, quoted as the `csv` crate's
/// writer quotes them (only a field holding `,`, `"`, CR or LF, its quotes doubled; a record of
/// one empty field as `""`), so the bytes are those of `csv::Writer` with its defaults.
pub(crate) struct Csv {
    out: Vec<u8>,
    numbers: Numbers,
    ints: itoa::Buffer,
    /// Bytes of the current record so far.
    record_start: usize,
}

impl Csv {
    /// An encoder into a buffer of `capacity` bytes.
    pub(crate) fn new(capacity: usize) -> Csv {
        Csv {
            out: Vec::with_capacity(capacity),
            numbers: Numbers::default(),
            ints: itoa::Buffer::new(),
            record_start: 0,
        }
    }

    /// Starts a field: a comma unless it is the record's first.
    #[inline]
    fn next(&mut self, first: bool) {
        if !first {
            self.out.push(b',');
        }
    }

    /// Text, quoted when it must be.
    fn text(&mut self, s: &str) {
        push_text(&mut self.out, s);
    }

    /// Ends a record: a record of one empty field is `""`, so it reads back as one.
    fn end(&mut self) {
        if self.out.len() == self.record_start {
            self.out.extend_from_slice(b"\"\"");
        }
        self.out.push(b'\n');
        self.record_start = self.out.len();
    }
}

/// Appends one text field as [`Csv`] writes it: as it is, or quoted (its quotes doubled) when
/// it holds `,`, `"`, CR or LF. For writers that assemble records of known shape themselves.
pub(crate) fn push_text(out: &mut Vec<u8>, s: &str) {
    let b = s.as_bytes();
    if !b.iter().any(|&c| matches!(c, b',' | b'"' | b'\n' | b'\r')) {
        out.extend_from_slice(b);
        return;
    }
    out.push(b'"');
    for piece in b.split_inclusive(|&c| c == b'"') {
        out.extend_from_slice(piece);
        if piece.last() == Some(&b'"') {
            out.push(b'"');
        }
    }
    out.push(b'"');
}

/// One text field's bytes as [`Csv`] writes it, for a field repeated on many records.
pub(crate) fn field(s: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(s.len() + 2);
    push_text(&mut out, s);
    out
}

/// Appends a number as [`Csv`] writes it.
pub(crate) fn push_number(out: &mut Vec<u8>, buf: &mut Numbers, x: f64) {
    out.extend_from_slice(num(buf, x).as_bytes());
}

/// Shortest round-trip text of a number, into a stack buffer (`-0` as `0`, no `.0`): Ryū's
/// spelling. Magnitudes Ryū writes without an exponent go through Żmij, which finds the same
/// shortest digits faster and spells them the same way there (pinned by a test); the rest
/// (`1e16`, `1e-7`, where Żmij writes `e+16`) through Ryū itself.
fn num(buf: &mut Numbers, x: f64) -> &str {
    if x == 0.0 || !x.is_finite() {
        return "0";
    }
    let s = if (1e-5..1e15).contains(&x.abs()) { buf.fast.format_finite(x) } else { buf.exact.format_finite(x) };
    s.strip_suffix(".0").unwrap_or(s)
}

/// The stack buffers numbers are spelled in.
#[derive(Default)]
pub(crate) struct Numbers {
    fast: zmij::Buffer,
    exact: ryu::Buffer,
}

/// A raw value: numbers as their shortest text, text as it is, missing empty.
pub(crate) fn raw(buf: &mut Numbers, v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::Null => String::new(),
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Number(n) => n.as_f64().map_or_else(|| n.to_string(), |x| num(buf, x).to_string()),
        other => other.to_string(),
    }
}

impl Encoder for Csv {
    fn header(&mut self, columns: &[Column]) -> io::Result<()> {
        for (i, c) in columns.iter().enumerate() {
            self.next(i == 0);
            self.text(&c.name);
        }
        self.end();
        Ok(())
    }

    fn row(&mut self, values: &[Value<'_>]) -> io::Result<()> {
        self.record(values.iter().copied());
        Ok(())
    }

    fn into_bytes(self) -> io::Result<Vec<u8>> {
        Ok(self.out)
    }
}

impl Csv {
    /// Writes the records so far to `out` and empties the buffer (its room kept): a long
    /// product written in pieces.
    pub(crate) fn flush_into(&mut self, out: &mut (impl io::Write + ?Sized)) -> io::Result<()> {
        out.write_all(&self.out)?;
        self.out.clear();
        self.record_start = 0;
        Ok(())
    }

    /// How many bytes are buffered.
    pub(crate) fn len(&self) -> usize {
        self.out.len()
    }

    /// Writes one row from its values in column order, without collecting them first.
    pub(crate) fn record<'v>(&mut self, values: impl Iterator<Item = Value<'v>>) {
        for (i, v) in values.enumerate() {
            self.next(i == 0);
            match v {
                Value::Rank(r) => {
                    if let Some(r) = r {
                        self.out.extend_from_slice(self.ints.format(r).as_bytes());
                    }
                }
                Value::Text(s) => self.text(s),
                Value::Score(x) | Value::Share(x) | Value::Weight(x) | Value::Number(Some(x)) => {
                    self.out.extend_from_slice(num(&mut self.numbers, x).as_bytes());
                }
                Value::Number(None) => {}
                Value::List(names) => {
                    let quote = names.iter().any(|n| n.bytes().any(|c| matches!(c, b',' | b'"' | b'\n' | b'\r')));
                    if quote {
                        self.text(&names.join(";"));
                    } else {
                        for (j, n) in names.iter().enumerate() {
                            if j > 0 {
                                self.out.push(b';');
                            }
                            self.out.extend_from_slice(n.as_bytes());
                        }
                    }
                }
                Value::Raw(r) => {
                    let text = raw(&mut self.numbers, r);
                    self.text(&text);
                }
            }
        }
        self.end();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_value_type_reads_as_csv_spells_it() {
        let mut enc = Csv::new(64);
        let cols = ["rank", "id", "score", "flags", "score_a"].map(|n| Column::new(n, None, false));
        enc.header(&cols).expect("header");
        let flags = ["f1", "f2"];
        let row =
            [Value::Rank(None), Value::Text("a,b"), Value::Score(71.25), Value::List(&flags), Value::Number(None)];
        enc.row(&row).expect("row");
        enc.row(&[
            Value::Rank(Some(2)),
            Value::Text("c"),
            Value::Score(-0.0),
            Value::List(&[]),
            Value::Number(Some(50.0)),
        ])
        .expect("row");
        let text = String::from_utf8(enc.into_bytes().expect("bytes")).expect("utf-8");
        assert_eq!(text, "rank,id,score,flags,score_a\n,\"a,b\",71.25,f1;f2,\n2,c,0,,50\n");
    }

    #[test]
    fn numbers_read_as_ryu_spells_them() {
        let ryu_num = |x: f64| {
            let mut b = ryu::Buffer::new();
            let s = b.format_finite(x);
            if x == 0.0 { "0".to_string() } else { s.strip_suffix(".0").unwrap_or(s).to_string() }
        };
        let mut numbers = Numbers::default();
        // Every magnitude and every bit pattern's neighbourhood: a fixed xorshift sequence of
        // raw bits, of scores on 0..100, and the integers, powers of ten and edges.
        let mut state = 0x9E37_79B9_7F4A_7C15u64;
        let mut next = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        let mut cases: Vec<f64> = (0..200_000).map(|_| f64::from_bits(next())).filter(|x| x.is_finite()).collect();
        cases.extend((0..200_000).map(|_| (next() >> 11) as f64 / (1u64 << 53) as f64 * 100.0));
        cases.extend((0..2_000).map(f64::from));
        for e in -330..310 {
            let p = 10f64.powi(e);
            cases.extend([p, -p, p * 0.999_999_999_999_9, p * 1.000_000_000_000_1, 1.5 * p]);
        }
        cases.extend([1e-5, 1e15, 999_999_999_999_999.9, 0.000_009_999_999_999, f64::MIN_POSITIVE, f64::MAX]);
        for x in cases.into_iter().filter(|x| x.is_finite()) {
            assert_eq!(num(&mut numbers, x), ryu_num(x), "{x:e}");
        }
    }

    #[test]
    fn text_is_quoted_as_the_csv_crate_quotes_it() {
        let cells = ["", "plain", "a,b", "say \"hi\"", "\"", "line\nbreak", "cr\r", "é ü 中", " spaced ", "x\"\"y"];
        let mut theirs = csv::WriterBuilder::new().flexible(true).from_writer(Vec::new());
        let mut ours = Csv::new(0);
        for a in cells {
            for b in cells {
                theirs.write_record([a, b]).expect("record");
                ours.row(&[Value::Text(a), Value::Text(b)]).expect("row");
            }
            theirs.write_record([a]).expect("record");
            ours.row(&[Value::Text(a)]).expect("row");
        }
        let names = ["a,b", "c"];
        theirs.write_record(["a,b;c", ""]).expect("record");
        ours.row(&[Value::List(&names), Value::List(&[])]).expect("row");
        assert_eq!(ours.into_bytes().expect("bytes"), theirs.into_inner().expect("bytes"));
    }
}
