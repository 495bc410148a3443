//! Memo templates (memo stage): minijinja layouts compiled in, each replaceable by a file of
//! the same name in a template directory. Markdown templates escape what they print for
//! Markdown, HTML templates for HTML; an error is diagnostic E501 at its file, line and column.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use minijinja::value::Value;
use minijinja::{AutoEscape, Environment, Error as TemplateError, Output, State, UndefinedBehavior};

use crate::Error;
use crate::diag::{Code, Diagnostic, Diagnostics};
use crate::fmt::RawStyle;
use crate::source::{SourceMap, Span, display_path};

/// The built-in templates: name and text.
pub(crate) const BUILTIN: &[(&str, &str)] = &[
    ("index.md", include_str!("templates/index.md")),
    ("memo.md", include_str!("templates/memo.md")),
    ("index.html", include_str!("templates/index.html")),
    ("memo.html", include_str!("templates/memo.html")),
    ("charts.html", include_str!("templates/charts.html")),
    ("style.css", include_str!("templates/style.css")),
    ("recommendation.txt", include_str!("templates/recommendation.txt")),
    ("methodology.md", include_str!("templates/methodology.md")),
    ("methodology.html", include_str!("templates/methodology.html")),
    ("robustness.md", include_str!("templates/robustness.md")),
    ("robustness.html", include_str!("templates/robustness.html")),
    ("heatmap.html", include_str!("templates/heatmap.html")),
    ("page.html", include_str!("templates/page.html")),
];

const MARKDOWN: &str = "markdown";

/// Fuel of every rendering (about 8 million instructions, or 512 MB of strings made)...
const FUEL_BASE: u64 = 8_000_000;
/// ...and more per entity of the run, for the index that lists them all.
const FUEL_PER_ENTITY: u64 = 2_000;

/// One template's text and where it came from.
struct Loaded {
    name: String,
    path: PathBuf,
    text: Arc<str>,
}

/// The templates of a run, parsed.
pub(crate) struct Templates {
    env: Environment<'static>,
    loaded: Vec<Loaded>,
    /// Templates that did not parse (already diagnosed).
    broken: Vec<String>,
}

impl Templates {
    /// The built-in templates, each replaced by `dir/NAME` where that file exists; other files
    /// of `dir` can be included by name. Parse errors go to `diags` (E501); a file or link
    /// that leads out of `root` is E010 (the caller's root says what is allowed); a file that
    /// is not UTF-8 text (an image beside the templates) is no template and is passed over.
    pub(crate) fn load(
        dir: Option<&Path>,
        root: &crate::files::Root,
        sources: &SourceMap,
        diags: &mut Diagnostics,
    ) -> Result<Templates, Error> {
        let mut loaded: Vec<Loaded> = BUILTIN
            .iter()
            .map(|(name, text)| Loaded {
                name: name.to_string(),
                path: Path::new("<built-in>").join(name),
                text: Arc::from(*text),
            })
            .collect();
        if let Some(dir) = dir {
            for (name, path, text) in read_dir(dir, root, sources, diags)? {
                match loaded.iter_mut().find(|l| l.name == name) {
                    Some(l) => *l = Loaded { name, path, text },
                    None => loaded.push(Loaded { name, path, text }),
                }
            }
        }
        let mut templates = Templates { env: environment(), loaded: Vec::new(), broken: Vec::new() };
        templates.budget(0);
        for l in &loaded {
            if let Err(e) = templates.env.add_template_owned(l.name.clone(), l.text.to_string()) {
                diags.push(diagnostic(&e, &loaded, sources));
                templates.broken.push(l.name.clone());
            }
        }
        templates.loaded = loaded;
        Ok(templates)
    }

    /// Sets the fuel of each rendering for a run of `entities` entities: minijinja charges one
    /// fuel per instruction and one per 64 bytes of strings and output made, so this bounds
    /// both the time and the memory of a template (a loop nested in a loop, a string doubled
    /// in a loop) with an E501 at the template's line instead of a hang or an abort.
    pub(crate) fn budget(&mut self, entities: usize) {
        self.env.set_fuel(Some(FUEL_BASE.saturating_add(FUEL_PER_ENTITY.saturating_mul(entities as u64))));
    }

    /// Renders template `name` with `context`; an error goes to `diags` (E501).
    /// A template that did not parse renders nothing (its error is already reported).
    pub(crate) fn render(
        &self,
        name: &str,
        context: Value,
        sources: &SourceMap,
        diags: &mut Diagnostics,
    ) -> Option<String> {
        if self.broken.iter().any(|b| b == name) {
            return None;
        }
        let result = self.env.get_template(name).and_then(|t| t.render(context));
        result.map_err(|e| diags.push(diagnostic(&e, &self.loaded, sources))).ok()
    }
}

/// Every text file of a template directory, by file name, sorted.
fn read_dir(
    dir: &Path,
    root: &crate::files::Root,
    sources: &SourceMap,
    diags: &mut Diagnostics,
) -> Result<Vec<(String, PathBuf, Arc<str>)>, Error> {
    let entries = std::fs::read_dir(dir).map_err(|e| Error::io(dir, e))?;
    let mut out = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|e| Error::io(dir, e))?;
        let path = entry.path();
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with('.') || !path.is_file() {
            continue;
        }
        if !root.contains(&path) {
            diags.push(crate::load::outside_root(root, &path, Span::new(sources.add(&path, None), 0..0)));
            continue;
        }
        let bytes = match crate::files::read_capped(&path, crate::files::MAX_TEXT_BYTES) {
            Ok(bytes) => bytes,
            Err(crate::files::Refusal::Io(e)) => return Err(Error::io(&path, e)),
            Err(refusal) => {
                diags.push(crate::load::refused(&refusal, Span::new(sources.add(&path, None), 0..0)));
                continue;
            }
        };
        if let Ok(text) = String::from_utf8(bytes) {
            out.push((name, path, Arc::from(text)));
        }
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(out)
}

fn environment() -> Environment<'static> {
    let mut env = Environment::new();
    env.set_debug(true);
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    if let Ok(syntax) = minijinja::syntax::SyntaxConfig::builder().keep_trailing_newline(true).build() {
        env.set_syntax(syntax);
    }
    env.set_auto_escape_callback(|name| {
        if name.ends_with(".md") {
            AutoEscape::Custom(MARKDOWN.into())
        } else if name.ends_with(".html") {
            AutoEscape::Html
        } else {
            AutoEscape::None
        }
    });
    env.set_formatter(format_value);
    env.add_filter("fixed", |v: f64, d: Option<i64>| Ok(crate::fmt::fixed(v, decimals(d, 2)?)));
    env.add_filter("signed", |v: f64, d: Option<i64>| Ok(signed(v, decimals(d, 2)?)));
    env.add_filter("pct", |v: f64| crate::fmt::percent(v));
    env.add_filter("num", |v: f64, d: Option<i64>| {
        let scale = 10f64.powi(decimals(d, 4)? as i32);
        Ok::<_, TemplateError>(crate::fmt::number((v * scale).round() / scale))
    });
    env.add_filter("unit", |v: String, unit: Option<String>| super::phrase::with_unit(&v, unit.as_deref()));
    env.add_filter("plural", |kind: String| match crate::model::Kind::parse(&kind) {
        Some(k) => k.plural().to_string(),
        None => format!("{kind}s"),
    });
    env.add_filter("raw", raw_value);
    env.add_filter("lowerfirst", |s: String| super::phrase::lower_first(&s));
    env.add_filter("code", |s: String| Value::from_safe_string(code_span(&s)));
    env
}

/// Most decimals a number filter prints: more than an f64 holds, and a bound that keeps a
/// template's `fixed(4000000000)` an error rather than a panic or a 4 GB string.
const MAX_DECIMALS: i64 = 20;

/// A filter's decimals argument, `default` when absent; 0 to [`MAX_DECIMALS`].
fn decimals(d: Option<i64>, default: usize) -> Result<usize, TemplateError> {
    match d {
        None => Ok(default),
        Some(d) if (0..=MAX_DECIMALS).contains(&d) => Ok(d as usize),
        Some(d) => Err(TemplateError::new(
            minijinja::ErrorKind::InvalidOperation,
            format!("{d} decimals: number filters take 0 to {MAX_DECIMALS}"),
        )),
    }
}

/// A Markdown code span holding `s` literally (fenced with more backticks than it holds; table
/// pipes escaped, which GitHub-flavoured tables undo inside code).
pub(crate) fn code_span(s: &str) -> String {
    let text = s.replace(['\n', '\r'], " ").replace('|', "\\|");
    let longest = text.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest + 1);
    let pad = if text.starts_with('`') || text.ends_with('`') { " " } else { "" };
    format!("{fence}{pad}{text}{pad}{fence}")
}

/// A factor's raw value in a memo table ([`RawStyle::MemoTable`]).
fn raw_value(v: Value) -> String {
    let json = serde_json::to_value(&v).unwrap_or(serde_json::Value::Null);
    crate::fmt::raw(&json, RawStyle::MemoTable)
}

/// `+1.00`, `−2.00` (a true minus sign), `0.00`.
fn signed(v: f64, decimals: usize) -> String {
    let s = crate::fmt::fixed(v.abs(), decimals);
    if s.chars().all(|c| c == '0' || c == '.') {
        s
    } else if v < 0.0 {
        format!("−{s}")
    } else {
        format!("+{s}")
    }
}

/// Prints a value, escaped for Markdown in `.md` templates (unless marked safe).
fn format_value(out: &mut Output, state: &mut State, value: &Value) -> Result<(), TemplateError> {
    match state.auto_escape() {
        AutoEscape::Custom(name) if name == MARKDOWN && !value.is_safe() => {
            out.write_str(&escape_markdown(&value.to_string())).map_err(TemplateError::from)
        }
        _ => minijinja::escape_formatter(out, state, value),
    }
}

/// Backslash-escapes what Markdown would read as markup, so a user's text stays text (table
/// pipes, emphasis, links, code, raw HTML, a leading heading mark); newlines become spaces.
pub(crate) fn escape_markdown(s: &str) -> String {
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::with_capacity(s.len());
    for (i, &c) in chars.iter().enumerate() {
        let word = |j: Option<&char>| j.is_some_and(|c| c.is_alphanumeric());
        let inner_underscore = i > 0 && word(chars.get(i - 1)) && word(chars.get(i + 1));
        match c {
            '\\' | '`' | '*' | '[' | ']' | '<' | '>' | '|' => {
                out.push('\\');
                out.push(c);
            }
            '_' if !inner_underscore => out.push_str("\\_"),
            '#' if i == 0 => out.push_str("\\#"),
            '\n' | '\r' => out.push(' '),
            _ => out.push(c),
        }
    }
    out
}

fn hint(e: &TemplateError) -> &'static str {
    use minijinja::ErrorKind as K;
    match e.kind() {
        K::SyntaxError => "templates use Jinja syntax: {{ value }}, {% if %}…{% endif %}, {% for %}…{% endfor %}",
        K::TemplateNotFound => "a template directory replaces built-in templates by name and adds files to include",
        K::OutOfFuel => {
            "the template did more work or built more text than a memo needs: a loop in a loop, or a string doubled in a loop?"
        }
        _ => "templates see `memo` (or `index`) with the fields of the JSON memo; see the README's Memos section",
    }
}

/// The diagnostic of a template error, at the failing template's file, line and column.
fn diagnostic(e: &TemplateError, loaded: &[Loaded], sources: &SourceMap) -> Diagnostic {
    let detail = e.detail().map(|d| format!(": {d}")).unwrap_or_default();
    let d = Diagnostic::error(Code::TemplateError, format!("template error ({}){detail}", e.kind())).hint(hint(e));
    let Some(l) = e.name().and_then(|n| loaded.iter().find(|l| l.name == n)) else {
        return d;
    };
    let file = sources.add(&l.path, Some(Arc::clone(&l.text)));
    let range = e.range().or_else(|| {
        let line = e.line()?;
        let start = sources.get(file).offset(line, 1);
        Some(start..start)
    });
    match range {
        Some(r) => d.at(Span::new(file, r)),
        None => d.at(Span::new(file, 0..0)).label(display_path(&l.path)),
    }
}

#[cfg(test)]
mod tests {
    use super::{code_span, escape_markdown, signed};

    #[test]
    fn code_spans_hold_backticks_and_pipes() {
        assert_eq!(code_span("e.x < 0"), "`e.x < 0`");
        assert_eq!(code_span("a|b"), "`a\\|b`");
        assert_eq!(code_span("`x`"), "`` `x` ``");
    }

    #[test]
    fn markdown_escaping_keeps_text_as_text() {
        assert_eq!(escape_markdown("a | b *c* [d](e) <x>"), "a \\| b \\*c\\* \\[d\\](e) \\<x\\>");
        assert_eq!(escape_markdown("digital_humans _x_"), "digital_humans \\_x\\_");
        assert_eq!(escape_markdown("# one\ntwo"), "\\# one two");
    }

    #[test]
    fn signed_numbers_use_a_true_minus_and_no_sign_on_zero() {
        assert_eq!(signed(1.0, 2), "+1.00");
        assert_eq!(signed(-2.5, 2), "−2.50");
        assert_eq!(signed(-0.0001, 2), "0.00");
    }
}
