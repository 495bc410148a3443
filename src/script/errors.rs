//! Turning Rhai errors into diagnostics located in the script file or in the rule file's YAML.

use rhai::{EvalAltResult, ParseError, Position};

use super::entity::{MissingAttribute, UnknownAttribute};
use crate::diag::{Code, Diagnostic};
use crate::source::{SourceMap, Span};

/// Why a script evaluation produced no value.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Failure {
    /// The script read this attribute, which the entity lacks.
    Missing(String),
    /// The script failed: code, message and where in the script (line, column) if known.
    Error { code: Code, message: String, at: Option<(usize, usize)> },
}

impl Failure {
    pub(crate) fn from_eval(err: &EvalAltResult, limits: &super::Limits) -> Failure {
        use EvalAltResult as E;
        let at = position(err.position());
        let error = |code, message: String| Failure::Error { code, message, at };
        match err {
            E::ErrorInFunctionCall(_, _, inner, _) => Failure::from_eval(inner, limits),
            E::ErrorRuntime(v, _) if v.is::<MissingAttribute>() => {
                Failure::Missing(v.clone_cast::<MissingAttribute>().0)
            }
            E::ErrorRuntime(v, _) if v.is::<UnknownAttribute>() => {
                error(Code::UnknownAttribute, v.clone_cast::<UnknownAttribute>().0)
            }
            E::ErrorRuntime(v, _) => error(Code::ScriptRuntime, format!("the script threw: {v}")),
            E::ErrorTooManyOperations(_) => error(
                Code::ScriptLimit,
                format!("the script ran past the limit of {} operations (an endless loop?)", limits.operations),
            ),
            E::ErrorTerminated(token, _) if token.clone().into_string().is_ok_and(|t| t == super::DEADLINE_TOKEN) => {
                error(
                    Code::ScriptLimit,
                    format!(
                        "the script ran past the limit of {} ms per evaluation (raise it with --max-script-ms)",
                        limits.time.as_millis()
                    ),
                )
            }
            E::ErrorStackOverflow(_) => error(
                Code::ScriptLimit,
                format!("calls nested deeper than the limit of {} (runaway recursion?)", limits.call_depth),
            ),
            E::ErrorDataTooLarge(what, _) => error(Code::ScriptLimit, format!("{what} grew past the sandbox limit")),
            E::ErrorTooManyModules(_) => {
                error(Code::ScriptLimit, "scripts cannot import modules in the sandbox".into())
            }
            E::ErrorTooManyVariables(_) => error(Code::ScriptLimit, strip_position(&err.to_string())),
            E::ErrorMismatchOutputType(..) | E::ErrorMismatchDataType(..) => {
                error(Code::ScriptType, strip_position(&err.to_string()))
            }
            _ => error(Code::ScriptRuntime, strip_position(&err.to_string())),
        }
    }
}

fn position(p: Position) -> Option<(usize, usize)> {
    Some((p.line()?, p.position().unwrap_or(1)))
}

fn strip_position(message: &str) -> String {
    match message.rfind(" (line ") {
        Some(i) => message[..i].to_string(),
        None => message.to_string(),
    }
}

/// The byte span in a rule file of (line, col) of an inline expression that was written at
/// `span`. Block scalars lose their indentation in the value, so each line is searched for.
pub(crate) fn locate_in_rule_file(sources: &SourceMap, span: Span, expr: &str, line: usize, col: usize) -> Span {
    let file = sources.get(span.file);
    let Some(text) = &file.text else { return span };
    let Some(line_text) = expr.lines().nth(line.saturating_sub(1)) else { return span };
    let trimmed = line_text.trim_start();
    let leading = line_text.chars().count() - trimmed.chars().count();
    let from = span.start.min(text.len());
    let Some(found) = text[from..].find(trimmed).map(|i| from + i) else { return span };
    let skip = col.saturating_sub(1).saturating_sub(leading);
    let at = text[found..].char_indices().nth(skip).map_or(found, |(i, _)| found + i);
    Span::new(span.file, at..at)
}

/// Where a script problem is: in a script file, or in an expression of a rule file.
#[derive(Clone, Copy, Debug)]
pub enum ScriptOrigin<'a> {
    File(crate::source::FileId),
    Inline { span: Span, source: &'a str },
}

impl ScriptOrigin<'_> {
    /// Where a function is defined in a script file, or where an expression starts.
    pub fn locate_function(&self, sources: &SourceMap, function: Option<&str>) -> Span {
        match (*self, function) {
            (ScriptOrigin::File(file), Some(name)) => {
                let f = sources.get(file);
                let text = f.text.as_deref().unwrap_or_default();
                let at = text.find(&format!("fn {name}(")).unwrap_or(0);
                Span::new(file, at..at)
            }
            (ScriptOrigin::File(file), None) => Span::new(file, 0..0),
            (ScriptOrigin::Inline { span, .. }, _) => Span::new(span.file, span.start..span.start),
        }
    }

    pub fn locate(&self, sources: &SourceMap, line: usize, col: usize) -> Span {
        match *self {
            ScriptOrigin::File(file) => {
                let at = sources.get(file).offset(line, col);
                Span::new(file, at..at)
            }
            ScriptOrigin::Inline { span, source } => locate_in_rule_file(sources, span, source, line, col),
        }
    }
}

/// A syntax error as a diagnostic at its position. When the script's brackets do not pair up,
/// the first hint says so: Rhai reports a missing `}` where it gave up, often lines later.
pub(crate) fn syntax_diagnostic(err: &ParseError, origin: ScriptOrigin<'_>, sources: &SourceMap) -> Diagnostic {
    let (line, col) = position(err.1).unwrap_or((1, 1));
    let d =
        Diagnostic::error(Code::ScriptSyntax, format!("Rhai syntax: {}", err.0)).at(origin.locate(sources, line, col));
    let text = match origin {
        ScriptOrigin::File(file) => sources.get(file).text.clone().map(|t| t.to_string()),
        ScriptOrigin::Inline { source, .. } => Some(source.to_string()),
    };
    let d = match text.as_deref().and_then(unbalanced) {
        Some(h) => d.hint(h),
        None => d,
    };
    d.hint("see https://rhai.rs/book/ for the language; the entity is `e`, e.g. `e.revenue / e.employees`")
}

/// `3 `{` but 2 `}``, when a kind of bracket does not pair up (strings and comments skipped).
fn unbalanced(text: &str) -> Option<String> {
    let mut counts = [0usize; 6];
    let (mut in_string, mut chars) = (None, text.chars().peekable());
    while let Some(c) = chars.next() {
        match (in_string, c) {
            (Some(q), '\\') if q != '`' => {
                chars.next();
            }
            (Some(q), c) if c == q => in_string = None,
            (Some(_), _) => {}
            (None, '"' | '`' | '\'') => in_string = Some(c),
            (None, '/') if chars.peek() == Some(&'/') => {
                chars.by_ref().find(|&c| c == '\n');
            }
            (None, c) => {
                if let Some(i) = "{}()[]".find(c) {
                    counts[i] += 1;
                }
            }
        }
    }
    let pairs = [('{', '}'), ('(', ')'), ('[', ']')];
    pairs.iter().enumerate().find(|(i, _)| counts[2 * i] != counts[2 * i + 1]).map(|(i, (open, close))| {
        format!(
            "the brackets do not pair up: {} `{open}` but {} `{close}`; look for the one missing before this point",
            counts[2 * i],
            counts[2 * i + 1]
        )
    })
}
