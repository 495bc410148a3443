//! Requests, method by method: parameters parsed (a malformed one is `InvalidParams`, never a
//! panic), the position turned into a byte of the analysed text, the feature asked.

use lsp_types::{
    CompletionParams, ExecuteCommandParams, GotoDefinitionParams, Hover, HoverContents, HoverParams, MarkupContent,
    MarkupKind, ReferenceParams, RenameParams, TextDocumentPositionParams, Url,
};
use serde::de::DeserializeOwned;
use serde_json::Value;

use super::code;
use crate::lsp::state::Analysis;
use crate::lsp::symbols::{Mention, Role};
use crate::source::FileId;

/// An answer, and a report to show in the editor's output (text, one-line summary).
pub(crate) struct Done {
    pub value: Value,
    pub report: Option<(String, String)>,
}

type Answer = Result<Done, (i32, String)>;

fn ok(value: impl serde::Serialize) -> Answer {
    Ok(Done { value: serde_json::to_value(value).unwrap_or(Value::Null), report: None })
}

fn params<T: DeserializeOwned>(v: &Value) -> Result<T, (i32, String)> {
    serde_json::from_value(v.clone()).map_err(|e| (code::INVALID_PARAMS, format!("invalid parameters: {e}")))
}

/// Answers one request of a running server: positions are found in `a`, the analysis of the
/// texts as they are; what is said about the names comes from `a` or, when it has nothing (the
/// rule set has an error now), from `known`, the last analysis without errors.
pub(crate) fn answer(a: &Analysis, known: &Analysis, method: &str, raw: &Value) -> Answer {
    match method {
        "textDocument/hover" => {
            let p: HoverParams = params(raw)?;
            ok(hover(a, known, &p.text_document_position_params))
        }
        "textDocument/definition" => {
            let p: GotoDefinitionParams = params(raw)?;
            let found = at(a, &p.text_document_position_params)
                .and_then(|(_, m)| crate::lsp::navigate::definition(a, &m.symbol));
            ok(found)
        }
        "textDocument/references" => {
            let p: ReferenceParams = params(raw)?;
            let found = at(a, &p.text_document_position)
                .map(|(_, m)| crate::lsp::navigate::references(a, &m.symbol, p.context.include_declaration));
            ok(found)
        }
        "textDocument/prepareRename" => {
            let p: TextDocumentPositionParams = params(raw)?;
            match at(a, &p) {
                Some((_, m)) if matches!(m.symbol, crate::lsp::symbols::Symbol::Factor { .. }) => {
                    ok(crate::lsp::navigate::location(a, m.span).map(|l| l.range))
                }
                _ => ok(Value::Null),
            }
        }
        "textDocument/rename" => {
            let p: RenameParams = params(raw)?;
            let Some((_, m)) = at(a, &p.text_document_position) else {
                return Err((code::REQUEST_FAILED, "nothing to rename here: put the cursor on a factor id".into()));
            };
            let edit =
                crate::lsp::navigate::rename(a, &m.symbol, &p.new_name).map_err(|e| (code::REQUEST_FAILED, e))?;
            ok(edit)
        }
        "textDocument/completion" => {
            let p: CompletionParams = params(raw)?;
            let pos = &p.text_document_position;
            let items = file_of(a, &pos.text_document.uri).and_then(|f| {
                let text = a.text(f)?;
                let at = crate::lsp::text::offset(&text, pos.position);
                let k = if a.diags.has_errors() { known } else { a };
                Some(crate::lsp::complete::complete(k, &text, at))
            });
            ok(items.unwrap_or_default())
        }
        "textDocument/inlayHint" => {
            let p: lsp_types::InlayHintParams = params(raw)?;
            let hints = file_of(a, &p.text_document.uri).map(|f| crate::lsp::lens::inlay_hints(a, f));
            ok(hints.unwrap_or_default())
        }
        "textDocument/codeLens" => {
            let p: lsp_types::CodeLensParams = params(raw)?;
            let lenses = file_of(a, &p.text_document.uri).map(|f| crate::lsp::lens::code_lenses(a, f));
            ok(lenses.unwrap_or_default())
        }
        "workspace/executeCommand" => {
            let p: ExecuteCommandParams = params(raw)?;
            let text = crate::lsp::lens::execute(a, &p.command, &p.arguments).map_err(|e| (code::REQUEST_FAILED, e))?;
            let summary = text.lines().rev().find(|l| !l.trim().is_empty()).unwrap_or_default().to_string();
            let summary = if p.command == crate::lsp::lens::RANK {
                text.lines().next().unwrap_or_default().to_string()
            } else {
                summary
            };
            Ok(Done { value: Value::String(text.clone()), report: Some((text, summary)) })
        }
        m if m.starts_with("$/") => ok(Value::Null),
        other => Err((code::METHOD_NOT_FOUND, format!("thesis lsp does not answer `{other}`"))),
    }
}

/// The loaded file of a URI.
fn file_of(a: &Analysis, uri: &Url) -> Option<FileId> {
    a.file(&crate::lsp::text::path(uri)?)
}

/// The file and the mention at a position.
fn at(a: &Analysis, p: &TextDocumentPositionParams) -> Option<(FileId, Mention)> {
    let file = file_of(a, &p.text_document.uri)?;
    let text = a.text(file)?;
    let byte = crate::lsp::text::offset(&text, p.position);
    Some((file, a.mention_at(file, byte)?))
}

fn hover(a: &Analysis, known: &Analysis, p: &TextDocumentPositionParams) -> Option<Hover> {
    let (file, m) = at(a, p)?;
    let set = a.doc(file).and_then(|(doc, role)| match role {
        Role::Rules | Role::Tests => doc.value.get("rule_set").and_then(|v| v.as_str()).map(str::to_string),
        Role::Data | Role::Sources => None,
    });
    let markdown = crate::lsp::hover::hover(a, &m.symbol, set.as_deref()).or_else(|| {
        crate::lsp::hover::hover(known, &m.symbol, set.as_deref())
            .map(|h| format!("{h}\n\n_as of the last check without errors_"))
    })?;
    let range = crate::lsp::navigate::location(a, m.span).map(|l| l.range);
    Some(Hover {
        contents: HoverContents::Markup(MarkupContent { kind: MarkupKind::Markdown, value: markdown }),
        range,
    })
}
