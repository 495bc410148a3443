//! Diagnostics: problems found in user files, as data (collected by every stage, rendered once).

mod codes;
mod machine;
mod problem;
mod render;

pub use codes::Code;
pub(crate) use problem::Problem;
pub(crate) use render::{DiagnosticFormat, render_all};

use crate::source::Span;

/// How serious a diagnostic is: errors fail the run, warnings (lints) do not.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// A problem that stops scoring; exit code 1.
    Error,
    /// Valid but probably not meant (a lint); `--deny` turns it into an error.
    Warning,
}

/// Where a diagnostic points: a span of a file whose text we hold, or a line and
/// column of a file we streamed (large CSV files).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Location {
    /// A span of a file whose text is held.
    Span(Span),
    /// A line and column (1-based) of a streamed file.
    LineCol {
        /// The file.
        file: crate::source::FileId,
        /// The line, from 1.
        line: usize,
        /// The column in characters, from 1.
        col: usize,
    },
}

/// One problem in a user's file: a stable code, where it is, what is wrong, how to fix it.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Diagnostic {
    /// The stable code (`E203`).
    pub code: Code,
    /// Error or warning.
    pub severity: Severity,
    /// What is wrong, in one sentence.
    pub message: String,
    /// Where it is, if anywhere in particular.
    pub location: Option<Location>,
    /// A short note shown under the source excerpt.
    pub label: Option<String>,
    /// How to fix it, one hint per entry.
    pub hints: Vec<String>,
}

impl Diagnostic {
    /// An error with this code and message, nowhere yet.
    pub fn error(code: Code, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            code,
            severity: Severity::Error,
            message: message.into(),
            location: None,
            label: None,
            hints: Vec::new(),
        }
    }

    /// A warning with this code and message, nowhere yet.
    pub fn warning(code: Code, message: impl Into<String>) -> Diagnostic {
        Diagnostic { severity: Severity::Warning, ..Diagnostic::error(code, message) }
    }

    /// Placed at a span.
    pub fn at(mut self, span: Span) -> Diagnostic {
        self.location = Some(Location::Span(span));
        self
    }

    /// Placed at a span, or nowhere for `None`.
    pub fn at_opt(mut self, span: Option<Span>) -> Diagnostic {
        self.location = span.map(Location::Span);
        self
    }

    /// Placed at a line and column (1-based) of a streamed file.
    pub fn at_line_col(mut self, file: crate::source::FileId, line: usize, col: usize) -> Diagnostic {
        self.location = Some(Location::LineCol { file, line, col });
        self
    }

    /// With a label under the source excerpt.
    pub fn label(mut self, label: impl Into<String>) -> Diagnostic {
        self.label = Some(label.into());
        self
    }

    /// With one more hint.
    pub fn hint(mut self, hint: impl Into<String>) -> Diagnostic {
        self.hints.push(hint.into());
        self
    }

    /// Whether it is an error (not a warning).
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

/// A failure whose errors are already in the diagnostics: the `Err` of a step that reports
/// as it goes, so that "it failed" is in the signature and not read off an error count.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Reported;

/// The diagnostics of a run, in the order found; sorted by location before rendering.
#[derive(Clone, Debug, Default)]
pub struct Diagnostics {
    items: Vec<Diagnostic>,
    /// The items again, to drop repeats in constant time.
    seen: std::collections::HashSet<Diagnostic>,
}

impl Diagnostics {
    /// No diagnostics yet.
    pub fn new() -> Diagnostics {
        Diagnostics::default()
    }

    /// Adds a diagnostic, unless the same one is already here.
    pub fn push(&mut self, d: Diagnostic) {
        if self.seen.insert(d.clone()) {
            self.items.push(d);
        }
    }

    /// Adds each diagnostic, dropping repeats.
    pub fn extend(&mut self, ds: impl IntoIterator<Item = Diagnostic>) {
        for d in ds {
            self.push(d);
        }
    }

    /// Whether any is an error.
    pub fn has_errors(&self) -> bool {
        self.items.iter().any(Diagnostic::is_error)
    }

    /// How many are errors.
    pub fn error_count(&self) -> usize {
        self.items.iter().filter(|d| d.is_error()).count()
    }

    /// How many are warnings.
    pub fn warning_count(&self) -> usize {
        self.items.len() - self.error_count()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// The diagnostics in the order found.
    pub fn iter(&self) -> impl Iterator<Item = &Diagnostic> {
        self.items.iter()
    }

    /// Deterministic order: by file, position, then code and message.
    pub fn sorted(&self) -> Vec<&Diagnostic> {
        let mut v: Vec<&Diagnostic> = self.items.iter().collect();
        v.sort_by(|a, b| (&a.location, a.code, &a.message).cmp(&(&b.location, b.code, &b.message)));
        v
    }

    /// Drops the warnings with these codes (`--allow`).
    pub fn allow(&mut self, codes: &[Code]) {
        self.items.retain(|d| d.is_error() || !codes.contains(&d.code));
    }

    /// Turns warnings into errors: all of them, or those with the given codes (`--deny`).
    pub fn deny(&mut self, all: bool, codes: &[Code]) {
        for d in &mut self.items {
            if all || codes.contains(&d.code) {
                d.severity = Severity::Error;
            }
        }
    }

    /// The diagnostics in the order found.
    pub fn into_vec(self) -> Vec<Diagnostic> {
        self.items
    }
}

impl IntoIterator for Diagnostics {
    type Item = Diagnostic;
    type IntoIter = std::vec::IntoIter<Diagnostic>;
    fn into_iter(self) -> Self::IntoIter {
        self.items.into_iter()
    }
}

/// Suggests the closest of `candidates` to a misspelt `name`, if one is close enough.
pub(crate) fn did_you_mean<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    candidates
        .into_iter()
        .map(|c| (strsim::jaro_winkler(name, c), c))
        .filter(|(score, _)| *score >= 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0).then_with(|| b.1.cmp(a.1)))
        .map(|(_, c)| c)
}

/// `path:line:col` of a location, for hints that point elsewhere.
pub(crate) fn describe_location(loc: &Location, sources: &crate::source::SourceMap) -> String {
    match loc {
        Location::Span(s) => {
            let f = sources.get(s.file);
            let (l, c) = f.line_col(s.start);
            format!("{}:{l}:{c}", f.name)
        }
        Location::LineCol { file, line, col } => format!("{}:{line}:{col}", sources.get(*file).name),
    }
}
