//! Markdown tables (to paste into a review): a `| … |` line per row under the titled columns'
//! header and its alignment line (`---:` for numbers). Text is shown whole, `|` escaped;
//! numbers read as in aligned tables.

use std::io;

use super::{Column, Encoder, Value};
use crate::fmt::{RawStyle, fixed, number, percent, raw};

/// The text of a value in a Markdown cell.
fn cell(v: &Value<'_>) -> String {
    let text = match *v {
        Value::Rank(r) => r.map(|r| r.to_string()).unwrap_or_default(),
        Value::Text(s) => s.to_string(),
        Value::Score(x) => fixed(x, 2),
        Value::Share(x) => percent(x),
        Value::Number(x) => x.map_or_else(|| "—".to_string(), |x| fixed(x, 2)),
        Value::Weight(x) => number(x),
        Value::Raw(v) => raw(v, RawStyle::Table),
        Value::List(names) => names.join(", "),
    };
    text.replace('|', "\\|")
}

/// The Markdown encoder.
pub(crate) struct Markdown<'c> {
    columns: &'c [Column],
    text: String,
}

impl<'c> Markdown<'c> {
    /// An encoder for rows of `columns`.
    pub(crate) fn new(columns: &'c [Column]) -> Markdown<'c> {
        Markdown { columns, text: String::new() }
    }

    fn line(&mut self, cells: impl Iterator<Item = String>) {
        self.text.push('|');
        for c in cells {
            self.text.push(' ');
            self.text.push_str(&c);
            self.text.push_str(" |");
        }
        self.text.push('\n');
    }
}

impl Encoder for Markdown<'_> {
    fn header(&mut self, columns: &[Column]) -> io::Result<()> {
        let titled: Vec<&Column> = columns.iter().filter(|c| c.title.is_some()).collect();
        self.line(titled.iter().filter_map(|c| c.title).map(str::to_string));
        let rule: String = titled.iter().map(|c| if c.right { "---:|" } else { "---|" }).collect();
        self.text.push('|');
        self.text.push_str(&rule);
        self.text.push('\n');
        Ok(())
    }

    fn row(&mut self, values: &[Value<'_>]) -> io::Result<()> {
        let cells: Vec<String> =
            self.columns.iter().zip(values).filter(|(c, _)| c.title.is_some()).map(|(_, v)| cell(v)).collect();
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
    fn titled_columns_become_a_markdown_table_with_pipes_escaped() {
        let cols = [
            Column::new("id", Some("id"), false),
            Column::new("kind", None, false),
            Column::new("s", Some("score"), true),
        ];
        let mut enc = Markdown::new(&cols);
        enc.header(&cols).expect("header");
        enc.row(&[Value::Text("a|b"), Value::Text("company"), Value::Score(2.0)]).expect("row");
        let text = String::from_utf8(enc.into_bytes().expect("bytes")).expect("utf-8");
        assert_eq!(text, "| id | score |\n|---|---:|\n| a\\|b | 2.00 |\n");
    }
}
