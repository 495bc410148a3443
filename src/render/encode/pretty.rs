//! Pretty JSON from any nesting level: the bytes `serde_json::to_writer_pretty` gives a value
//! nested `level` deep in a document (two-space indent), so a large document can be written in
//! pieces — some encoded in parallel, some streamed — and read as the one pretty-printed whole.

use std::io::{self, Write};

use serde::Serialize;
use serde_json::ser::Formatter;

/// serde_json's `PrettyFormatter`, starting `level` deep.
struct Pretty {
    level: usize,
    has_value: bool,
}

fn indent(w: &mut (impl Write + ?Sized), level: usize) -> io::Result<()> {
    for _ in 0..level {
        w.write_all(b"  ")?;
    }
    Ok(())
}

impl Pretty {
    /// Opens an array or object.
    fn open<W: ?Sized + Write>(&mut self, w: &mut W, bracket: &[u8]) -> io::Result<()> {
        self.level += 1;
        self.has_value = false;
        w.write_all(bracket)
    }

    /// Closes one: on a line of its own when it holds anything.
    fn close<W: ?Sized + Write>(&mut self, w: &mut W, bracket: &[u8]) -> io::Result<()> {
        self.level -= 1;
        if self.has_value {
            w.write_all(b"\n")?;
            indent(w, self.level)?;
        }
        w.write_all(bracket)
    }
}

impl Formatter for Pretty {
    fn begin_array<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.open(w, b"[")
    }

    fn end_array<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.close(w, b"]")
    }

    fn begin_array_value<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        w.write_all(if first { b"\n" } else { b",\n" })?;
        indent(w, self.level)
    }

    fn end_array_value<W: ?Sized + Write>(&mut self, _: &mut W) -> io::Result<()> {
        self.has_value = true;
        Ok(())
    }

    fn begin_object<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.open(w, b"{")
    }

    fn end_object<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.close(w, b"}")
    }

    fn begin_object_key<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        w.write_all(if first { b"\n" } else { b",\n" })?;
        indent(w, self.level)
    }

    fn begin_object_value<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        w.write_all(b": ")
    }

    fn end_object_value<W: ?Sized + Write>(&mut self, _: &mut W) -> io::Result<()> {
        self.has_value = true;
        Ok(())
    }
}

/// Writes `value` pretty-printed as if nested `level` deep (its own first line unindented).
pub(crate) fn write_at(out: &mut (impl Write + ?Sized), level: usize, value: &impl Serialize) -> io::Result<()> {
    let mut ser = serde_json::Serializer::with_formatter(out, Pretty { level, has_value: false });
    value.serialize(&mut ser).map_err(io::Error::other)
}

/// The elements of a JSON array written `level` deep, one piece after another: the array's
/// opening and closing brackets and the separators between elements, so each piece of elements
/// (see [`element`]) can be encoded on its own.
pub(crate) struct Array {
    level: usize,
    any: bool,
}

impl Array {
    /// Opens an array `level` deep.
    pub(crate) fn open(out: &mut (impl Write + ?Sized), level: usize) -> io::Result<Array> {
        out.write_all(b"[")?;
        Ok(Array { level, any: false })
    }

    /// Appends a piece of elements encoded by [`element`] (nothing when it is empty).
    pub(crate) fn piece(&mut self, out: &mut (impl Write + ?Sized), bytes: &[u8]) -> io::Result<()> {
        if bytes.is_empty() {
            return Ok(());
        }
        if self.any {
            out.write_all(b",")?;
        }
        self.any = true;
        out.write_all(bytes)
    }

    /// Closes the array.
    pub(crate) fn close(self, out: &mut (impl Write + ?Sized)) -> io::Result<()> {
        if self.any {
            out.write_all(b"\n")?;
            indent(out, self.level)?;
        }
        out.write_all(b"]")
    }
}

/// Encodes one element of an array that is `level` deep into `piece` (a piece of [`Array`]).
pub(crate) fn element(piece: &mut Vec<u8>, level: usize, value: &impl Serialize) -> io::Result<()> {
    if !piece.is_empty() {
        piece.push(b',');
    }
    piece.push(b'\n');
    indent(piece, level + 1)?;
    write_at(piece, level + 1, value)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn pieces_read_as_the_whole_pretty_printed() {
        let items: Vec<serde_json::Value> = (0..7)
            .map(|i| json!({"id": format!("e{i}"), "x": i as f64 / 3.0, "list": [1, {"a": null}], "empty": {}, "none": []}))
            .collect();
        for cut in [0, 1, 3, 7] {
            let doc = json!({"a": items, "b": {"c": [1.5, 0.0], "d": "q\"uote"}, "z": []});
            let whole = serde_json::to_string_pretty(&doc).expect("json");
            let mut out = Vec::new();
            out.extend_from_slice(b"{\n  \"a\": ");
            let mut array = Array::open(&mut out, 1).expect("open");
            for part in [&items[..cut], &[], &items[cut..]] {
                let mut piece = Vec::new();
                for v in part {
                    element(&mut piece, 1, v).expect("element");
                }
                array.piece(&mut out, &piece).expect("piece");
            }
            array.close(&mut out).expect("close");
            out.extend_from_slice(b",\n  \"b\": ");
            write_at(&mut out, 1, &doc["b"]).expect("b");
            out.extend_from_slice(b",\n  \"z\": ");
            write_at(&mut out, 1, &doc["z"]).expect("z");
            out.extend_from_slice(b"\n}");
            assert_eq!(String::from_utf8(out).expect("utf-8"), whole, "cut {cut}");
        }
    }
}
