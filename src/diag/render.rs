//! Rendering diagnostics: the short `path:line:col:` form, a human form with source excerpts, and JSON.

use std::io::{self, Write};

use codespan_reporting::diagnostic as cs;
use codespan_reporting::files::{self, Files};
use codespan_reporting::term::{self, termcolor};

use super::{Diagnostic, Diagnostics, Location, Severity};
use crate::source::{FileId, SourceMap};

/// How diagnostics are printed (`--diagnostic-format`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum DiagnosticFormat {
    /// `path:line:col: error[CODE]: message`, then a source excerpt and hints.
    Human,
    /// `path:line:col: error[CODE]: message`, then hints: for CI annotations and editors.
    Short,
    /// One JSON array of objects (code, severity, message, file, line, column, hints).
    Json,
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
        DiagnosticFormat::Json => render_json(&sorted, sources, out),
        DiagnosticFormat::Short => {
            for d in sorted {
                render_short(d, sources, out)?;
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

fn render_short(d: &Diagnostic, sources: &SourceMap, out: &mut dyn Write) -> io::Result<()> {
    if let Some((file, line, col)) = position(d, sources) {
        write!(out, "{file}:{line}:{col}: ")?;
    }
    writeln!(out, "{}[{}]: {}", severity_word(d.severity), d.code.as_str(), d.message)?;
    for h in &d.hints {
        writeln!(out, "  hint: {h}")?;
    }
    Ok(())
}

fn render_human(d: &Diagnostic, sources: &SourceMap, color: bool, out: &mut dyn Write) -> io::Result<()> {
    let span = match &d.location {
        Some(Location::Span(span)) if sources.get(span.file).text.is_some() => *span,
        _ => return render_short(d, sources, out),
    };
    let severity = match d.severity {
        Severity::Error => cs::Severity::Error,
        Severity::Warning => cs::Severity::Warning,
    };
    let label = cs::Label::primary(span.file, span.range()).with_message(d.label.clone().unwrap_or_default());
    let diagnostic = cs::Diagnostic::new(severity)
        .with_code(d.code.as_str())
        .with_message(&d.message)
        .with_labels(vec![label])
        .with_notes(d.hints.iter().map(|h| format!("hint: {h}")).collect());
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

fn render_json(sorted: &[&Diagnostic], sources: &SourceMap, out: &mut dyn Write) -> io::Result<()> {
    let items: Vec<serde_json::Value> = sorted
        .iter()
        .map(|d| {
            let pos = position(d, sources);
            serde_json::json!({
                "code": d.code.as_str(),
                "severity": d.severity,
                "message": d.message,
                "file": pos.as_ref().map(|p| p.0.clone()),
                "line": pos.as_ref().map(|p| p.1),
                "column": pos.as_ref().map(|p| p.2),
                "hints": d.hints,
            })
        })
        .collect();
    serde_json::to_writer_pretty(&mut *out, &items)?;
    writeln!(out)
}

/// Adapts the [`SourceMap`] to codespan's file database.
struct SourceFiles<'a>(&'a SourceMap);

impl<'a> Files<'a> for SourceFiles<'a> {
    type FileId = FileId;
    type Name = String;
    type Source = std::sync::Arc<str>;

    fn name(&'a self, id: FileId) -> Result<String, files::Error> {
        Ok(self.0.get(id).name.clone())
    }

    fn source(&'a self, id: FileId) -> Result<Self::Source, files::Error> {
        self.0.get(id).text.clone().ok_or(files::Error::FileMissing)
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
