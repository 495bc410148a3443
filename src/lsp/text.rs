//! Positions as the editor counts them and files as it names them: LSP positions are a line
//! and a column in UTF-16 code units (a CJK character is one unit, an emoji two), the engine's
//! spans are bytes; LSP names files by `file://` URI, the engine by path.

use std::path::{Path, PathBuf};

use lsp_types::{Position, Range, Url};

/// The LSP position of byte `byte` of `text` (clamped to the text, and back to the start of a
/// character it falls inside).
pub(crate) fn position(text: &str, byte: usize) -> Position {
    let mut byte = byte.min(text.len());
    while !text.is_char_boundary(byte) {
        byte -= 1;
    }
    let before = &text[..byte];
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let line = memchr::memchr_iter(b'\n', before.as_bytes()).count();
    let col = before[line_start..].encode_utf16().count();
    Position { line: line as u32, character: col as u32 }
}

/// The byte offset of an LSP position: a line past the end is the end of the text, a column
/// past the end of its line is the end of the line, one inside a surrogate pair is the start
/// of its character.
pub(crate) fn offset(text: &str, pos: Position) -> usize {
    let mut start = 0;
    for _ in 0..pos.line {
        match memchr::memchr(b'\n', &text.as_bytes()[start..]) {
            Some(i) => start += i + 1,
            None => return text.len(),
        }
    }
    let mut units = 0u32;
    for (i, c) in text[start..].char_indices() {
        if c == '\n' || units + c.len_utf16() as u32 > pos.character {
            return start + i;
        }
        units += c.len_utf16() as u32;
    }
    text.len()
}

/// The LSP range of bytes `start..end` of `text`.
pub(crate) fn range(text: &str, start: usize, end: usize) -> Range {
    Range { start: position(text, start), end: position(text, end.max(start)) }
}

/// The `file://` URI of a path (relative paths are taken from the working directory).
pub(crate) fn uri(path: &Path) -> Option<Url> {
    let abs = std::env::current_dir().ok()?.join(path);
    let real = std::fs::canonicalize(&abs).unwrap_or(abs);
    Url::from_file_path(real).ok()
}

/// The canonical path of a `file://` URI; `None` for another scheme or a file that is not there.
pub(crate) fn path(uri: &Url) -> Option<PathBuf> {
    let p = uri.to_file_path().ok()?;
    std::fs::canonicalize(p).ok()
}

#[cfg(test)]
mod tests {
    use super::{offset, position};
    use lsp_types::Position;

    #[test]
    fn columns_count_utf16_units_of_cjk_and_astral_characters() {
        let text = "a: 百度\nb: 😀x\n";
        // `度` starts at byte 6 (3 bytes per CJK character) and UTF-16 column 4.
        assert_eq!(position(text, 6), Position { line: 0, character: 4 });
        // `x` after the emoji: byte 16 on line 1, column 3 + 2 units.
        let x = text.find('x').expect("x");
        assert_eq!(position(text, x), Position { line: 1, character: 5 });
        assert_eq!(offset(text, Position { line: 1, character: 5 }), x);
        assert_eq!(offset(text, Position { line: 0, character: 4 }), 6);
    }

    #[test]
    fn positions_outside_the_text_are_clamped_not_refused() {
        let text = "ab\ncd";
        assert_eq!(offset(text, Position { line: 9, character: 0 }), text.len());
        assert_eq!(offset(text, Position { line: 0, character: 99 }), 2);
        assert_eq!(position(text, 999), Position { line: 1, character: 2 });
        // Inside a surrogate pair: the start of the character.
        assert_eq!(offset("😀", Position { line: 0, character: 1 }), 0);
        // Inside a multi-byte character: back to its start.
        assert_eq!(position("百", 1), Position { line: 0, character: 0 });
    }
}
