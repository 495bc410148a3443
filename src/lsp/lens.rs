//! Inlay hints and code lenses. A profile's override shows the base value beside the new one
//! (`weight: 6  ← 3 in company-base`); a rule-test file offers to run its cases, a rule set to
//! rank the universe — run here, the report shown in the editor's output.

use std::path::{Path, PathBuf};

use lsp_types::{CodeLens, Command, InlayHint, InlayHintKind, InlayHintLabel};
use serde_json::Value;

use crate::fmt::number;
use crate::load::yaml::Seg;
use crate::lsp::state::Analysis;
use crate::lsp::symbols::Role;
use crate::source::FileId;

/// The commands the lenses run (`workspace/executeCommand`).
pub(crate) const RUN_TESTS: &str = "thesis.test";
pub(crate) const RANK: &str = "thesis.rank";

/// The base values beside a profile's overrides: factor weights and categories, category weights.
pub(crate) fn inlay_hints(a: &Analysis, file: FileId) -> Vec<InlayHint> {
    let Some((doc, Role::Rules)) = a.doc(file) else { return Vec::new() };
    let (Some(p), Some(text)) = (&a.project, a.text(file)) else { return Vec::new() };
    let Some(base) = doc.value.get("extends").and_then(|v| v.as_str()).and_then(|b| p.book.get(b)) else {
        return Vec::new();
    };
    let mut hints = Vec::new();
    for (path, _, value) in doc.index.entries() {
        let was = match path.0.as_slice() {
            [Seg::Key(f), Seg::Index(i), Seg::Key(field)] if f == "factors" => {
                let id = doc
                    .value
                    .get("factors")
                    .and_then(|fs| fs.get(*i))
                    .and_then(|f| f.get("id"))
                    .and_then(|v| v.as_str());
                let Some(old) = id.and_then(|id| base.factors.iter().find(|f| f.id == id)) else { continue };
                match field.as_str() {
                    "weight" => number(old.weight),
                    "category" => base.categories.get(old.category).map(|c| c.name.clone()).unwrap_or_default(),
                    _ => continue,
                }
            }
            [Seg::Key(c), Seg::Key(name)] | [Seg::Key(c), Seg::Key(name), Seg::Key(_)] if c == "categories" => {
                if path.0.len() == 3 && path.0[2] != Seg::Key("weight".into()) {
                    continue;
                }
                if doc.value.get("categories").and_then(|m| m.get(name)).is_some_and(|v| v.is_mapping())
                    && path.0.len() == 2
                {
                    continue;
                }
                let Some(old) = base.categories.iter().find(|c| &c.name == name) else { continue };
                number(old.weight)
            }
            _ => continue,
        };
        hints.push(InlayHint {
            position: crate::lsp::text::position(&text, value.end),
            label: InlayHintLabel::String(format!("← {was} in {}", base.name)),
            kind: Some(InlayHintKind::PARAMETER),
            text_edits: None,
            tooltip: None,
            padding_left: Some(true),
            padding_right: None,
            data: None,
        });
    }
    hints.sort_by_key(|h| (h.position.line, h.position.character));
    hints
}

/// "Run N cases" atop a test file and "Run" on each case; "Rank the universe" on a rule set.
pub(crate) fn code_lenses(a: &Analysis, file: FileId) -> Vec<CodeLens> {
    let Some((doc, role)) = a.doc(file) else { return Vec::new() };
    let Some(text) = a.text(file) else { return Vec::new() };
    let path = Value::String(crate::source::display_path(&doc.path));
    let lens = |at: usize, title: String, command: &str, args: Vec<Value>| {
        let pos = crate::lsp::text::position(&text, at);
        CodeLens {
            range: lsp_types::Range { start: pos, end: pos },
            command: Some(Command { title, command: command.to_string(), arguments: Some(args) }),
            data: None,
        }
    };
    match role {
        Role::Tests => {
            let cases = doc.value.get("cases").and_then(|c| c.as_sequence()).map_or(0, Vec::len);
            let mut out =
                vec![lens(0, format!("▶ Run {}", crate::fmt::count(cases, "case")), RUN_TESTS, vec![path.clone()])];
            for i in 0..cases {
                let name =
                    doc.value.get("cases").and_then(|c| c.get(i)).and_then(|c| c.get("name")).and_then(|n| n.as_str());
                if let (Some(name), Some(span)) = (name, doc.key_span(&crate::ypath!["cases", i, "name"])) {
                    out.push(lens(
                        span.start,
                        "▶ Run".into(),
                        RUN_TESTS,
                        vec![path.clone(), Value::String(name.into())],
                    ));
                }
            }
            out
        }
        Role::Rules => match doc.value.get("rule_set").and_then(|v| v.as_str()) {
            Some(name) => {
                let at = doc.key_span(&crate::ypath!["rule_set"]).map_or(0, |s| s.start);
                vec![lens(at, "▶ Rank the universe".into(), RANK, vec![Value::String(name.into())])]
            }
            None => Vec::new(),
        },
        Role::Data | Role::Sources => Vec::new(),
    }
}

/// Runs a lens's command: the report as text (`Err` for a command or arguments it does not know).
pub(crate) fn execute(a: &Analysis, command: &str, args: &[Value]) -> Result<String, String> {
    let arg = |i: usize| args.get(i).and_then(Value::as_str);
    match command {
        RUN_TESTS => {
            let file = arg(0).ok_or("thesis.test takes a test file's path")?;
            let names: Vec<String> = arg(1).map(str::to_string).into_iter().collect();
            run_tests(a, Path::new(file), &names)
        }
        RANK => rank(a, arg(0).ok_or("thesis.rank takes a rule set's name")?),
        other => Err(format!("unknown command `{other}`")),
    }
}

fn run_tests(a: &Analysis, file: &Path, names: &[String]) -> Result<String, String> {
    let known = a.project.as_ref().is_some_and(|p| p.ws.test_files.iter().any(|d| d.path == file));
    if !known {
        return Err(format!("{} is not a rule-test file of the project", crate::source::display_path(file)));
    }
    let sources = crate::source::SourceMap::new();
    let mut diags = crate::diag::Diagnostics::new();
    let only: Vec<PathBuf> = vec![file.to_path_buf()];
    let mut out = Vec::new();
    match crate::pipeline::test(&a.opts, &only, names, &sources, &mut diags) {
        Ok((_, run)) => {
            let style = crate::render::test_report::ReportStyle { verbose: true, color: false, coverage: false };
            crate::render::test_report::write_report(&mut out, &run, &sources, style).map_err(|e| e.to_string())?;
        }
        Err(e) => return Err(format!("the tests did not run: {e}")),
    }
    Ok(String::from_utf8_lossy(&out).into_owned())
}

fn rank(a: &Analysis, rule_set: &str) -> Result<String, String> {
    let p = a.project.as_ref().ok_or("the project could not be read")?;
    let set = p.book.get(rule_set).ok_or_else(|| format!("no rule set `{rule_set}`"))?;
    let session = a.session(Some(rule_set)).ok_or("not ranked: the project has errors")?;
    let ks = session.scores.of(set.kind).ok_or("the rule set scored nothing")?;
    let ranking = crate::rank::rank(ks);
    let mut out = Vec::new();
    let format = crate::render::rank::RankFormat::Table;
    crate::render::rank::write_ranking(&mut out, format, ks, &ranking, None, &session.scores, &session.project.dataset)
        .map_err(|e| e.to_string())?;
    Ok(String::from_utf8_lossy(&out).into_owned())
}
