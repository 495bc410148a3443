//! CSV: every column, numbers as their shortest round-trip text, lists joined by `;`, missing
//! values empty.

use std::io;

use super::{Column, Encoder, Value};

/// The CSV encoder.
pub(crate) struct Csv {
    w: csv::Writer<Vec<u8>>,
    numbers: ryu::Buffer,
    ints: itoa::Buffer,
}

impl Csv {
    /// An encoder into a buffer of `capacity` bytes.
    pub(crate) fn new(capacity: usize) -> Csv {
        Csv {
            w: csv::Writer::from_writer(Vec::with_capacity(capacity)),
            numbers: ryu::Buffer::new(),
            ints: itoa::Buffer::new(),
        }
    }
}

/// Shortest round-trip text of a number, into a stack buffer (`-0` as `0`, no `.0`).
fn num(buf: &mut ryu::Buffer, x: f64) -> &str {
    if x == 0.0 || !x.is_finite() {
        return "0";
    }
    let s = buf.format_finite(x);
    s.strip_suffix(".0").unwrap_or(s)
}

/// A raw value: numbers as their shortest text, text as it is, missing empty.
fn raw(buf: &mut ryu::Buffer, v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::Null => String::new(),
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Number(n) => n.as_f64().map_or_else(|| n.to_string(), |x| num(buf, x).to_string()),
        other => other.to_string(),
    }
}

impl Encoder for Csv {
    fn header(&mut self, columns: &[Column]) -> io::Result<()> {
        self.w.write_record(columns.iter().map(|c| c.name.as_str()))?;
        Ok(())
    }

    fn row(&mut self, values: &[Value<'_>]) -> io::Result<()> {
        for v in values {
            match *v {
                Value::Rank(r) => self.w.write_field(r.map_or("", |r| self.ints.format(r)))?,
                Value::Text(s) => self.w.write_field(s)?,
                Value::Score(x) | Value::Share(x) => self.w.write_field(num(&mut self.numbers, x))?,
                Value::Number(x) => self.w.write_field(x.map_or("", |x| num(&mut self.numbers, x)))?,
                Value::List(names) => self.w.write_field(names.join(";"))?,
                Value::Weight(x) => self.w.write_field(num(&mut self.numbers, x))?,
                Value::Raw(v) => self.w.write_field(raw(&mut self.numbers, v))?,
            }
        }
        self.w.write_record(None::<&[u8]>)?;
        Ok(())
    }

    fn into_bytes(self) -> io::Result<Vec<u8>> {
        self.w.into_inner().map_err(|e| e.into_error())
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
}
