//! Loading YAML safely: size and depth guards, a marks index from key paths to spans, and typed
//! deserialization whose errors land on the offending key or value (load stage).
//!
//! serde_yaml (yaml_serde) turns text into values; saphyr-parser, which keeps marks, builds the
//! index that locates every key and value, so semantic checks can point at exact positions too.

use std::collections::HashMap;
use std::fmt;

use saphyr_parser::{Event, Parser, ScanError};
use serde::de::DeserializeOwned;
use serde_yaml::Value;

use crate::diag::{Code, Diagnostic};
use crate::source::{FileId, Span};

mod errors;

/// Largest YAML file we parse (rule and dataset files are small; use CSV for big universes).
pub(crate) const MAX_YAML_BYTES: usize = 16 * 1024 * 1024;
/// Deepest nesting of mappings and sequences we accept.
pub(crate) const MAX_DEPTH: usize = 64;

/// One step of a path into a YAML document.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Seg {
    Key(String),
    Index(usize),
}

impl From<&str> for Seg {
    fn from(s: &str) -> Seg {
        Seg::Key(s.to_string())
    }
}

impl From<&String> for Seg {
    fn from(s: &String) -> Seg {
        Seg::Key(s.clone())
    }
}

impl From<String> for Seg {
    fn from(s: String) -> Seg {
        Seg::Key(s)
    }
}

impl From<usize> for Seg {
    fn from(i: usize) -> Seg {
        Seg::Index(i)
    }
}

/// A path into a YAML document, such as `factors[2].scale`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct YamlPath(pub Vec<Seg>);

impl YamlPath {
    pub fn root() -> YamlPath {
        YamlPath(Vec::new())
    }

    /// This path extended by one step.
    pub fn at(&self, seg: impl Into<Seg>) -> YamlPath {
        let mut v = self.0.clone();
        v.push(seg.into());
        YamlPath(v)
    }

    /// This path extended by several steps.
    pub fn join(&self, other: &YamlPath) -> YamlPath {
        let mut v = self.0.clone();
        v.extend(other.0.iter().cloned());
        YamlPath(v)
    }
}

impl fmt::Display for YamlPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, seg) in self.0.iter().enumerate() {
            match seg {
                Seg::Key(k) if i == 0 => write!(f, "{k}")?,
                Seg::Key(k) => write!(f, ".{k}")?,
                Seg::Index(n) => write!(f, "[{n}]")?,
            }
        }
        Ok(())
    }
}

/// Builds a [`YamlPath`]: `ypath!["factors", 2, "weight"]`.
macro_rules! ypath {
    ($($seg:expr),* $(,)?) => {
        $crate::load::yaml::YamlPath(vec![$($crate::load::yaml::Seg::from($seg)),*])
    };
}
pub(crate) use ypath;

#[derive(Clone, Copy, Debug)]
struct Entry {
    key: Option<Span>,
    value: Span,
}

/// Positions of every key and value of one document, by path.
#[derive(Debug, Default)]
pub struct YamlIndex {
    file: Option<FileId>,
    entries: HashMap<YamlPath, Entry>,
}

impl YamlIndex {
    /// The span of the value at `path`, or of its nearest indexed ancestor.
    pub fn value(&self, path: &YamlPath) -> Option<Span> {
        self.nearest(path).map(|e| e.value)
    }

    /// The span of the key that introduces `path` (falling back to its value).
    pub fn key(&self, path: &YamlPath) -> Option<Span> {
        self.nearest(path).map(|e| e.key.unwrap_or(e.value))
    }

    /// Whether the document has a value at exactly this path.
    pub fn contains(&self, path: &YamlPath) -> bool {
        self.entries.contains_key(path)
    }

    fn nearest(&self, path: &YamlPath) -> Option<&Entry> {
        let mut p = path.0.as_slice();
        loop {
            if let Some(e) = self.entries.get(&YamlPath(p.to_vec())) {
                return Some(e);
            }
            if p.is_empty() {
                return None;
            }
            p = &p[..p.len() - 1];
        }
    }

    pub fn file(&self) -> Option<FileId> {
        self.file
    }

    /// Every indexed path with the spans of its key (none for a list item) and value, in no
    /// particular order (what the language server walks to find names).
    pub(crate) fn entries(&self) -> impl Iterator<Item = (&YamlPath, Option<Span>, Span)> {
        self.entries.iter().map(|(p, e)| (p, e.key, e.value))
    }
}

/// A parsed YAML document: its value tree and the index that locates its parts.
#[derive(Debug)]
pub struct YamlDoc {
    pub file: FileId,
    pub path: std::path::PathBuf,
    pub value: Value,
    pub index: YamlIndex,
}

impl YamlDoc {
    /// Span of the value at `path` (nearest ancestor if absent).
    pub fn span(&self, path: &YamlPath) -> Option<Span> {
        self.index.value(path)
    }

    /// Span of the key introducing `path`.
    pub fn key_span(&self, path: &YamlPath) -> Option<Span> {
        self.index.key(path)
    }

    /// Deserializes the value at `path` (the whole document for the root) into `T`,
    /// turning a failure into a located diagnostic.
    pub fn deserialize_at<T: DeserializeOwned>(&self, path: &YamlPath) -> Result<T, Diagnostic> {
        let value = lookup(&self.value, path).cloned().unwrap_or(Value::Null);
        from_value::<T>(value).map_err(|e| self.error_diagnostic(path, &e))
    }

    /// Turns a deserialization error below `base` into a diagnostic at the right span.
    pub fn error_diagnostic(&self, base: &YamlPath, err: &ValueError) -> Diagnostic {
        let path = base.join(&err.path);
        errors::classify(&err.message, &path, self)
    }
}

/// Follows `path` through a value tree.
pub(crate) fn lookup<'a>(value: &'a Value, path: &YamlPath) -> Option<&'a Value> {
    let mut v = value;
    for seg in &path.0 {
        v = match (seg, v) {
            (Seg::Key(k), Value::Mapping(m)) => m.get(k.as_str())?,
            (Seg::Index(i), Value::Sequence(s)) => s.get(*i)?,
            _ => return None,
        };
    }
    Some(v)
}

/// A deserialization failure: the path below the starting point, and serde's message.
#[derive(Clone, Debug, PartialEq)]
pub struct ValueError {
    pub path: YamlPath,
    pub message: String,
}

/// Deserializes `T` from a value, remembering the path where it failed.
pub(crate) fn from_value<T: DeserializeOwned>(value: Value) -> Result<T, ValueError> {
    let mut track = serde_path_to_error::Track::new();
    let de = serde_path_to_error::Deserializer::new(value, &mut track);
    T::deserialize(de).map_err(|e| ValueError { path: convert_path(&track.path()), message: e.to_string() })
}

fn convert_path(p: &serde_path_to_error::Path) -> YamlPath {
    use serde_path_to_error::Segment;
    YamlPath(
        p.iter()
            .filter_map(|s| match s {
                Segment::Seq { index } => Some(Seg::Index(*index)),
                Segment::Map { key } => Some(Seg::Key(key.clone())),
                Segment::Enum { .. } | Segment::Unknown => None,
            })
            .collect(),
    )
}

/// YAML's printable characters (YAML 1.2, `c-printable`): the parser refuses others with a
/// byte offset only, so they are found first and reported at their line and column.
fn is_yaml_printable(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{7e}' | '\u{85}' | '\u{a0}'..='\u{d7ff}' | '\u{e000}'..='\u{fffd}')
        || c >= '\u{10000}'
}

/// Parses `text` into a document, reporting syntax errors, duplicate keys, excessive
/// size or depth. Returns `None` when the file cannot be used at all.
pub(crate) fn parse(file: FileId, text: &str, diags: &mut Vec<Diagnostic>) -> Option<YamlDoc> {
    if text.len() > MAX_YAML_BYTES {
        diags.push(
            Diagnostic::error(
                Code::TooLarge,
                format!("YAML file of {} bytes exceeds the {} byte limit", text.len(), MAX_YAML_BYTES),
            )
            .at(Span::new(file, 0..0))
            .hint("split it into several files, or give large universes as CSV"),
        );
        return None;
    }
    if let Some((at, c)) = text.char_indices().find(|&(_, c)| !is_yaml_printable(c)) {
        diags.push(
            Diagnostic::error(Code::YamlSyntax, format!("control character U+{:04X} is not allowed in YAML", c as u32))
                .at(Span::new(file, at..at + c.len_utf8()))
                .hint(format!(
                    "remove it, or write it as an escape in a double-quoted string: \"\\u{:04x}\"",
                    c as u32
                )),
        );
        return None;
    }
    let before = diags.len();
    let index = build_index(file, text, diags)?;
    let duplicates = diags.len() > before;
    let value = match serde_yaml::from_str::<Value>(text) {
        Ok(v) => v,
        // serde_yaml refuses duplicate keys too; they are reported already, at every occurrence.
        Err(_) if duplicates => return None,
        Err(e) => {
            let start = e.location().map_or(0, |l| l.index().min(text.len()));
            diags.push(
                Diagnostic::error(Code::YamlSyntax, errors::strip_location(&e.to_string()).to_string())
                    .at(Span::new(file, start..start)),
            );
            return None;
        }
    };
    Some(YamlDoc { file, path: std::path::PathBuf::new(), value, index })
}

/// Converts saphyr's character indices to byte offsets. For non-ASCII text the byte offset of
/// every character is tabulated once, so each lookup is constant time (walking the text per
/// lookup made indexing quadratic in the file size).
struct CharOffsets<'a> {
    text: &'a str,
    /// Byte offset of each character; `None` for ASCII text, where the two coincide. `u32`
    /// suffices: files are at most [`MAX_YAML_BYTES`].
    starts: Option<Vec<u32>>,
}

impl CharOffsets<'_> {
    fn new(text: &str) -> CharOffsets<'_> {
        let starts = (!text.is_ascii()).then(|| text.char_indices().map(|(i, _)| i as u32).collect());
        CharOffsets { text, starts }
    }

    fn byte(&self, char_index: usize) -> usize {
        match &self.starts {
            None => char_index.min(self.text.len()),
            Some(starts) => starts.get(char_index).map_or(self.text.len(), |&b| b as usize),
        }
    }
}

enum Frame {
    Map { path: YamlPath, pending_key: Option<(String, Span)>, seen: std::collections::HashSet<String> },
    Seq { path: YamlPath, next: usize },
}

struct IndexBuilder<'a> {
    file: FileId,
    offsets: CharOffsets<'a>,
    stack: Vec<(Frame, usize)>,
    index: YamlIndex,
    documents: usize,
}

fn build_index(file: FileId, text: &str, diags: &mut Vec<Diagnostic>) -> Option<YamlIndex> {
    let mut b = IndexBuilder {
        file,
        offsets: CharOffsets::new(text),
        stack: Vec::new(),
        index: YamlIndex { file: Some(file), entries: HashMap::new() },
        documents: 0,
    };
    for event in Parser::new_from_str(text) {
        match event {
            Ok((ev, span)) => {
                let span = Span::new(file, b.offsets.byte(span.start.index())..b.offsets.byte(span.end.index()));
                if !b.on_event(ev, span, diags) {
                    return None;
                }
            }
            Err(e) => {
                diags.push(scan_error(file, &b.offsets, &e));
                return None;
            }
        }
    }
    Some(b.index)
}

fn scan_error(file: FileId, offsets: &CharOffsets<'_>, e: &ScanError) -> Diagnostic {
    let at = offsets.byte(e.marker().index());
    Diagnostic::error(Code::YamlSyntax, e.info().to_string()).at(Span::new(file, at..at))
}

impl IndexBuilder<'_> {
    /// Handles one event; returns false to stop (after reporting why).
    fn on_event(&mut self, ev: Event<'_>, span: Span, diags: &mut Vec<Diagnostic>) -> bool {
        match ev {
            Event::DocumentStart(_) => {
                self.documents += 1;
                if self.documents > 1 {
                    diags.push(
                        Diagnostic::error(Code::YamlSyntax, "a file holds one YAML document; found a second")
                            .at(span)
                            .hint("split the documents into separate files"),
                    );
                    return false;
                }
            }
            Event::Scalar(value, ..) => {
                if let Some(path) = self.node(Some(value.as_ref()), span, diags) {
                    self.index.entries.entry(path).or_insert(Entry { key: None, value: span });
                }
            }
            Event::Alias(_) => {
                if let Some(path) = self.node(None, span, diags) {
                    self.index.entries.entry(path).or_insert(Entry { key: None, value: span });
                }
            }
            Event::MappingStart(..) | Event::SequenceStart(..) => {
                let is_map = matches!(ev, Event::MappingStart(..));
                let Some(path) = self.node(None, span, diags) else {
                    // A complex (non-scalar) key: index nothing under it.
                    self.stack
                        .push((Frame::Seq { path: YamlPath(vec![Seg::Key("\u{0}".into())]), next: 0 }, span.start));
                    return self.check_depth(span, diags);
                };
                self.index.entries.entry(path.clone()).or_insert(Entry { key: None, value: span });
                let frame = if is_map {
                    Frame::Map { path, pending_key: None, seen: Default::default() }
                } else {
                    Frame::Seq { path, next: 0 }
                };
                self.stack.push((frame, span.start));
                return self.check_depth(span, diags);
            }
            Event::MappingEnd | Event::SequenceEnd => {
                if let Some((frame, start)) = self.stack.pop() {
                    let path = match frame {
                        Frame::Map { path, .. } | Frame::Seq { path, .. } => path,
                    };
                    if let Some(e) = self.index.entries.get_mut(&path) {
                        e.value = Span::new(self.file, start..span.end.max(start));
                    }
                }
            }
            _ => {}
        }
        true
    }

    fn check_depth(&self, span: Span, diags: &mut Vec<Diagnostic>) -> bool {
        if self.stack.len() > MAX_DEPTH {
            diags.push(
                Diagnostic::error(Code::TooLarge, format!("nesting deeper than {MAX_DEPTH} levels"))
                    .at(span)
                    .hint("flatten the structure; rule and dataset files never need this depth"),
            );
            return false;
        }
        true
    }

    /// Places a node in the current container; returns its path if it is a value
    /// (None if it is a mapping key, which is remembered for the value that follows).
    fn node(&mut self, scalar: Option<&str>, span: Span, diags: &mut Vec<Diagnostic>) -> Option<YamlPath> {
        let Some((frame, _)) = self.stack.last_mut() else {
            return Some(YamlPath::root());
        };
        match frame {
            Frame::Seq { path, next } => {
                let p = path.at(*next);
                *next += 1;
                Some(p)
            }
            Frame::Map { path, pending_key, seen } => match pending_key.take() {
                None => {
                    let key = scalar.unwrap_or("\u{0}complex").to_string();
                    if seen.contains(&key) {
                        if scalar.is_some() {
                            diags.push(duplicate_key(&key, span));
                        }
                    } else {
                        seen.insert(key.clone());
                    }
                    *pending_key = Some((key, span));
                    None
                }
                Some((key, key_span)) => {
                    let p = path.at(key.as_str());
                    self.index.entries.entry(p.clone()).or_insert(Entry { key: Some(key_span), value: span });
                    Some(p)
                }
            },
        }
    }
}

fn duplicate_key(key: &str, span: Span) -> Diagnostic {
    Diagnostic::error(Code::DuplicateKey, format!("key `{key}` appears twice in this mapping"))
        .at(span)
        .hint("YAML keeps only one of them: delete or rename the other")
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::{CharOffsets, parse};
    use crate::source::SourceMap;

    #[test]
    fn char_indices_map_to_byte_offsets_in_non_ascii_text() {
        let text = "a§→b\u{4e2d}c";
        let offsets = CharOffsets::new(text);
        let expected: Vec<usize> = text.char_indices().map(|(i, _)| i).collect();
        for (c, &b) in expected.iter().enumerate() {
            assert_eq!(offsets.byte(c), b, "char {c}");
        }
        assert_eq!(offsets.byte(expected.len()), text.len(), "one past the end");
        assert_eq!(offsets.byte(expected.len() + 5), text.len());
        assert_eq!(CharOffsets::new("abc").byte(2), 2);
    }

    #[test]
    fn spans_after_multibyte_characters_land_on_their_values() {
        let text = "note: \"中文 § → −\"\nkey: { value: 42, source: \"页面\" }\nlast: end\n";
        let sources = SourceMap::new();
        let file = sources.add(Path::new("t.yaml"), Some(text.into()));
        let mut diags = Vec::new();
        let doc = parse(file, text, &mut diags).expect("valid YAML");
        assert!(diags.is_empty());
        let at = |path| doc.span(&path).map(|s| &text[s.start..s.end]);
        assert_eq!(at(crate::ypath!["key", "value"]), Some("42"));
        assert_eq!(at(crate::ypath!["last"]), Some("end"));
    }
}
