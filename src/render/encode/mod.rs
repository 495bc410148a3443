//! Encoders (render stage): a product's rows, as named columns of typed [`Value`]s, written in
//! one format per file behind [`Encoder`]. A product builds its rows once; the format only
//! decides how each type of value reads (a score is `71.25` in a table and its shortest
//! round-trip text in CSV), so a new format is one file here plus the variant that selects it.

pub(crate) mod arrow;
pub(crate) mod batch_file;
pub(crate) mod columnar;
pub(crate) mod csv;
pub(crate) mod markdown;
pub(crate) mod parquet;
pub(crate) mod pretty;
pub(crate) mod table;

use std::io;

/// One cell of a row, typed so each format can spell it its own way.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Value<'a> {
    /// A rank; empty for entities outside the ranking.
    Rank(Option<u32>),
    /// Text as it is.
    Text(&'a str),
    /// A score on 0..100.
    Score(f64),
    /// A share on 0..1 (coverage).
    Share(f64),
    /// A number that may be missing (category scores, points); `—` in tables when missing.
    Number(Option<f64>),
    /// A weight, in full (`2`, `0.5`).
    Weight(f64),
    /// A factor's raw value (number, text, boolean or null), as the ledger carries it.
    Raw(&'a serde_json::Value),
    /// Several names (flags, reason codes).
    List(&'a [&'a str]),
}

/// A column of a product's rows.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Column {
    /// Its name in CSV headers and JSON keys.
    pub name: String,
    /// Its title in tables, or `None` where tables leave it out.
    pub title: Option<&'static str>,
    /// Whether tables right-align it (numbers).
    pub right: bool,
    /// Whether tables cut its text to [`crate::render::MAX_CELL_CHARS`] (data); names from the
    /// rules are shown whole.
    pub clip: bool,
}

impl Column {
    /// A column named `name`, titled `title` in tables, right-aligned there if `right`, its
    /// text clipped.
    pub(crate) fn new(name: &str, title: Option<&'static str>, right: bool) -> Column {
        Column { name: name.to_string(), title, right, clip: true }
    }

    /// The same column, its text shown whole in tables.
    pub(crate) fn whole(self) -> Column {
        Column { clip: false, ..self }
    }
}

/// Writes rows of typed values in one format, into a buffer (rows are encoded in parallel
/// blocks and written in order).
pub(crate) trait Encoder {
    /// Writes the column header (formats without one write nothing).
    fn header(&mut self, columns: &[Column]) -> io::Result<()>;
    /// Writes one row, its values in column order.
    fn row(&mut self, values: &[Value<'_>]) -> io::Result<()>;
    /// The encoded bytes so far.
    fn into_bytes(self) -> io::Result<Vec<u8>>;
}
