//! Source files and byte spans: what every diagnostic points into (shared by all stages).

use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};

/// Identifies one file registered in a [`SourceMap`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct FileId(pub(crate) u32);

/// A byte range in one file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Span {
    /// The file.
    pub file: FileId,
    /// The first byte.
    pub start: usize,
    /// One past the last byte.
    pub end: usize,
}

impl Span {
    /// The span of `range` in `file`.
    pub fn new(file: FileId, range: Range<usize>) -> Span {
        Span { file, start: range.start, end: range.end }
    }

    /// The byte range.
    pub fn range(&self) -> Range<usize> {
        self.start..self.end
    }
}

/// One file as the user wrote it. Large data files (CSV) keep no text: their
/// diagnostics carry line and column directly.
#[derive(Debug)]
pub struct SourceFile {
    pub path: PathBuf,
    pub name: String,
    pub text: Option<Arc<str>>,
    line_starts: Vec<usize>,
}

impl SourceFile {
    fn new(path: &Path, text: Option<Arc<str>>) -> SourceFile {
        let line_starts = match &text {
            Some(t) => std::iter::once(0).chain(memchr::memchr_iter(b'\n', t.as_bytes()).map(|i| i + 1)).collect(),
            None => Vec::new(),
        };
        SourceFile { name: display_path(path), path: path.to_path_buf(), text, line_starts }
    }

    /// 1-based line and column (in characters) of a byte offset.
    pub fn line_col(&self, byte: usize) -> (usize, usize) {
        let Some(text) = &self.text else {
            return (1, 1);
        };
        let byte = byte.min(text.len());
        let line = self.line_starts.partition_point(|&s| s <= byte) - 1;
        let start = self.line_starts[line];
        let col = text.get(start..byte).map_or(0, |s| s.chars().count());
        (line + 1, col + 1)
    }

    /// Byte offset of a 1-based line and column (in characters).
    pub fn offset(&self, line: usize, col: usize) -> usize {
        let Some(text) = &self.text else { return 0 };
        let Some(&start) = self.line_starts.get(line.saturating_sub(1)) else {
            return text.len();
        };
        let rest = &text[start..];
        rest.char_indices().nth(col.saturating_sub(1)).map_or(text.len(), |(i, _)| start + i)
    }

    pub fn line_starts(&self) -> &[usize] {
        &self.line_starts
    }
}

/// `a/b/../c` → `a/c`, without touching the file system.
pub(crate) fn normalize_lexically(path: &Path) -> PathBuf {
    use std::path::Component;
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir if matches!(out.components().next_back(), Some(Component::Normal(_))) => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

/// Forward slashes and no leading `./`, so diagnostics read the same on every machine.
pub(crate) fn display_path(path: &Path) -> String {
    let s = path.to_string_lossy().replace('\\', "/");
    s.strip_prefix("./").map(str::to_string).unwrap_or(s)
}

/// Every file read in one run. Shared between threads; files are only ever added.
#[derive(Debug, Default, Clone)]
pub struct SourceMap {
    files: Arc<RwLock<Files>>,
}

/// The files in order of registration, and their ids by path (so lookups are O(1), not a scan).
#[derive(Debug, Default)]
struct Files {
    list: Vec<Arc<SourceFile>>,
    by_path: std::collections::HashMap<PathBuf, FileId>,
}

impl SourceMap {
    /// An empty map.
    pub fn new() -> SourceMap {
        SourceMap::default()
    }

    /// Registers a file with its text (for excerpts) and returns its id.
    pub fn add(&self, path: &Path, text: Option<Arc<str>>) -> FileId {
        let mut files = self.files.write().unwrap_or_else(|e| e.into_inner());
        if let Some(&id) = files.by_path.get(path) {
            return id;
        }
        let id = FileId(files.list.len() as u32);
        files.list.push(Arc::new(SourceFile::new(path, text)));
        files.by_path.insert(path.to_path_buf(), id);
        id
    }

    /// The file registered as `id`.
    pub fn get(&self, id: FileId) -> Arc<SourceFile> {
        let files = self.files.read().unwrap_or_else(|e| e.into_inner());
        Arc::clone(&files.list[id.0 as usize])
    }

    /// The id of a file already registered by this path.
    pub fn find(&self, path: &Path) -> Option<FileId> {
        let files = self.files.read().unwrap_or_else(|e| e.into_inner());
        files.by_path.get(path).copied()
    }

    /// How many files are registered.
    pub fn len(&self) -> usize {
        self.files.read().unwrap_or_else(|e| e.into_inner()).list.len()
    }

    /// Whether no file is registered.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}
