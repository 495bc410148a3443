//! Aligned text tables: the columns that have a title, two spaces between columns, numbers
//! right-aligned, no trailing spaces; scores to 2 decimals, shares as percentages, lists
//! joined by `, `. Widths come first, from [`Widths`] over every row.

use std::io;

use super::{Column, Encoder, Value};
use crate::fmt::{fixed, percent};

/// The text of a value in a table.
fn cell(v: &Value<'_>) -> String {
    match *v {
        Value::Rank(r) => r.map(|r| r.to_string()).unwrap_or_default(),
        Value::Text(s) => s.to_string(),
        Value::Score(x) => fixed(x, 2),
        Value::Share(x) => percent(x),
        Value::Number(x) => x.map(|x| fixed(x, 2)).unwrap_or_default(),
        Value::List(names) => names.join(", "),
    }
}

/// The widths of a table's columns (its titled ones), measured over its header and rows.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Widths(Vec<usize>);

impl Widths {
    /// The widths of the titles alone.
    pub(crate) fn of_header(columns: &[Column]) -> Widths {
        Widths(columns.iter().filter_map(|c| c.title).map(|t| t.chars().count()).collect())
    }

    /// Widens to fit one row.
    pub(crate) fn fit(&mut self, columns: &[Column], values: &[Value<'_>]) {
        for (w, v) in self.0.iter_mut().zip(shown(columns, values)) {
            *w = (*w).max(cell(v).chars().count());
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

/// The values of the titled columns.
fn shown<'v, 'a>(columns: &[Column], values: &'v [Value<'a>]) -> impl Iterator<Item = &'v Value<'a>> {
    columns.iter().zip(values).filter(|(c, _)| c.title.is_some()).map(|(_, v)| v)
}

/// The aligned-table encoder.
pub(crate) struct TableText<'c> {
    columns: &'c [Column],
    widths: &'c Widths,
    text: String,
}

impl<'c> TableText<'c> {
    /// An encoder for rows of `columns`, padded to `widths`.
    pub(crate) fn new(columns: &'c [Column], widths: &'c Widths, capacity: usize) -> TableText<'c> {
        TableText { columns, widths, text: String::with_capacity(capacity) }
    }

    /// One aligned line: cells padded to their widths, right-aligned where `right`.
    fn line(&mut self, cells: impl Iterator<Item = (String, bool)>) {
        let start = self.text.len();
        for ((cell, right), width) in cells.zip(&self.widths.0) {
            let pad = width.saturating_sub(cell.chars().count());
            self.text.push(' ');
            if right {
                self.text.extend(std::iter::repeat_n(' ', pad));
                self.text.push_str(&cell);
            } else {
                self.text.push_str(&cell);
                self.text.extend(std::iter::repeat_n(' ', pad));
            }
            self.text.push(' ');
        }
        let end = self.text[start..].trim_end().len() + start;
        self.text.truncate(end);
        self.text.push('\n');
    }
}

impl Encoder for TableText<'_> {
    /// The titles, aligned as their columns are.
    fn header(&mut self, columns: &[Column]) -> io::Result<()> {
        let titles: Vec<(String, bool)> =
            columns.iter().filter_map(|c| c.title.map(|t| (t.to_string(), c.right))).collect();
        self.line(titles.into_iter());
        Ok(())
    }

    fn row(&mut self, values: &[Value<'_>]) -> io::Result<()> {
        let titled = self.columns.iter().filter(|c| c.title.is_some());
        let cells: Vec<(String, bool)> =
            shown(self.columns, values).zip(titled).map(|(v, c)| (cell(v), c.right)).collect();
        self.line(cells.into_iter());
        Ok(())
    }

    fn into_bytes(self) -> io::Result<Vec<u8>> {
        Ok(self.text.into_bytes())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titled_columns_align_and_lines_keep_no_trailing_spaces() {
        let cols = [
            Column { name: "rank".into(), title: Some("rank"), right: true },
            Column { name: "kind".into(), title: None, right: false },
            Column { name: "name".into(), title: Some("name"), right: false },
            Column { name: "coverage".into(), title: Some("coverage"), right: true },
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
}
