//! Render stage: rankings and ledgers as tables, CSV and JSON, byte-stable.

pub(crate) mod diff;
pub(crate) mod encode;
pub(crate) mod explain;
pub(crate) mod history;
pub(crate) mod rank;
pub(crate) mod robust;
pub(crate) mod test_report;

/// Most characters a table cell shows: a 50 MB name must not widen every row of a table to
/// 50 MB. CSV and JSON carry the whole value.
pub(crate) const MAX_CELL_CHARS: usize = 80;

/// `s` cut to [`MAX_CELL_CHARS`] characters, ending in `…` when cut.
pub(crate) fn clip(s: &str) -> std::borrow::Cow<'_, str> {
    match s.char_indices().nth(MAX_CELL_CHARS) {
        None => std::borrow::Cow::Borrowed(s),
        Some(_) => {
            let end = s.char_indices().nth(MAX_CELL_CHARS - 1).map_or(s.len(), |(i, _)| i);
            std::borrow::Cow::Owned(format!("{}…", &s[..end]))
        }
    }
}

/// A table as text, without the trailing spaces of its last column.
pub(crate) fn table_text(t: &comfy_table::Table) -> String {
    let mut out = String::new();
    for line in t.to_string().lines() {
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}
