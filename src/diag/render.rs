//! Rendering diagnostics: the short `path:line:col:` form and a human form with source excerpts
//! (the machine formats are in [`super::machine`]).

use std::io::{self, Write};

use codespan_reporting::diagnostic as cs;
use codespan_reporting::files::{self, Files};
use codespan_reporting::term::{self, termcolor};

use super::{Diagnostic, Diagnostics, Location, Severity};
use crate::escape;
use crate::source::{FileId, SourceMap};

/// How diagnostics are printed (`--diagnostic-format`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum DiagnosticFormat {
    /// `path:line:col: error[CODE]: message`, then a source excerpt and hints.
    Human,
    /// `path:line:col: error[CODE]: message`, then hints: for CI annotations and editors.
    Short,
    /// One JSON document: `diagnostics` (code, severity, message, file, line, column, hints)
    /// and `summary` (files, errors, warnings).
    Json,
    /// A SARIF 2.1.0 log, for code scanning (inline annotations on a pull request).
    Sarif,
}

impl DiagnosticFormat {
    /// One document for tools: the summary is inside it, and nothing else is printed beside it.
    pub(crate) fn is_machine(self) -> bool {
        matches!(self, DiagnosticFormat::Json | DiagnosticFormat::Sarif)
    }
}

/// Renders every diagnostic, sorted by location, to `out`.
pub(crate) fn render_all(
    diags: &Diagnostics,
    sources: &SourceMap,
    format: DiagnosticFormat,
    color: bool,
    out: &mut dyn Write,
) -> io::Result<()> {
    let sorted = diags.sorted();
    match format {
        DiagnosticFormat::Json => super::machine::render_json(&sorted, sources, out),
        DiagnosticFormat::Sarif => super::machine::render_sarif(&sorted, sources, out),
        DiagnosticFormat::Short => {
            for d in sorted {
                render_short(d, sources, color, out)?;
            }
            Ok(())
        }
        DiagnosticFormat::Human => {
            for d in sorted {
                render_human(d, sources, color, out)?;
            }
            Ok(())
        }
    }
}

/// `file`, 1-based `line` and `column` of a diagnostic, if it has a location.
pub(super) fn position(d: &Diagnostic, sources: &SourceMap) -> Option<(String, usize, usize)> {
    match d.location.as_ref()? {
        Location::Span(span) => {
            let file = sources.get(span.file);
            let (line, col) = file.line_col(span.start);
            Some((file.name.clone(), line, col))
        }
        Location::LineCol { file, line, col } => Some((sources.get(*file).name.clone(), *line, *col)),
    }
}

fn severity_word(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
    }
}

/// ANSI styles of the short form (as rustc and ripgrep colour it).
const BOLD: &str = "\x1b[1m";
const RED: &str = "\x1b[1;31m";
const YELLOW: &str = "\x1b[1;33m";
const CYAN: &str = "\x1b[1;36m";
const RESET: &str = "\x1b[0m";

/// The short form, coloured when asked. File names, messages and hints are escaped
/// ([`escape::line`]): a file named `x\n1:1: error[E001]: ...` or a value holding escape
/// sequences prints as text (the colour codes are the renderer's own, added after escaping).
fn render_short(d: &Diagnostic, sources: &SourceMap, color: bool, out: &mut dyn Write) -> io::Result<()> {
    let paint = |style: &str, text: &str| if color { format!("{style}{text}{RESET}") } else { text.to_string() };
    if let Some((file, line, col)) = position(d, sources) {
        write!(out, "{}: ", paint(BOLD, &format!("{}:{line}:{col}", escape::line(&file))))?;
    }
    let style = if d.is_error() { RED } else { YELLOW };
    let head = format!("{}[{}]", severity_word(d.severity), d.code.as_str());
    writeln!(out, "{}: {}", paint(style, &head), escape::line(&d.message))?;
    for h in &d.hints {
        writeln!(out, "  {}: {}", paint(CYAN, "hint"), escape::line(h))?;
    }
    Ok(())
}

fn render_human(d: &Diagnostic, sources: &SourceMap, color: bool, out: &mut dyn Write) -> io::Result<()> {
    let span = match &d.location {
        Some(Location::Span(span)) if sources.get(span.file).text.is_some() => *span,
        _ => return render_short(d, sources, color, out),
    };
    let severity = match d.severity {
        Severity::Error => cs::Severity::Error,
        Severity::Warning => cs::Severity::Warning,
    };
    let label_text = d.label.as_deref().map(|l| escape::line(l).into_owned()).unwrap_or_default();
    let label = cs::Label::primary(span.file, span.range()).with_message(label_text);
    let diagnostic = cs::Diagnostic::new(severity)
        .with_code(d.code.as_str())
        .with_message(escape::line(&d.message))
        .with_labels(vec![label])
        .with_notes(d.hints.iter().map(|h| format!("hint: {}", escape::line(h))).collect());
    let config = term::Config::default();
    let files = SourceFiles(sources);
    if color {
        let mut buf = termcolor::Buffer::ansi();
        term::emit_to_write_style(&mut buf, &config, &files, &diagnostic).map_err(io::Error::other)?;
        out.write_all(buf.as_slice())
    } else {
        let mut buf = termcolor::Buffer::no_color();
        term::emit_to_write_style(&mut buf, &config, &files, &diagnostic).map_err(io::Error::other)?;
        out.write_all(buf.as_slice())
    }
}

/// Adapts the [`SourceMap`] to codespan's file database.
struct SourceFiles<'a>(&'a SourceMap);

impl<'a> Files<'a> for SourceFiles<'a> {
    type FileId = FileId;
    type Name = String;
    type Source = std::sync::Arc<str>;

    fn name(&'a self, id: FileId) -> Result<String, files::Error> {
        Ok(escape::line(&self.0.get(id).name).into_owned())
    }

    /// The text with its control characters masked (same byte offsets), for the excerpt.
    fn source(&'a self, id: FileId) -> Result<Self::Source, files::Error> {
        let text = self.0.get(id).text.clone().ok_or(files::Error::FileMissing)?;
        Ok(match escape::mask(&text) {
            std::borrow::Cow::Borrowed(_) => text,
            std::borrow::Cow::Owned(masked) => std::sync::Arc::from(masked),
        })
    }

    fn line_index(&'a self, id: FileId, byte_index: usize) -> Result<usize, files::Error> {
        let file = self.0.get(id);
        Ok(file.line_starts().partition_point(|&s| s <= byte_index).saturating_sub(1))
    }

    fn line_range(&'a self, id: FileId, line_index: usize) -> Result<std::ops::Range<usize>, files::Error> {
        let file = self.0.get(id);
        let text_len = file.text.as_ref().map_or(0, |t| t.len());
        let starts = file.line_starts();
        let start = *starts
            .get(line_index)
            .ok_or(files::Error::LineTooLarge { given: line_index, max: starts.len().saturating_sub(1) })?;
        let end = starts.get(line_index + 1).copied().unwrap_or(text_len);
        Ok(start..end)
    }
}
