//! `thesis robust --format json`: one document, `{"flips", "leave_one_out", "oat", "smaa"}`
//! (keys sorted, as every JSON map thesis writes), pretty-printed. Written in pieces that read
//! as the whole: the flips array streamed chunk by chunk (each chunk's objects encoded in
//! parallel), SMAA's entities serialized as they are read, the small analyses as values.

use std::io::{self, Write};

use serde::Serialize;
use serde::ser::{SerializeMap, SerializeSeq, Serializer};
use serde_json::{Map, Value as Json, json};

use super::{band, opt};
use crate::evaluate::KindScores;
use crate::fmt::json_number;
use crate::render::encode::pretty::{Array, element, write_at};
use crate::robust::stream::{CHUNK_ROWS, stream};
use crate::robust::{Acceptability, Flip, Report, Sampling, Smaa, WeightFlip};
use crate::scale::RawValue;

/// A number as [`json_number`] writes it: −0 as 0, not finite as null.
struct Num(f64);

impl Serialize for Num {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let x = if self.0 == 0.0 { 0.0 } else { self.0 };
        if x.is_finite() { s.serialize_f64(x) } else { s.serialize_unit() }
    }
}

/// A raw value as the ledger carries it (see [`super::raw_json`]).
struct Raw<'a>(&'a RawValue);

impl Serialize for Raw<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self.0 {
            RawValue::Number(x) => Num(*x).serialize(s),
            RawValue::Bool(b) => s.serialize_bool(*b),
            RawValue::Text(t) => s.serialize_str(t),
        }
    }
}

/// One flip's object: `capped_by` (when a cap holds), `direction`, `entity`, `factor`,
/// `from_points`, `points` (null when out of reach: listed only with `--out-of-reach`), `to` (the band) and `value` (where the
/// scale inverts), in that (sorted) order.
struct FlipObject<'a>(&'a KindScores, &'a Flip);

impl Serialize for FlipObject<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let FlipObject(ks, f) = *self;
        let rules = &ks.plan.rules;
        let mut m = s.serialize_map(None)?;
        if let Some(g) = f.capped_by {
            m.serialize_entry("capped_by", &rules.gates[g].id)?;
        }
        m.serialize_entry("direction", f.direction.word())?;
        m.serialize_entry("entity", ks.table.id(f.row))?;
        m.serialize_entry("factor", &rules.factors[f.factor].id)?;
        m.serialize_entry("from_points", &Num(f.from))?;
        m.serialize_entry("points", &f.points.map(Num))?;
        m.serialize_entry("to", band(ks, f.band))?;
        if let Some(v) = &f.value {
            m.serialize_entry("value", &Raw(v))?;
        }
        m.end()
    }
}

/// One flip as JSON (for `explain`): the object the document's `flips` array holds.
pub(crate) fn flip_json(ks: &KindScores, f: &Flip) -> Json {
    serde_json::to_value(FlipObject(ks, f)).unwrap_or(Json::Null)
}

/// One weight flip as JSON: `entity`, `weight` (a factor or category id), `of` (`factor` or
/// `category`), `direction`, `from_weight`, `weight_to` and `change` (as a fraction; null when
/// out of reach, listed only with `--out-of-reach`), the band it moves into, and the cap gate that holds it.
pub(crate) fn weight_flip_json(ks: &KindScores, f: &WeightFlip) -> Json {
    let of = match f.weight {
        crate::robust::WeightId::Factor(_) => "factor",
        crate::robust::WeightId::Category(_) => "category",
    };
    let mut o = Map::new();
    o.insert("entity".into(), ks.table.id(f.row).into());
    o.insert("weight".into(), f.weight.name(ks).into());
    o.insert("of".into(), of.into());
    o.insert("direction".into(), f.direction.word().into());
    o.insert("from_weight".into(), json_number(f.from));
    o.insert("weight_to".into(), opt(f.to));
    o.insert("change".into(), opt(f.change()));
    o.insert("to".into(), band(ks, f.band).into());
    if let Some(g) = f.capped_by {
        o.insert("capped_by".into(), ks.plan.rules.gates[g].id.clone().into());
    }
    Json::Object(o)
}

/// One chunk's flip objects, encoded.
#[derive(Default)]
struct Piece {
    bytes: Vec<u8>,
    failed: Option<io::Error>,
}

/// The document: `flips` (points flips, then weight flips), `leave_one_out`, `oat` and `smaa`
/// (null when not run).
pub(super) fn write(out: &mut (dyn Write + Send), ks: &KindScores, r: &Report) -> io::Result<()> {
    out.write_all(b"{\n  \"flips\": ")?;
    let mut flips = Array::open(out, 1)?;
    if r.flips {
        let encode = |chunk: &[Flip], piece: &mut Piece| {
            for f in chunk {
                if let Err(e) = element(&mut piece.bytes, 1, &FlipObject(ks, f)) {
                    piece.failed.get_or_insert(e);
                }
            }
        };
        let write = |piece: &mut Piece| {
            if let Some(e) = piece.failed.take() {
                return Err(e);
            }
            flips.piece(out, &piece.bytes)?;
            piece.bytes.clear();
            Ok(())
        };
        stream(ks, CHUNK_ROWS, r.out_of_reach, encode, write)?;
    }
    let mut piece = Vec::new();
    for f in &r.weight_flips {
        element(&mut piece, 1, &weight_flip_json(ks, f))?;
    }
    flips.piece(out, &piece)?;
    flips.close(out)?;
    let id = |row: usize| Json::from(ks.table.id(row));
    let loo: Vec<Json> = r
        .leave_one_out
        .iter()
        .map(|l| json!({"removed": id(l.removed), "order_changed": l.order_changed, "spearman": opt(l.spearman)}))
        .collect();
    out.write_all(b",\n  \"leave_one_out\": ")?;
    write_at(out, 1, &loo)?;
    let oat: Vec<Json> = r
        .oat
        .iter()
        .map(|o| {
            json!({"weight": o.weight.name(ks), "delta": json_number(o.delta),
                   "top": o.top.map_or(Json::Null, id), "kendall_tau": opt(o.kendall_tau)})
        })
        .collect();
    out.write_all(b",\n  \"oat\": ")?;
    write_at(out, 1, &oat)?;
    out.write_all(b",\n  \"smaa\": ")?;
    match &r.smaa {
        Some((s, smaa)) => write_at(out, 1, &SmaaObject { ks, s, smaa })?,
        None => out.write_all(b"null")?,
    }
    out.write_all(b"\n}\n")
}

/// `smaa`: `entities`, `samples`, `seed`, `spread` and `varied`, entities serialized one by one
/// (no tree of them is built).
struct SmaaObject<'a> {
    ks: &'a KindScores,
    s: &'a Sampling,
    smaa: &'a Smaa,
}

impl Serialize for SmaaObject<'_> {
    fn serialize<S: Serializer>(&self, ser: S) -> Result<S::Ok, S::Error> {
        let SmaaObject { ks, s, smaa } = *self;
        // Central weights keyed by name, in the sorted order of a JSON map.
        let mut by_name: Vec<(&str, usize)> = s.vary.iter().enumerate().map(|(i, w)| (w.name(ks), i)).collect();
        by_name.sort_unstable();
        let varied: Vec<&str> = s.vary.iter().map(|w| w.name(ks)).collect();
        let mut m = ser.serialize_map(None)?;
        m.serialize_entry("entities", &Entities { ks, smaa, by_name: &by_name })?;
        m.serialize_entry("samples", &s.samples)?;
        m.serialize_entry("seed", &s.seed)?;
        m.serialize_entry("spread", &s.spread.map(Num))?;
        m.serialize_entry("varied", &varied)?;
        m.end()
    }
}

struct Entities<'a> {
    ks: &'a KindScores,
    smaa: &'a Smaa,
    by_name: &'a [(&'a str, usize)],
}

impl Serialize for Entities<'_> {
    fn serialize<S: Serializer>(&self, ser: S) -> Result<S::Ok, S::Error> {
        let mut seq = ser.serialize_seq(Some(self.smaa.len()))?;
        for a in self.smaa.entities() {
            seq.serialize_element(&Entity { ks: self.ks, a, by_name: self.by_name })?;
        }
        seq.end()
    }
}

/// One entity's `acceptability`, `central_weights` (empty when it never ranks first), `id` and
/// `standard_error`.
struct Entity<'a> {
    ks: &'a KindScores,
    a: Acceptability<'a>,
    by_name: &'a [(&'a str, usize)],
}

impl Serialize for Entity<'_> {
    fn serialize<S: Serializer>(&self, ser: S) -> Result<S::Ok, S::Error> {
        let a = self.a;
        let mut m = ser.serialize_map(None)?;
        m.serialize_entry("acceptability", &Numbers(|| a.shares()))?;
        m.serialize_entry("central_weights", &Central(a.central, self.by_name))?;
        m.serialize_entry("id", self.ks.table.id(a.row))?;
        m.serialize_entry("standard_error", &Numbers(|| a.standard_errors()))?;
        m.end()
    }
}

/// Numbers as a JSON array, from an iterator made when serialized.
struct Numbers<F>(F);

impl<I: Iterator<Item = f64>, F: Fn() -> I> Serialize for Numbers<F> {
    fn serialize<S: Serializer>(&self, ser: S) -> Result<S::Ok, S::Error> {
        ser.collect_seq((self.0)().map(Num))
    }
}

struct Central<'a>(Option<&'a [f64]>, &'a [(&'a str, usize)]);

impl Serialize for Central<'_> {
    fn serialize<S: Serializer>(&self, ser: S) -> Result<S::Ok, S::Error> {
        let Some(c) = self.0 else { return ser.serialize_map(Some(0))?.end() };
        ser.collect_map(self.1.iter().map(|&(name, i)| (name, Num(c[i]))))
    }
}
