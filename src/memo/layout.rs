//! Where memos go and how each format is made (memo stage): `index.EXT` and `KIND/ID.EXT`
//! under the reports directory; Markdown and HTML through the templates, JSON straight from
//! the model.

use std::path::{Path, PathBuf};

use minijinja::context;
use minijinja::value::{Serde, Value};
use serde::Serialize;

use super::model::Memo;
use super::templates::Templates;
use super::{Book, Built};
use crate::diag::Diagnostics;
use crate::model::Kind;
use crate::source::SourceMap;

/// A memo file format.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, clap::ValueEnum)]
pub(crate) enum MemoFormat {
    Markdown,
    Html,
    Json,
}

impl MemoFormat {
    pub(crate) const ALL: [MemoFormat; 3] = [MemoFormat::Markdown, MemoFormat::Html, MemoFormat::Json];

    pub(crate) fn ext(self) -> &'static str {
        match self {
            MemoFormat::Markdown => "md",
            MemoFormat::Html => "html",
            MemoFormat::Json => "json",
        }
    }
}

/// One rendered file: its path under the reports directory, and its text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Rendered {
    pub path: PathBuf,
    pub text: String,
}

/// `index.EXT`.
pub(crate) fn index_path(format: MemoFormat) -> PathBuf {
    PathBuf::from(format!("index.{}", format.ext()))
}

/// `methodology.EXT`: rating definitions, weights, policies and disclosures, linked from every memo.
pub(crate) fn methodology_path(format: MemoFormat) -> PathBuf {
    PathBuf::from(format!("methodology.{}", format.ext()))
}

/// `KIND/ID.EXT`.
/// The memo's path under the output directory. Ids are checked names (letters, digits, `_`,
/// `-`, `.`, never starting with `.`), so the path cannot leave its kind's directory.
pub(crate) fn memo_path(kind: Kind, id: &str, format: MemoFormat) -> PathBuf {
    debug_assert!(crate::model::is_valid_name(id), "unchecked id {id:?}");
    Path::new(kind.as_str()).join(format!("{id}.{}", format.ext()))
}

/// Renders every file of the book in each format, sorted by path. Template errors go to
/// `diags` (and their files are left out).
pub(crate) fn render(
    book: &Book,
    formats: &[MemoFormat],
    templates: &Templates,
    sources: &SourceMap,
    diags: &mut Diagnostics,
) -> Vec<Rendered> {
    let mut out = Vec::new();
    for &format in formats {
        if let Some((index, charts)) = &book.index {
            let cx = context! { index => Serde(index), charts => Serde(charts), heatmaps => Serde(&book.heatmaps), root => "", ext => dot(format) };
            let text = produce(format, "index", index, cx.clone(), templates, sources, diags);
            out.extend(text.map(|text| Rendered { path: index_path(format), text }));
            if format != MemoFormat::Json {
                let text = templates.render(&format!("methodology.{}", format.ext()), cx, sources, diags);
                out.extend(text.map(|text| Rendered { path: methodology_path(format), text }));
            }
        }
        for Built { memo, chart, history_chart, robustness } in &book.memos {
            let memo = &worded(memo, templates, sources, diags);
            let cx = context! { memo => Serde(memo), chart => Serde(chart), history_chart => Serde(history_chart), robustness => Serde(robustness), root => "../", ext => dot(format) };
            let text = produce(format, "memo", memo, cx, templates, sources, diags);
            out.extend(text.map(|text| Rendered { path: memo_path(memo.kind, &memo.id, format), text }));
        }
    }
    out.sort_by(|a, b| a.path.cmp(&b.path));
    out
}

fn dot(format: MemoFormat) -> String {
    format!(".{}", format.ext())
}

/// JSON from the model itself; the other formats from template `NAME.EXT`.
fn produce(
    format: MemoFormat,
    name: &str,
    model: &impl Serialize,
    cx: Value,
    templates: &Templates,
    sources: &SourceMap,
    diags: &mut Diagnostics,
) -> Option<String> {
    match format {
        MemoFormat::Json => match serde_json::to_string_pretty(model) {
            Ok(s) => Some(s + "\n"),
            Err(e) => {
                // Nothing in the model fails to serialize today; if it ever does, say so rather
                // than leave the memo out (a full run would then delete it as extra).
                diags.push(crate::diag::Diagnostic::error(
                    crate::diag::Code::TemplateError,
                    format!("cannot write the JSON memo {name}: {e}"),
                ));
                None
            }
        },
        _ => templates.render(&format!("{name}.{}", format.ext()), cx, sources, diags),
    }
}

/// The memo with its recommendation in words, from template `recommendation.txt`: trimmed,
/// one sentence ending in one full stop.
fn worded(memo: &Memo, templates: &Templates, sources: &SourceMap, diags: &mut Diagnostics) -> Memo {
    let mut memo = memo.clone();
    let text = templates.render("recommendation.txt", context! { memo => Serde(&memo) }, sources, diags);
    memo.wording = text.map(|t| format!("{}.", super::phrase::clause(&t))).filter(|t| t.len() > 1);
    memo
}
