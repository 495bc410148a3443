//! What the server knows: the documents open in the editor, and the last analysis of the
//! project with them laid over the files on disk — `thesis check`'s own pipeline, run again
//! after each burst of edits, its diagnostics published per file.

use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::rc::Rc;
use std::sync::Arc;

use lsp_types::{DiagnosticSeverity, NumberOrString, Url};

use crate::diag::{Diagnostic, Diagnostics, Location, Severity};
use crate::files::Overlay;
use crate::lsp::symbols::{Mention, Role, Symbol};
use crate::project::{Options, Project, Session};
use crate::source::{FileId, SourceMap};

/// A document open in the editor.
#[derive(Debug)]
pub(crate) struct Doc {
    pub uri: Url,
    pub text: Arc<str>,
    /// The editor's version of the text, echoed with its diagnostics.
    pub version: i32,
}

/// The open documents, by canonical path.
#[derive(Debug, Default)]
pub(crate) struct Docs {
    pub open: HashMap<PathBuf, Doc>,
}

impl Docs {
    /// The overlay the loader reads the open documents' texts from.
    pub(crate) fn overlay(&self) -> Overlay {
        Overlay::new(self.open.iter().map(|(p, d)| (p.clone(), Arc::clone(&d.text))).collect())
    }
}

/// One run of the check pipeline over the project, and what the features ask of it.
pub(crate) struct Analysis {
    pub opts: Options,
    pub sources: SourceMap,
    pub diags: Diagnostics,
    /// `None` when the files could not be read at all (a vanished directory).
    pub project: Option<Project>,
    /// Why there is no project.
    pub failure: Option<String>,
    /// Each loaded file by canonical path.
    by_path: HashMap<PathBuf, FileId>,
    /// Every mention of a name in the project's files, built on first use.
    mentions: RefCell<Option<Rc<Vec<Mention>>>>,
    /// The project scored under a rule set (`None`: the defaults), built on first use.
    sessions: RefCell<HashMap<Option<String>, Option<Rc<Session>>>>,
}

impl Analysis {
    /// Checks the project as `thesis check` does, reading the open documents from the editor.
    pub(crate) fn run(base: &Options, docs: &Docs) -> Analysis {
        let opts = Options { overlay: docs.overlay(), ..base.clone() };
        let sources = SourceMap::new();
        let mut diags = Diagnostics::new();
        let (project, failure) = match crate::pipeline::check(&opts, &sources, &mut diags) {
            Ok(p) => (Some(p), None),
            Err(e) => (None, Some(e.to_string())),
        };
        let by_path = (0..sources.len())
            .map(|i| FileId(i as u32))
            .filter_map(|id| Some((std::fs::canonicalize(&sources.get(id).path).ok()?, id)))
            .collect();
        Analysis {
            opts,
            sources,
            diags,
            project,
            failure,
            by_path,
            mentions: RefCell::new(None),
            sessions: RefCell::new(HashMap::new()),
        }
    }

    /// The loaded file at a canonical path.
    pub(crate) fn file(&self, path: &Path) -> Option<FileId> {
        self.by_path.get(path).copied()
    }

    /// The text of a loaded file.
    pub(crate) fn text(&self, file: FileId) -> Option<Arc<str>> {
        self.sources.get(file).text.clone()
    }

    /// The parsed document of a file, and what it is.
    pub(crate) fn doc(&self, file: FileId) -> Option<(&crate::load::yaml::YamlDoc, Role)> {
        let ws = &self.project.as_ref()?.ws;
        let find = |docs: &'_ [crate::load::yaml::YamlDoc]| docs.iter().position(|d| d.file == file);
        if let Some(i) = find(&ws.rule_files) {
            return Some((&ws.rule_files[i], Role::Rules));
        }
        if let Some(i) = find(&ws.test_files) {
            return Some((&ws.test_files[i], Role::Tests));
        }
        if let Some(i) = find(&ws.source_files) {
            return Some((&ws.source_files[i], Role::Sources));
        }
        find(&ws.data_files).map(|i| (&ws.data_files[i], Role::Data))
    }

    /// Every mention of every name in the project.
    pub(crate) fn mentions(&self) -> Rc<Vec<Mention>> {
        if let Some(m) = self.mentions.borrow().as_ref() {
            return Rc::clone(m);
        }
        let all = Rc::new(self.collect_mentions());
        *self.mentions.borrow_mut() = Some(Rc::clone(&all));
        all
    }

    fn collect_mentions(&self) -> Vec<Mention> {
        let Some(p) = &self.project else { return Vec::new() };
        let book = &p.book;
        let mut out = Vec::new();
        let roles = [
            (&p.ws.rule_files, Role::Rules),
            (&p.ws.test_files, Role::Tests),
            (&p.ws.data_files, Role::Data),
            (&p.ws.source_files, Role::Sources),
        ];
        for (docs, role) in roles {
            for doc in docs {
                out.extend(crate::lsp::symbols::mentions(doc, role, book, &self.sources));
            }
        }
        let kind_of =
            |name: &str| crate::model::Kind::ALL.into_iter().find(|&k| p.dataset.schema(k).get(name).is_some());
        for (file, path) in &p.ws.scripts {
            out.extend(crate::lsp::symbols::script_mentions(*file, path, &self.sources, &kind_of));
        }
        out
    }

    /// The mention under byte `at` of `file`: the innermost one.
    pub(crate) fn mention_at(&self, file: FileId, at: usize) -> Option<Mention> {
        self.mentions()
            .iter()
            .filter(|m| m.span.file == file && m.span.start <= at && at <= m.span.end)
            .min_by_key(|m| m.span.end - m.span.start)
            .cloned()
    }

    /// The mentions of `symbol`, declarations first, in file order.
    pub(crate) fn mentions_of(&self, symbol: &Symbol) -> Vec<Mention> {
        let mut v: Vec<Mention> = self.mentions().iter().filter(|m| &m.symbol == symbol).cloned().collect();
        v.sort_by_key(|m| (!m.declares, m.span));
        v
    }

    /// The project scored under `rule_set` (`None`: the rule sets `rank` uses), when its files
    /// have no errors.
    pub(crate) fn session(&self, rule_set: Option<&str>) -> Option<Rc<Session>> {
        let key = rule_set.map(str::to_string);
        if let Some(s) = self.sessions.borrow().get(&key) {
            return s.clone();
        }
        let made = if self.diags.has_errors() || self.project.is_none() {
            None
        } else {
            let opts = Options { rule_sets: key.iter().cloned().collect(), ..self.opts.clone() };
            let mut quiet = Diagnostics::new();
            crate::pipeline::score(&opts, &SourceMap::new(), &mut quiet).ok().map(Rc::new)
        };
        self.sessions.borrow_mut().insert(key, made.clone());
        made
    }

    /// The diagnostics in LSP form, by file URI (every loaded file, empty when it has none).
    pub(crate) fn published(&self) -> BTreeMap<Url, Vec<lsp_types::Diagnostic>> {
        let mut out: BTreeMap<Url, Vec<lsp_types::Diagnostic>> = BTreeMap::new();
        for id in (0..self.sources.len()).map(|i| FileId(i as u32)) {
            if let Some(uri) = crate::lsp::text::uri(&self.sources.get(id).path) {
                out.entry(uri).or_default();
            }
        }
        for d in self.diags.sorted() {
            if let Some((uri, diag)) = self.convert(d) {
                out.entry(uri).or_default().push(diag);
            }
        }
        out
    }

    /// One diagnostic as LSP says it: the code, the message with its label and hints, the
    /// range in UTF-16 columns.
    fn convert(&self, d: &Diagnostic) -> Option<(Url, lsp_types::Diagnostic)> {
        let (file, range) = match d.location.as_ref()? {
            Location::Span(s) => {
                let text = self.text(s.file)?;
                (s.file, crate::lsp::text::range(&text, s.start, s.end))
            }
            Location::LineCol { file, line, col } => {
                let p = lsp_types::Position {
                    line: line.saturating_sub(1) as u32,
                    character: col.saturating_sub(1) as u32,
                };
                (*file, lsp_types::Range { start: p, end: p })
            }
        };
        let uri = crate::lsp::text::uri(&self.sources.get(file).path)?;
        let mut message = d.message.clone();
        if let Some(label) = &d.label {
            message.push_str(&format!(" ({label})"));
        }
        for h in &d.hints {
            message.push_str(&format!("\nhint: {h}"));
        }
        let severity = match d.severity {
            Severity::Error => DiagnosticSeverity::ERROR,
            Severity::Warning => DiagnosticSeverity::WARNING,
        };
        let diag = lsp_types::Diagnostic {
            range,
            severity: Some(severity),
            code: Some(NumberOrString::String(d.code.as_str().to_string())),
            source: Some("thesis".into()),
            message,
            ..Default::default()
        };
        Some((uri, diag))
    }

    /// Diagnostics that point at no file, as one line each (the server logs them).
    pub(crate) fn unplaced(&self) -> Vec<String> {
        let mut v: Vec<String> = self
            .diags
            .sorted()
            .into_iter()
            .filter(|d| d.location.is_none())
            .map(|d| format!("{}: {}", d.code.as_str(), d.message))
            .collect();
        v.extend(self.failure.iter().map(|f| format!("cannot read the project: {f}")));
        v
    }
}
