//! Diagnostics for tools: one JSON document (diagnostics and their summary), or SARIF 2.1.0
//! for code-scanning services. Both are one valid document on their stream, never coloured.

use std::io::{self, Write};

use serde_json::{Value, json};

use super::render::position;
use super::{Code, Diagnostic, Severity};
use crate::source::SourceMap;

/// The version of the JSON document's shape, bumped when a field changes meaning.
pub(super) const JSON_SCHEMA_VERSION: u32 = 1;

fn counts(sorted: &[&Diagnostic]) -> (usize, usize) {
    let errors = sorted.iter().filter(|d| d.is_error()).count();
    (errors, sorted.len() - errors)
}

/// `{"version", "diagnostics": [...], "summary": {files, errors, warnings}}` (README "JSON diagnostics").
pub(super) fn render_json(sorted: &[&Diagnostic], sources: &SourceMap, out: &mut dyn Write) -> io::Result<()> {
    let items: Vec<Value> = sorted
        .iter()
        .map(|d| {
            let pos = position(d, sources);
            json!({
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
    let (errors, warnings) = counts(sorted);
    let doc = json!({
        "version": JSON_SCHEMA_VERSION,
        "diagnostics": items,
        "summary": { "files": sources.len(), "errors": errors, "warnings": warnings },
    });
    serde_json::to_writer_pretty(&mut *out, &doc)?;
    writeln!(out)
}

/// A SARIF 2.1.0 log with one run: every code as a rule, every diagnostic as a result.
pub(super) fn render_sarif(sorted: &[&Diagnostic], sources: &SourceMap, out: &mut dyn Write) -> io::Result<()> {
    let rules: Vec<Value> = Code::ALL
        .iter()
        .map(|c| {
            json!({
                "id": c.as_str(),
                "name": c.slug(),
                "shortDescription": { "text": c.title() },
            })
        })
        .collect();
    let results: Vec<Value> = sorted.iter().map(|d| sarif_result(d, sources)).collect();
    let log = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": {
                "name": "thesis",
                "version": env!("CARGO_PKG_VERSION"),
                "rules": rules,
            }},
            "results": results,
        }],
    });
    serde_json::to_writer_pretty(&mut *out, &log)?;
    writeln!(out)
}

fn sarif_result(d: &Diagnostic, sources: &SourceMap) -> Value {
    let index = Code::ALL.iter().position(|c| *c == d.code).unwrap_or(0);
    let mut text = d.message.clone();
    for h in &d.hints {
        text.push_str("\nhint: ");
        text.push_str(h);
    }
    let level = match d.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    };
    let mut result = json!({
        "ruleId": d.code.as_str(),
        "ruleIndex": index,
        "level": level,
        "message": { "text": text },
    });
    if let Some((file, line, column)) = position(d, sources) {
        result["locations"] = json!([{ "physicalLocation": {
            "artifactLocation": { "uri": file },
            "region": { "startLine": line, "startColumn": column },
        }}]);
    }
    result
}
