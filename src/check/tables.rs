//! Checking `tables:` declarations (check stage): each names a table file (CSV, Parquet,
//! Arrow) of the dataset by its path relative to the declaring file, at most once (E702,
//! E703), with a provenance checked as an observation's is (E106, E107, E610; its `cite:` is
//! checked with every other citation, E801). What a table file's rows say layers over it.

use std::collections::HashMap;
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

use crate::diag::{Code, Diagnostic, did_you_mean};
use crate::load::Workspace;
use crate::load::dataset::DatasetFile;
use crate::load::values::Parsed;
use crate::load::yaml::YamlDoc;
use crate::model::Provenance;
use crate::source::{FileId, Span};
use crate::ypath;

/// The declared provenance of each table file, by file.
pub(crate) fn check_tables(
    ws: &Workspace,
    files: &[(&YamlDoc, DatasetFile)],
    diags: &mut Vec<Diagnostic>,
) -> HashMap<FileId, Arc<Provenance>> {
    let mut declared = HashMap::new();
    let mut first: HashMap<FileId, Option<Span>> = HashMap::new();
    for (doc, file) in files {
        for (name, spec) in &file.tables {
            let path = ypath!["tables", name.as_str()];
            let spec = match spec {
                Parsed::Ok(s) => s,
                Parsed::Err(e) => {
                    diags.push(doc.error_diagnostic(&path, e));
                    continue;
                }
            };
            let Some(id) = table_file(ws, doc, name) else {
                diags.push(unknown_table(ws, doc, name).at_opt(doc.key_span(&path)));
                continue;
            };
            if let Some(before) = first.get(&id) {
                let at = before.map_or_else(String::new, |s| {
                    let f = ws.sources.get(s.file);
                    let (line, col) = f.line_col(s.start);
                    format!("{}:{line}:{col}", f.name)
                });
                diags.push(
                    Diagnostic::error(Code::DuplicateTable, format!("`{name}` is declared twice"))
                        .at_opt(doc.key_span(&path))
                        .hint(format!("it is declared first at {at}; keep one declaration per file")),
                );
                continue;
            }
            first.insert(id, doc.key_span(&path));
            let sourced = spec.as_sourced();
            if let Some((_, prov)) = crate::check::attrs::sourced_provenance(doc, &path, sourced, diags) {
                declared.insert(id, Arc::new(prov));
            }
        }
    }
    declared
}

/// The table file `name` (relative to the declaring file, without `..`) names.
fn table_file(ws: &Workspace, doc: &YamlDoc, name: &str) -> Option<FileId> {
    let rel = Path::new(name);
    if rel.components().any(|c| !matches!(c, Component::Normal(_) | Component::CurDir)) {
        return None;
    }
    let want = clean(&doc.path.parent().unwrap_or(Path::new("")).join(rel));
    ws.csv_files.iter().find(|(_, p)| clean(p) == want).map(|(id, _)| *id)
}

/// A path without `.` components.
fn clean(p: &Path) -> PathBuf {
    p.components().filter(|c| !matches!(c, Component::CurDir)).collect()
}

/// E702, with the nearest table file beside the declaring file.
fn unknown_table(ws: &Workspace, doc: &YamlDoc, name: &str) -> Diagnostic {
    let dir = clean(doc.path.parent().unwrap_or(Path::new("")));
    let beside: Vec<String> = ws
        .csv_files
        .iter()
        .filter_map(|(_, p)| clean(p).strip_prefix(&dir).ok().map(crate::source::display_path))
        .collect();
    let d = Diagnostic::error(Code::UnknownTable, format!("`{name}` is not a table file of the dataset"));
    match did_you_mean(name, beside.iter().map(String::as_str)) {
        Some(s) => d.hint(format!("did you mean `{s}`?")),
        None => d.hint("name a .csv, .parquet or .arrow file under --data by its path from this file (no `..`)"),
    }
}
