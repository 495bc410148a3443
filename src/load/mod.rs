//! Load stage: find the rule, dataset and script files under the given paths, read them, and
//! parse YAML into documents with positions. Nothing here judges the content.

pub(crate) mod csv;
pub(crate) mod dataset;
pub(crate) mod rules;
pub(crate) mod schema;
pub(crate) mod tests;
pub(crate) mod values;
pub(crate) mod yaml;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::Error;
use crate::diag::{Code, Diagnostic, Diagnostics};
use crate::source::{FileId, SourceMap};
use yaml::YamlDoc;

/// What a file holds, judged from its extension and top-level keys.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum FileRole {
    RuleSet,
    Dataset,
    Tests,
    Script,
    Csv,
}

/// Every input file of a run, read and parsed.
#[derive(Debug, Default)]
pub struct Workspace {
    pub sources: SourceMap,
    pub rule_files: Vec<YamlDoc>,
    pub data_files: Vec<YamlDoc>,
    pub test_files: Vec<YamlDoc>,
    pub csv_files: Vec<(FileId, PathBuf)>,
    pub scripts: Vec<(FileId, PathBuf)>,
}

/// Reads every file under `paths` (files or directories, walked in sorted order).
pub(crate) fn load(paths: &[PathBuf], sources: &SourceMap, diags: &mut Diagnostics) -> Result<Workspace, Error> {
    let mut ws = Workspace { sources: sources.clone(), ..Workspace::default() };
    let mut files = Vec::new();
    for p in paths {
        collect(p, &mut files)?;
    }
    files.sort();
    files.dedup();
    for path in files {
        add_file(&mut ws, &path, diags)?;
    }
    Ok(ws)
}

fn collect(path: &Path, out: &mut Vec<PathBuf>) -> Result<(), Error> {
    let meta = std::fs::metadata(path).map_err(|e| Error::io(path, e))?;
    if meta.is_file() {
        out.push(normalize(path));
        return Ok(());
    }
    let entries = std::fs::read_dir(path).map_err(|e| Error::io(path, e))?;
    for entry in entries {
        let entry = entry.map_err(|e| Error::io(path, e))?;
        let p = entry.path();
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if name.starts_with('.') {
            continue;
        }
        if p.is_dir() {
            collect(&p, out)?;
        } else if role_by_extension(&p).is_some() {
            out.push(normalize(&p));
        }
    }
    Ok(())
}

fn normalize(p: &Path) -> PathBuf {
    p.strip_prefix("./").map(Path::to_path_buf).unwrap_or_else(|_| p.to_path_buf())
}

fn role_by_extension(p: &Path) -> Option<FileRole> {
    match p.extension()?.to_str()? {
        "yaml" | "yml" => Some(FileRole::Dataset),
        "csv" => Some(FileRole::Csv),
        "rhai" => Some(FileRole::Script),
        _ => None,
    }
}

fn add_file(ws: &mut Workspace, path: &Path, diags: &mut Diagnostics) -> Result<(), Error> {
    match role_by_extension(path) {
        Some(FileRole::Csv) => {
            let id = ws.sources.add(path, None);
            ws.csv_files.push((id, path.to_path_buf()));
            return Ok(());
        }
        Some(FileRole::Script) => {
            let text = read_text(path, &ws.sources, diags)?;
            let id = ws.sources.add(path, text);
            ws.scripts.push((id, path.to_path_buf()));
            return Ok(());
        }
        Some(_) => {}
        None => {
            let id = ws.sources.add(path, None);
            diags.push(
                Diagnostic::error(Code::UnknownFile, "not a YAML, CSV or Rhai file")
                    .at(crate::source::Span::new(id, 0..0))
                    .hint("rule sets and datasets are .yaml files, universes .csv, scripts .rhai"),
            );
            return Ok(());
        }
    }
    let Some(text) = read_text(path, &ws.sources, diags)? else {
        return Ok(());
    };
    let id = ws.sources.add(path, Some(Arc::clone(&text)));
    let mut found = Vec::new();
    let Some(mut doc) = yaml::parse(id, &text, &mut found) else {
        diags.extend(found);
        return Ok(());
    };
    doc.path = path.to_path_buf();
    diags.extend(found);
    match classify(&doc) {
        Some(FileRole::RuleSet) => ws.rule_files.push(doc),
        Some(FileRole::Tests) => ws.test_files.push(doc),
        Some(_) => ws.data_files.push(doc),
        None => diags.push(
            Diagnostic::error(Code::UnknownFile, "neither a rule set nor a dataset")
                .at_opt(doc.span(&yaml::YamlPath::root()))
                .hint("a rule file starts with `rule_set:`; a dataset has `entities:` or `attributes:`"),
        ),
    }
    Ok(())
}

/// Reads a file as UTF-8. Returns `Ok(None)` (with a diagnostic) for text that is not UTF-8.
fn read_text(path: &Path, sources: &SourceMap, diags: &mut Diagnostics) -> Result<Option<Arc<str>>, Error> {
    let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
    match String::from_utf8(bytes) {
        Ok(s) => Ok(Some(Arc::from(s))),
        Err(e) => {
            let id = sources.add(path, None);
            diags.push(
                Diagnostic::error(Code::YamlSyntax, format!("not UTF-8 text (byte {})", e.utf8_error().valid_up_to()))
                    .at(crate::source::Span::new(id, 0..0))
                    .hint("save the file as UTF-8"),
            );
            Ok(None)
        }
    }
}

fn classify(doc: &YamlDoc) -> Option<FileRole> {
    let map = doc.value.as_mapping()?;
    // A test file may name a default `rule_set:`; its `cases:` key decides.
    if map.contains_key("cases") {
        Some(FileRole::Tests)
    } else if map.contains_key("rule_set") {
        Some(FileRole::RuleSet)
    } else if map.contains_key("entities") || map.contains_key("attributes") {
        Some(FileRole::Dataset)
    } else {
        None
    }
}
