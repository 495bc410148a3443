//! Render stage: rankings and ledgers as tables, CSV and JSON, byte-stable.

pub mod diff;
pub mod encode;
pub mod explain;
pub mod rank;
pub mod test_report;

/// A table as text, without the trailing spaces of its last column.
pub fn table_text(t: &comfy_table::Table) -> String {
    let mut out = String::new();
    for line in t.to_string().lines() {
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}
