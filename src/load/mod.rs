//! Load stage: find the rule, dataset and script files under the given paths, read them, and
//! parse YAML into documents with positions. Nothing here judges the content.

pub(crate) mod columnar;
pub(crate) mod csv;
pub(crate) mod dataset;
pub(crate) mod long;
pub(crate) mod provenance;
pub(crate) mod rules;
pub(crate) mod schema;
pub(crate) mod sources;
pub(crate) mod tests;
pub(crate) mod values;
pub(crate) mod yaml;

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::Error;
use crate::diag::{Code, Diagnostic, Diagnostics};
use crate::files::{MAX_TEXT_BYTES, Overlay, Refusal, Root, read_capped};
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
    Sources,
}

/// Every input file of a run, read and parsed.
#[derive(Debug, Default)]
pub struct Workspace {
    pub sources: SourceMap,
    pub rule_files: Vec<YamlDoc>,
    pub data_files: Vec<YamlDoc>,
    /// Source registries (`kind: sources`).
    pub source_files: Vec<YamlDoc>,
    pub test_files: Vec<YamlDoc>,
    pub csv_files: Vec<(FileId, PathBuf)>,
    pub scripts: Vec<(FileId, PathBuf)>,
    /// Where the files may come from.
    pub root: Root,
    /// Unsaved editor texts read in place of the files on disk.
    pub overlay: Overlay,
    /// What the files that did not parse still name (rule sets, entity ids), so that what
    /// refers to them is not reported missing as well.
    pub unparsed: crate::model::Unloaded,
}

/// Reads every file under `paths` (files or directories, walked in sorted order). A directory
/// reached twice (a link loop such as `rules/loop -> .`) is walked once, a file reached twice
/// (through links) is read once, and a file whose real path lies outside `root` is not read (E010).
pub(crate) fn load(
    paths: &[PathBuf],
    root: &Root,
    overlay: &Overlay,
    sources: &SourceMap,
    diags: &mut Diagnostics,
) -> Result<Workspace, Error> {
    let mut ws =
        Workspace { sources: sources.clone(), root: root.clone(), overlay: overlay.clone(), ..Workspace::default() };
    let mut walk =
        Walk { root, files: Vec::new(), outside: Vec::new(), seen_dirs: HashSet::new(), seen_files: HashSet::new() };
    for p in paths {
        walk.collect(p)?;
    }
    for dir in &walk.outside {
        let at = crate::source::Span::new(ws.sources.add(dir, None), 0..0);
        diags.push(outside_root(root, dir, at));
    }
    let mut files = walk.files;
    files.sort();
    for path in files {
        add_file(&mut ws, &path, diags)?;
    }
    Ok(ws)
}

/// The files found so far, the directory links that lead out of the root (not walked), and
/// the real paths of the directories and files already seen.
struct Walk<'a> {
    root: &'a Root,
    files: Vec<PathBuf>,
    outside: Vec<PathBuf>,
    seen_dirs: HashSet<PathBuf>,
    seen_files: HashSet<PathBuf>,
}

impl Walk<'_> {
    fn collect(&mut self, path: &Path) -> Result<(), Error> {
        let meta = std::fs::metadata(path).map_err(|e| Error::io(path, e))?;
        if !meta.is_dir() {
            // Files, and anything else given by name: reading it judges it.
            self.push(path);
            return Ok(());
        }
        let real = std::fs::canonicalize(path).map_err(|e| Error::io(path, e))?;
        if !self.seen_dirs.insert(real) {
            return Ok(());
        }
        let mut entries = Vec::new();
        for entry in std::fs::read_dir(path).map_err(|e| Error::io(path, e))? {
            let entry = entry.map_err(|e| Error::io(path, e))?;
            if !entry.file_name().to_string_lossy().starts_with('.') {
                entries.push(entry.path());
            }
        }
        entries.sort();
        for p in entries {
            if p.is_dir() && !self.root.contains(&p) {
                // A link out of the project (`rules/all -> /`): named once, never walked.
                self.outside.push(normalize(&p));
            } else if p.is_dir() {
                self.collect(&p)?;
            } else if role_by_extension(&p).is_some() {
                self.push(&p);
            }
        }
        Ok(())
    }

    /// Adds a file unless its real path was added already.
    fn push(&mut self, path: &Path) {
        let real = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
        if self.seen_files.insert(real) {
            self.files.push(normalize(path));
        }
    }
}

fn normalize(p: &Path) -> PathBuf {
    p.strip_prefix("./").map(Path::to_path_buf).unwrap_or_else(|_| p.to_path_buf())
}

fn role_by_extension(p: &Path) -> Option<FileRole> {
    match p.extension()?.to_str()? {
        "yaml" | "yml" => Some(FileRole::Dataset),
        "csv" | "parquet" | "pq" | "arrow" | "feather" | "ipc" | "arrows" => Some(FileRole::Csv),
        "rhai" => Some(FileRole::Script),
        _ => None,
    }
}

fn add_file(ws: &mut Workspace, path: &Path, diags: &mut Diagnostics) -> Result<(), Error> {
    if !ws.root.contains(path) {
        let id = ws.sources.add(path, None);
        diags.push(outside_root(&ws.root, path, crate::source::Span::new(id, 0..0)));
        if !matches!(role_by_extension(path), Some(FileRole::Script) | None) {
            ws.unparsed.unread();
        }
        return Ok(());
    }
    match role_by_extension(path) {
        Some(FileRole::Csv) => {
            let id = ws.sources.add(path, None);
            ws.csv_files.push((id, path.to_path_buf()));
            return Ok(());
        }
        Some(FileRole::Script) => {
            let text = read_text(path, &ws.overlay, &ws.sources, diags)?;
            let id = ws.sources.add(path, text);
            ws.scripts.push((id, path.to_path_buf()));
            return Ok(());
        }
        Some(_) => {}
        None => {
            let id = ws.sources.add(path, None);
            diags.push(
                Diagnostic::error(Code::UnknownFile, "not a YAML, CSV, Parquet, Arrow or Rhai file")
                    .at(crate::source::Span::new(id, 0..0))
                    .hint("rule sets and datasets are .yaml files, universes .csv, .parquet or .arrow, scripts .rhai"),
            );
            return Ok(());
        }
    }
    let Some(text) = read_text(path, &ws.overlay, &ws.sources, diags)? else {
        ws.unparsed.unread();
        return Ok(());
    };
    let id = ws.sources.add(path, Some(Arc::clone(&text)));
    let mut found = Vec::new();
    let Some(mut doc) = yaml::parse(id, &text, &mut found) else {
        diags.extend(found);
        ws.unparsed.recover(&text);
        return Ok(());
    };
    doc.path = path.to_path_buf();
    diags.extend(found);
    match classify(&doc) {
        Some(FileRole::RuleSet) => ws.rule_files.push(doc),
        Some(FileRole::Tests) => ws.test_files.push(doc),
        Some(FileRole::Sources) => ws.source_files.push(doc),
        Some(_) => ws.data_files.push(doc),
        None => {
            if !doc.value.is_null() {
                // A file of an unknown shape (a misspelt top-level key) may have held anything.
                ws.unparsed.unread();
            }
            diags.push(
                Diagnostic::error(Code::UnknownFile, what_it_is_not(&doc))
                    .at(doc.span(&yaml::YamlPath::root()).unwrap_or(crate::source::Span::new(id, 0..0)))
                    .hint("a rule file starts with `rule_set:`; a dataset has `entities:` or `attributes:`"),
            )
        }
    }
    Ok(())
}

/// Reads a file as UTF-8 text: the editor's unsaved text when the overlay holds one, else the
/// file. Returns `Ok(None)` (with a diagnostic) for a file that is not a regular file, is too
/// large, or is not UTF-8.
pub(crate) fn read_text(
    path: &Path,
    overlay: &Overlay,
    sources: &SourceMap,
    diags: &mut Diagnostics,
) -> Result<Option<Arc<str>>, Error> {
    let unsaved = overlay.text(path).map(|t| {
        let size = t.len() as u64;
        if size > MAX_TEXT_BYTES { Err(Refusal::TooLarge { size, cap: MAX_TEXT_BYTES }) } else { Ok(t) }
    });
    match unsaved {
        Some(Ok(text)) => return Ok(Some(text)),
        Some(Err(refusal)) => {
            let id = sources.add(path, None);
            diags.push(refused(&refusal, crate::source::Span::new(id, 0..0)));
            return Ok(None);
        }
        None => {}
    }
    let bytes = match read_capped(path, MAX_TEXT_BYTES) {
        Ok(bytes) => bytes,
        Err(Refusal::Io(e)) => return Err(Error::io(path, e)),
        Err(refusal) => {
            let id = sources.add(path, None);
            diags.push(refused(&refusal, crate::source::Span::new(id, 0..0)));
            return Ok(None);
        }
    };
    match String::from_utf8(bytes) {
        Ok(s) => Ok(Some(Arc::from(s))),
        Err(e) => {
            let id = sources.add(path, None);
            let (line, col) = line_col_of(e.as_bytes(), e.utf8_error().valid_up_to());
            diags.push(
                Diagnostic::error(Code::YamlSyntax, format!("not UTF-8 text (byte {})", e.utf8_error().valid_up_to()))
                    .at_line_col(id, line, col)
                    .hint("save the file as UTF-8"),
            );
            Ok(None)
        }
    }
}

/// The diagnostic for a file that was not read: E007 when too large, E009 when not a regular file.
pub(crate) fn refused(refusal: &Refusal, at: crate::source::Span) -> Diagnostic {
    let (code, hint) = match refusal {
        Refusal::TooLarge { .. } => (Code::TooLarge, "split it into several files, or give large universes as CSV"),
        _ => (Code::UnknownFile, "rule sets, datasets and scripts are regular files"),
    };
    Diagnostic::error(code, refusal.to_string()).at(at).hint(hint)
}

/// E010: a file (or the link to it) leads outside the project root.
pub(crate) fn outside_root(root: &Root, path: &Path, at: crate::source::Span) -> Diagnostic {
    Diagnostic::error(
        Code::OutsideRoot,
        format!("{} leads outside the project root {}", crate::source::display_path(path), root.display()),
    )
    .at(at)
    .hint("keep inputs inside the project, or pass --root DIR or --allow-outside-root to read it")
}

/// 1-based line and column (in characters) of a byte offset into text valid up to there.
pub(crate) fn line_col_of(bytes: &[u8], offset: usize) -> (usize, usize) {
    let before = &bytes[..offset.min(bytes.len())];
    let line_start = memchr::memrchr(b'\n', before).map_or(0, |i| i + 1);
    let line = 1 + memchr::memchr_iter(b'\n', before).count();
    let col = 1 + String::from_utf8_lossy(&before[line_start..]).chars().count();
    (line, col)
}

fn what_it_is_not(doc: &YamlDoc) -> &'static str {
    if doc.value.is_null() {
        "an empty file (nothing but comments), neither a rule set nor a dataset"
    } else {
        "neither a rule set nor a dataset"
    }
}

fn classify(doc: &YamlDoc) -> Option<FileRole> {
    let map = doc.value.as_mapping()?;
    // A test file may name a default `rule_set:`; its `cases:` key decides.
    if map.contains_key("cases") {
        Some(FileRole::Tests)
    } else if map.contains_key("sources") || map.get("kind").and_then(|k| k.as_str()) == Some("sources") {
        Some(FileRole::Sources)
    } else if map.contains_key("rule_set") {
        Some(FileRole::RuleSet)
    } else if map.contains_key("entities") || map.contains_key("attributes") || map.contains_key("tables") {
        Some(FileRole::Dataset)
    } else {
        None
    }
}
