//! The long form of a `thesis robust` report, one row per result, `analysis` saying which:
//! `analysis,entity,item,direction,delta,rank,number,error,text`, as CSV or as Parquet or
//! Arrow IPC record batches of the same columns. Flip points are streamed: each chunk of rows
//! is solved and encoded on its own (in parallel) and written in table order, then the other
//! analyses' rows follow.

use std::io::{self, Write};

use arrow_array::RecordBatch;
use serde_json::Value as Json;

use super::{band, raw_json};
use crate::evaluate::KindScores;
use crate::render::encode::batch_file::{BatchFormat, open_sink};
use crate::render::encode::columnar::{BatchEncoder, BatchSink, empty_schema, io_error};
use crate::render::encode::csv::{self, Csv};
use crate::render::encode::{Column, Encoder, Value};
use crate::robust::stream::{CHUNK_ROWS, stream};
use crate::robust::{Flip, Report};
use crate::scale::RawValue;

/// Bytes of CSV, and rows of a record batch, the other analyses' rows are written in.
const PIECE_BYTES: usize = 1 << 16;
const PIECE_ROWS: usize = 1 << 14;

/// The long form's columns.
fn columns() -> Vec<Column> {
    ["analysis", "entity", "item", "direction", "delta", "rank", "number", "error", "text"]
        .iter()
        .map(|n| Column::new(n, None, false))
        .collect()
}

/// What every flip row of a kind reads, once: each cap gate's text.
struct FlipRows<'a> {
    ks: &'a KindScores,
    capped: Vec<String>,
}

impl<'a> FlipRows<'a> {
    fn new(ks: &'a KindScores) -> FlipRows<'a> {
        FlipRows { ks, capped: ks.plan.rules.gates.iter().map(|g| format!("capped: {}", g.id)).collect() }
    }

    /// The rows of some flips, each handed to `row`.
    fn encode(&self, flips: &[Flip], mut row: impl FnMut(&[Value<'_>])) {
        let ks = self.ks;
        let none = Value::Number(None);
        for f in flips {
            // A raw value is built only where the scale gives one (a few flips in a hundred).
            let raw = f.value.as_ref().map_or(Json::Null, raw_json);
            let text = match f.capped_by {
                Some(g) => Value::Text(&self.capped[g]),
                None => Value::Raw(&raw),
            };
            row(&[
                Value::Text("flips"),
                Value::Text(ks.table.id(f.row)),
                Value::Text(&ks.plan.rules.factors[f.factor].id),
                Value::Text(f.direction.word()),
                none,
                Value::Rank(None),
                Value::Number(f.points),
                none,
                text,
            ]);
        }
    }
}

/// Flip records straight into CSV bytes, the fields a kind repeats quoted once: the same bytes
/// [`Csv`] writes for [`FlipRows`] (a test holds them to it), without a row of values per record.
struct FlipCsv<'a> {
    ks: &'a KindScores,
    factors: Vec<Vec<u8>>,
    capped: Vec<Vec<u8>>,
}

/// One chunk's CSV bytes.
#[derive(Default)]
struct CsvPiece {
    bytes: Vec<u8>,
    numbers: csv::Numbers,
}

impl<'a> FlipCsv<'a> {
    fn new(ks: &'a KindScores) -> FlipCsv<'a> {
        let rules = &ks.plan.rules;
        FlipCsv {
            ks,
            factors: rules.factors.iter().map(|f| csv::field(&f.id)).collect(),
            capped: rules.gates.iter().map(|g| csv::field(&format!("capped: {}", g.id))).collect(),
        }
    }

    /// Appends the records of one entity's flips.
    fn encode(&self, flips: &[Flip], piece: &mut CsvPiece) {
        let Some(first) = flips.first() else { return };
        let entity = csv::field(self.ks.table.id(first.row));
        let CsvPiece { bytes: out, numbers } = piece;
        for f in flips {
            out.extend_from_slice(b"flips,");
            out.extend_from_slice(&entity);
            out.push(b',');
            out.extend_from_slice(&self.factors[f.factor]);
            out.push(b',');
            out.extend_from_slice(f.direction.word().as_bytes());
            out.extend_from_slice(b",,,");
            if let Some(p) = f.points {
                csv::push_number(out, numbers, p);
            }
            out.extend_from_slice(b",,");
            match (f.capped_by, &f.value) {
                (Some(g), _) => out.extend_from_slice(&self.capped[g]),
                (None, Some(RawValue::Number(x))) if x.is_finite() => csv::push_number(out, numbers, *x),
                (None, Some(RawValue::Bool(b))) => out.extend_from_slice(if *b { b"true" } else { b"false" }),
                (None, Some(RawValue::Text(t))) => csv::push_text(out, t),
                (None, _) => {}
            }
            out.push(b'\n');
        }
    }
}

/// The rows of every analysis but flip points, in the long form's order, each handed to `row`.
fn other_rows(ks: &KindScores, r: &Report, mut row: impl FnMut(&[Value<'_>]) -> io::Result<()>) -> io::Result<()> {
    let none = Value::Number(None);
    for f in &r.weight_flips {
        let text = match f.capped_by {
            Some(g) => format!("capped: {}", ks.plan.rules.gates[g].id),
            None => band(ks, f.band).to_string(),
        };
        row(&[
            Value::Text("weight_flips"),
            Value::Text(ks.table.id(f.row)),
            Value::Text(f.weight.name(ks)),
            Value::Text(f.direction.word()),
            Value::Number(f.change()),
            Value::Rank(None),
            Value::Number(f.to),
            none,
            Value::Text(&text),
        ])?;
    }
    for o in &r.oat {
        let top = o.top.map_or("", |t| ks.table.id(t));
        row(&[
            Value::Text("oat"),
            Value::Text(""),
            Value::Text(o.weight.name(ks)),
            Value::Text(""),
            Value::Number(Some(o.delta)),
            Value::Rank(None),
            Value::Number(o.kendall_tau),
            none,
            Value::Text(top),
        ])?;
    }
    if let Some((s, smaa)) = &r.smaa {
        for a in smaa.entities() {
            let id = ks.table.id(a.row);
            for (k, (share, err)) in a.shares().zip(a.standard_errors()).enumerate() {
                let rank = Value::Rank(Some(k as u32 + 1));
                row(&[
                    Value::Text("smaa"),
                    Value::Text(id),
                    Value::Text(""),
                    Value::Text(""),
                    none,
                    rank,
                    Value::Number(Some(share)),
                    Value::Number(Some(err)),
                    Value::Text(""),
                ])?;
            }
            for (w, x) in s.vary.iter().zip(a.central.unwrap_or_default()) {
                row(&[
                    Value::Text("central_weight"),
                    Value::Text(id),
                    Value::Text(w.name(ks)),
                    Value::Text(""),
                    none,
                    Value::Rank(None),
                    Value::Number(Some(*x)),
                    none,
                    Value::Text(""),
                ])?;
            }
        }
    }
    for l in &r.leave_one_out {
        let changed = if l.order_changed { "order_changed" } else { "order_kept" };
        row(&[
            Value::Text("leave_one_out"),
            Value::Text(ks.table.id(l.removed)),
            Value::Text(""),
            Value::Text(""),
            none,
            Value::Rank(None),
            Value::Number(l.spearman),
            none,
            Value::Text(changed),
        ])?;
    }
    Ok(())
}

/// The long form as CSV.
pub(super) fn write_csv(out: &mut (dyn Write + Send), ks: &KindScores, r: &Report) -> io::Result<()> {
    let mut head = Csv::new(64);
    head.header(&columns())?;
    out.write_all(&head.into_bytes()?)?;
    if r.flips {
        let rows = FlipCsv::new(ks);
        let write = |piece: &mut CsvPiece| {
            out.write_all(&piece.bytes)?;
            piece.bytes.clear();
            Ok::<_, io::Error>(())
        };
        stream(ks, CHUNK_ROWS, r.out_of_reach, |flips, piece| rows.encode(flips, piece), write)?;
    }
    // The other analyses' rows, written a piece at a time (SMAA of many entities is long).
    let mut rest = Csv::new(PIECE_BYTES + 4096);
    other_rows(ks, r, |v| {
        rest.row(v)?;
        if rest.len() >= PIECE_BYTES { rest.flush_into(&mut *out) } else { Ok(()) }
    })?;
    rest.flush_into(out)
}

/// The long form as Parquet or Arrow IPC: a record batch per chunk of flips, then one of the
/// other analyses. The file opens on the first batch (its schema); a report without rows
/// gets one of text columns.
pub(super) fn write_batches(
    out: &mut (dyn Write + Send),
    format: BatchFormat,
    ks: &KindScores,
    r: &Report,
) -> io::Result<()> {
    let columns = columns();
    let mut out = Some(out);
    let mut sink: Option<Box<dyn BatchSink + Send + '_>> = None;
    let mut put = |batch: Option<RecordBatch>| -> io::Result<()> {
        let Some(batch) = batch else { return Ok(()) };
        if let Some(o) = out.take() {
            sink = Some(open_sink(format, o, batch.schema(), Some(&batch))?);
        }
        match &mut sink {
            Some(s) => s.write(&batch),
            None => Ok(()),
        }
    };
    if r.flips {
        let rows = FlipRows::new(ks);
        // Room for a chunk's listed flips (a few per entity; every factor's two with --out-of-reach).
        let per_row = if r.out_of_reach { 2 * ks.plan.rules.factors.len() } else { 4 };
        let capacity = CHUNK_ROWS * per_row;
        let encode = |flips: &[Flip], enc: &mut Option<BatchEncoder>| {
            let enc = enc.get_or_insert_with(|| BatchEncoder::new(&columns, capacity));
            rows.encode(flips, |v| enc.row(v));
        };
        stream(ks, CHUNK_ROWS, r.out_of_reach, encode, |enc| enc.take().map_or(Ok(()), |enc| put(finish(enc)?)))?;
    }
    let mut enc = BatchEncoder::new(&columns, 0);
    other_rows(ks, r, |v| {
        enc.row(v);
        if enc.len() < PIECE_ROWS {
            return Ok(());
        }
        put(finish(std::mem::replace(&mut enc, BatchEncoder::new(&columns, 0)))?)
    })?;
    put(finish(enc)?)?;
    if let Some(o) = out.take() {
        sink = Some(open_sink(format, o, empty_schema(&columns), None)?);
    }
    sink.map_or(Ok(()), |s| s.finish())
}

/// The batch of the rows an encoder holds, if any.
fn finish(enc: BatchEncoder) -> io::Result<Option<RecordBatch>> {
    if enc.is_empty() { Ok(None) } else { enc.finish().map(Some).map_err(io_error) }
}
