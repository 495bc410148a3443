//! Aligned text tables: the columns that have a title, two spaces between columns, numbers
//! right-aligned, no trailing spaces; scores to 2 decimals, shares as percentages, weights in
//! full, missing numbers `—`, lists joined by `, `. Cells are measured in terminal columns
//! (a CJK character takes two) and a cell with line breaks takes several lines, as
//! comfy-table lays them out. Widths come first, from [`Widths`] over every row.

use std::io;

use unicode_width::UnicodeWidthStr;

use super::{Column, Encoder, Value};
use crate::fmt::{RawStyle, fixed, number, percent, raw};

/// The text of a value in a table, clipped if its column is.
fn cell(c: &Column, v: &Value<'_>) -> String {
    let text = |s: &str| if c.clip { crate::render::clip(s).into_owned() } else { s.to_string() };
    match *v {
        Value::Rank(r) => r.map(|r| r.to_string()).unwrap_or_default(),
        Value::Text(s) => text(s),
        Value::Score(x) => fixed(x, 2),
        Value::Share(x) => percent(x),
        Value::Number(x) => x.map_or_else(|| "—".to_string(), |x| fixed(x, 2)),
        Value::Weight(x) => number(x),
        Value::Raw(v) => raw(v, RawStyle::Table),
        Value::List(names) => text(&names.join(", ")),
    }
}

/// The terminal columns the widest line of a cell takes.
fn width(cell: &str) -> usize {
    cell.split('\n').map(UnicodeWidthStr::width).max().unwrap_or(0)
}

/// The widths of a table's columns (its titled ones), measured over its header and rows.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Widths(Vec<usize>);

impl Widths {
    /// The widths of the titles alone.
    pub(crate) fn of_header(columns: &[Column]) -> Widths {
        Widths(columns.iter().filter_map(|c| c.title).map(width).collect())
    }

    /// Widens to fit one row.
    pub(crate) fn fit(&mut self, columns: &[Column], values: &[Value<'_>]) {
        for (w, (c, v)) in self.0.iter_mut().zip(shown(columns, values)) {
            *w = (*w).max(width(&cell(c, v)));
        }
    }

    /// The wider of two measurements, column by column.
    pub(crate) fn max(mut self, other: Widths) -> Widths {
        for (a, b) in self.0.iter_mut().zip(other.0) {
            *a = (*a).max(b);
        }
        self
    }
}

/// The titled columns with their values.
fn shown<'v, 'a, 'c>(
    columns: &'c [Column],
    values: &'v [Value<'a>],
) -> impl Iterator<Item = (&'c Column, &'v Value<'a>)> {
    columns.iter().zip(values).filter(|(c, _)| c.title.is_some())
}

/// The aligned-table encoder.
pub(crate) struct TableText<'c> {
    columns: &'c [Column],
    widths: &'c Widths,
    /// Whether titles are left-aligned above right-aligned columns too (the ledger's tables).
    titles_left: bool,
    text: String,
}

impl<'c> TableText<'c> {
    /// An encoder for rows of `columns`, padded to `widths`.
    pub(crate) fn new(columns: &'c [Column], widths: &'c Widths, capacity: usize) -> TableText<'c> {
        TableText { columns, widths, titles_left: false, text: String::with_capacity(capacity) }
    }

    /// The same encoder, its titles all left-aligned.
    pub(crate) fn titles_left(self) -> TableText<'c> {
        TableText { titles_left: true, ..self }
    }

    /// One row of cells padded to their widths, right-aligned where `right`: a line per line
    /// of its tallest cell.
    fn line(&mut self, cells: &[(String, bool)]) {
        let lines: Vec<Vec<&str>> = cells.iter().map(|(c, _)| c.split('\n').collect()).collect();
        let height = lines.iter().map(Vec::len).max().unwrap_or(1);
        for i in 0..height {
            let start = self.text.len();
            for ((parts, (_, right)), width) in lines.iter().zip(cells).zip(&self.widths.0) {
                let part = parts.get(i).copied().unwrap_or("");
                let pad = width.saturating_sub(part.width());
                self.text.push(' ');
                if *right {
                    self.text.extend(std::iter::repeat_n(' ', pad));
                    self.text.push_str(part);
                } else {
                    self.text.push_str(part);
                    self.text.extend(std::iter::repeat_n(' ', pad));
                }
                self.text.push(' ');
            }
            let end = self.text[start..].trim_end().len() + start;
            self.text.truncate(end);
            self.text.push('\n');
        }
    }
}

impl Encoder for TableText<'_> {
    /// The titles, aligned as their columns are (or all to the left).
    fn header(&mut self, columns: &[Column]) -> io::Result<()> {
        let titles: Vec<(String, bool)> =
            columns.iter().filter_map(|c| c.title.map(|t| (t.to_string(), c.right && !self.titles_left))).collect();
        self.line(&titles);
        Ok(())
    }

    fn row(&mut self, values: &[Value<'_>]) -> io::Result<()> {
        let cells: Vec<(String, bool)> = shown(self.columns, values).map(|(c, v)| (cell(c, v), c.right)).collect();
        self.line(&cells);
        Ok(())
    }

    fn into_bytes(self) -> io::Result<Vec<u8>> {
        Ok(self.text.into_bytes())
    }
}

/// A whole table at once (a ledger's few rows): widths over every row, then the header (its
/// titles left-aligned when `titles_left`) and the rows.
pub(crate) fn text_table(columns: &[Column], rows: &[Vec<Value<'_>>], titles_left: bool) -> io::Result<Vec<u8>> {
    let mut widths = Widths::of_header(columns);
    rows.iter().for_each(|r| widths.fit(columns, r));
    let mut enc = TableText::new(columns, &widths, 0);
    if titles_left {
        enc = enc.titles_left();
    }
    enc.header(columns)?;
    for r in rows {
        enc.row(r)?;
    }
    enc.into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titled_columns_align_and_lines_keep_no_trailing_spaces() {
        let cols = [
            Column::new("rank", Some("rank"), true),
            Column::new("kind", None, false),
            Column::new("name", Some("name"), false),
            Column::new("coverage", Some("coverage"), true),
        ];
        let rows = [
            [Value::Rank(Some(1)), Value::Text("company"), Value::Text("Alpha"), Value::Share(1.0)],
            [Value::Rank(Some(10)), Value::Text("company"), Value::Text("B"), Value::Share(0.5)],
        ];
        let mut widths = Widths::of_header(&cols);
        rows.iter().for_each(|r| widths.fit(&cols, r));
        let mut enc = TableText::new(&cols, &widths, 0);
        enc.header(&cols).expect("header");
        rows.iter().for_each(|r| enc.row(r).expect("row"));
        let text = String::from_utf8(enc.into_bytes().expect("bytes")).expect("utf-8");
        let cover = |x: f64| percent(x);
        let expected =
            format!(" rank  name   coverage\n    1  Alpha  {:>8}\n   10  B      {:>8}\n", cover(1.0), cover(0.5));
        assert_eq!(text, expected);
    }

    /// The layout comfy-table gives the same cells (the ledger's and diff's tables were
    /// comfy-table's before they were rows).
    #[test]
    fn wide_characters_and_line_breaks_lay_out_as_comfy_table_does() {
        use comfy_table::{Cell, CellAlignment, Table, presets};
        let cols = [Column::new("name", Some("name"), false), Column::new("weight", Some("weight"), true)];
        let rows = vec![
            vec![Value::Text("中文名"), Value::Weight(2.0)],
            vec![Value::Text("two\nlines"), Value::Weight(0.5)],
            vec![Value::Text("x"), Value::Number(None)],
        ];
        let ours = String::from_utf8(text_table(&cols, &rows, true).expect("table")).expect("utf-8");
        let mut t = Table::new();
        t.load_style(presets::NOTHING);
        t.set_header(["name", "weight"]);
        for (name, w) in [("中文名", "2"), ("two\nlines", "0.5"), ("x", "—")] {
            t.add_row(vec![Cell::new(name), Cell::new(w).set_alignment(CellAlignment::Right)]);
        }
        assert_eq!(ours, crate::render::table_text(&t));
    }
}
