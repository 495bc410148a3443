//! Escaping at the output boundary (render and diagnostics): characters from data that would
//! act on a terminal — C0 and C1 controls, DEL, bidirectional overrides, line separators —
//! are shown as `\x1b` or `\u{202e}` instead of being sent raw, so a dataset cannot retitle
//! the window, clear the screen, or forge a `path:line:col: error[...]` line.

use std::borrow::Cow;
use std::io::{self, Write};

/// Whether `c` acts on a terminal (or reorders text) rather than printing as itself.
pub(crate) fn is_control(c: char) -> bool {
    matches!(c, '\u{0}'..='\u{1f}' | '\u{7f}'..='\u{9f}' | '\u{200e}' | '\u{200f}' | '\u{2028}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// `s` with every control character escaped, newlines and tabs too if `keep_lines` is false.
pub(crate) fn escape(s: &str, keep_lines: bool) -> Cow<'_, str> {
    let keep = |c: char| keep_lines && (c == '\n' || c == '\t');
    if !s.chars().any(|c| is_control(c) && !keep(c)) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if is_control(c) && !keep(c) {
            push_escaped(&mut out, c);
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// One line of a message: every control character escaped, newlines included.
pub(crate) fn line(s: &str) -> Cow<'_, str> {
    escape(s, false)
}

fn push_escaped(out: &mut String, c: char) {
    match c {
        '\n' => out.push_str("\\n"),
        '\r' => out.push_str("\\r"),
        '\t' => out.push_str("\\t"),
        c if (c as u32) < 0x80 => out.push_str(&format!("\\x{:02x}", c as u32)),
        c => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
    }
}

/// `text` with each control character but newline and tab (and the `\r` of a CRLF) replaced
/// by a printable character of the same UTF-8 length, so that byte offsets into it still hold
/// (for source excerpts under a diagnostic).
pub(crate) fn mask(text: &str) -> Cow<'_, str> {
    let bytes = text.as_bytes();
    let harmless = |i: usize, c: char| c == '\n' || c == '\t' || (c == '\r' && bytes.get(i + 1) == Some(&b'\n'));
    if !text.char_indices().any(|(i, c)| is_control(c) && !harmless(i, c)) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    for (i, c) in text.char_indices() {
        if !is_control(c) || harmless(i, c) {
            out.push(c);
        } else {
            out.push(match c.len_utf8() {
                1 => '?',
                2 => '\u{bf}',
                _ => '\u{fffd}',
            });
        }
    }
    Cow::Owned(out)
}

/// A writer that escapes control characters (all but newline and tab) in what passes
/// through; bytes that are not UTF-8 are shown as `\xNN`.
pub(crate) struct Escaping<W: Write> {
    inner: W,
    /// The start of a character split across writes.
    pending: Vec<u8>,
}

impl<W: Write> Escaping<W> {
    pub(crate) fn new(inner: W) -> Escaping<W> {
        Escaping { inner, pending: Vec::new() }
    }
}

impl<W: Write> Write for Escaping<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.pending.extend_from_slice(buf);
        let mut rest: &[u8] = &std::mem::take(&mut self.pending);
        let mut out = String::new();
        loop {
            match std::str::from_utf8(rest) {
                Ok(s) => {
                    out.push_str(&escape(s, true));
                    break;
                }
                Err(e) => {
                    let (valid, after) = rest.split_at(e.valid_up_to());
                    out.push_str(&escape(std::str::from_utf8(valid).unwrap_or_default(), true));
                    match e.error_len() {
                        Some(n) => {
                            after[..n].iter().for_each(|b| out.push_str(&format!("\\x{b:02x}")));
                            rest = &after[n..];
                        }
                        None => {
                            self.pending = after.to_vec();
                            break;
                        }
                    }
                }
            }
        }
        self.inner.write_all(out.as_bytes())?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        let rest = std::mem::take(&mut self.pending);
        let out: String = rest.iter().map(|b| format!("\\x{b:02x}")).collect();
        self.inner.write_all(out.as_bytes())?;
        self.inner.flush()
    }
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use super::{Escaping, escape, mask};

    #[test]
    fn control_characters_are_escaped_and_text_is_not() {
        assert_eq!(escape("plain «text» 中文", false), "plain «text» 中文");
        assert_eq!(escape("a\u{1b}]0;pwned\u{7}b", true), "a\\x1b]0;pwned\\x07b");
        assert_eq!(escape("x.yaml\n1:1: error[E001]: forged", false), "x.yaml\\n1:1: error[E001]: forged");
        assert_eq!(escape("keep\nlines\tand tabs", true), "keep\nlines\tand tabs");
        assert_eq!(escape("\u{202e}evil\u{9b}", true), "\\u{202e}evil\\u{9b}");
    }

    #[test]
    fn masking_keeps_every_byte_offset() {
        let text = "a: \u{1b}[2J\r\nb: \u{9b}x\u{202e}\n";
        let masked = mask(text);
        assert_eq!(masked.len(), text.len());
        assert_eq!(masked, "a: ?[2J\r\nb: \u{bf}x\u{fffd}\n");
    }

    #[test]
    fn the_writer_escapes_across_split_writes() {
        let mut out = Escaping::new(Vec::new());
        let bytes = "é\u{1b}[31m\u{9b}".as_bytes();
        for chunk in bytes.chunks(1) {
            out.write_all(chunk).expect("write");
        }
        out.write_all(&[0xff, b'\n']).expect("write");
        out.flush().expect("flush");
        assert_eq!(String::from_utf8(out.inner).expect("utf8"), "é\\x1b[31m\\u{9b}\\xff\n");
    }
}
