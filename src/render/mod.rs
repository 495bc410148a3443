//! Render stage: rankings and ledgers as tables, CSV and JSON, byte-stable.

pub(crate) mod diff;
pub(crate) mod encode;
pub(crate) mod explain;
pub(crate) mod rank;
pub(crate) mod test_report;

/// A table as text, without the trailing spaces of its last column.
pub(crate) fn table_text(t: &comfy_table::Table) -> String {
    let mut out = String::new();
    for line in t.to_string().lines() {
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}
