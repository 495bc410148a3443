//! Checking the source registry (check stage): each source declared once with a well-formed
//! address, every `cite:` of an observation naming a declared source (E801), and every
//! declared source cited somewhere (W801).

use std::collections::HashSet;

use serde_yaml::Value;

use super::attrs::{bad_date, is_grade};
use crate::diag::{Code, Diagnostic};
use crate::load::Workspace;
use crate::load::sources::{SourceSpec, SourcesFile};
use crate::load::values::Parsed;
use crate::load::yaml::{YamlDoc, YamlPath};
use crate::model::{Date, ID_HINT, SourceEntry, Sources, is_valid_name};
use crate::ypath;

/// The registry of every `kind: sources` file, and the diagnostics of its citations; the
/// warnings of sources no dataset file cites (W801), by id, for the caller to drop those a
/// long-layout file cites.
pub(crate) fn check_sources(ws: &Workspace, diags: &mut Vec<Diagnostic>) -> (Sources, Vec<(String, Diagnostic)>) {
    let mut sources = Sources::default();
    // Ids written in entries (or files) that failed to load: citing them is not an error too.
    let mut unloaded: HashSet<String> = HashSet::new();
    let mut whole_file_failed = false;
    for doc in &ws.source_files {
        match doc.deserialize_at::<SourcesFile>(&YamlPath::root()) {
            Ok(file) => declare_all(doc, &file, &mut sources, &mut unloaded, diags),
            Err(d) => {
                diags.push(d);
                whole_file_failed = true;
            }
        }
    }
    let used = check_citations(ws, &sources, &unloaded, whole_file_failed, diags);
    // A source declared twice already has its error; it is not also reported unused.
    let unused = sources
        .iter()
        .filter(|s| !used.contains(s.id.as_str()) && !unloaded.contains(&s.id))
        .map(|s| {
            let d = Diagnostic::warning(Code::UnusedSource, format!("source `{}` is cited by no observation", s.id))
                .at_opt(s.span)
                .hint("cite it from a fact (`cite: <id>`), or delete the entry");
            (s.id.clone(), d)
        })
        .collect();
    (sources, unused)
}

fn declare_all(
    doc: &YamlDoc,
    file: &SourcesFile,
    sources: &mut Sources,
    unloaded: &mut HashSet<String>,
    diags: &mut Vec<Diagnostic>,
) {
    for (i, item) in file.sources.iter().enumerate() {
        let path = ypath!["sources", i];
        let spec = match item {
            Parsed::Ok(s) => s,
            Parsed::Err(e) => {
                diags.push(doc.error_diagnostic(&path, e));
                let written = crate::load::yaml::lookup(&doc.value, &path.at("id")).and_then(Value::as_str);
                unloaded.extend(written.map(str::to_string));
                continue;
            }
        };
        match entry(doc, &path, spec) {
            Ok(e) => {
                if let Err(first) = sources.declare(e) {
                    let msg = format!("source `{}` is declared twice", spec.id);
                    let _ = first;
                    unloaded.insert(spec.id.clone());
                    diags.push(
                        Diagnostic::error(Code::DuplicateSource, msg)
                            .at_opt(doc.span(&path.at("id")))
                            .label("declared again here")
                            .hint("give each source its own id, or delete the repeated entry"),
                    );
                }
            }
            Err(d) => {
                diags.push(d);
                unloaded.insert(spec.id.clone());
            }
        }
    }
}

/// One entry checked: id, address, date and grade.
fn entry(doc: &YamlDoc, path: &YamlPath, spec: &SourceSpec) -> Result<SourceEntry, Diagnostic> {
    if !is_valid_name(&spec.id) {
        return Err(Diagnostic::error(Code::BadName, format!("`{}` is not a valid source id", spec.id))
            .at_opt(doc.span(&path.at("id")))
            .hint(ID_HINT));
    }
    if let Some(why) = url_problem(&spec.url) {
        return Err(Diagnostic::error(Code::BadUrl, format!("`{}` is not a web address: {why}", spec.url))
            .at_opt(doc.span(&path.at("url")))
            .hint("write the full address, such as `https://www.example.com/report.pdf`"));
    }
    let published = match &spec.published {
        None => None,
        Some(t) => Some(Date::parse(&t.0).ok_or_else(|| bad_date(doc, &path.at("published"), &t.0))?),
    };
    if let Some(g) = &spec.grade
        && !is_grade(&g.0)
    {
        return Err(Diagnostic::error(Code::BadGrade, format!("grade `{}` is not A, B or C", g.0))
            .at_opt(doc.span(&path.at("grade")))
            .hint(crate::model::GRADE_HINT));
    }
    Ok(SourceEntry {
        id: spec.id.clone(),
        title: spec.title.clone(),
        publisher: spec.publisher.clone(),
        url: spec.url.clone(),
        published,
        grade: spec.grade.as_ref().map(|g| g.0.clone()),
        note: spec.note.clone(),
        span: doc.span(&path.at("id")),
    })
}

/// Why `url` is not an absolute `http(s)` address with a host, or `None` when it is.
pub(crate) fn url_problem(url: &str) -> Option<&'static str> {
    let Some(rest) = url.strip_prefix("https://").or_else(|| url.strip_prefix("http://")) else {
        return Some("it does not start with `https://` or `http://`");
    };
    if url.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Some("it contains a space or a control character");
    }
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let host = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let (host, port) = match host.rsplit_once(':') {
        Some((h, p)) if !h.starts_with('[') || h.ends_with(']') => (h, Some(p)),
        _ => (host, None),
    };
    if port.is_some_and(|p| p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit())) {
        return Some("its port is not a number");
    }
    let labels_ok = host.split('.').all(|l| {
        !l.is_empty() && !l.starts_with('-') && !l.ends_with('-') && l.chars().all(|c| c.is_alphanumeric() || c == '-')
    });
    if host.is_empty() || !labels_ok {
        return Some("its host name is empty or malformed");
    }
    if !host.contains('.') && host != "localhost" {
        return Some("its host name has no domain (`www.example.com`)");
    }
    None
}

/// Reports every `cite:` that names no declared source; gives back the ids cited.
fn check_citations<'a>(
    ws: &'a Workspace,
    sources: &Sources,
    unloaded: &HashSet<String>,
    registry_failed: bool,
    diags: &mut Vec<Diagnostic>,
) -> HashSet<&'a str> {
    let mut used = HashSet::new();
    for doc in &ws.data_files {
        for (path, id) in citations(doc) {
            used.insert(id);
            if sources.get(id).is_some() || unloaded.contains(id) || registry_failed {
                continue;
            }
            let suggestion = crate::diag::did_you_mean(id, sources.iter().map(|s| s.id.as_str()));
            let hint = match (suggestion, sources.is_empty()) {
                (Some(s), _) => format!("did you mean `{s}`?"),
                (None, true) => {
                    "declare it in a source registry (`kind: sources`, such as datasets/sources.yaml)".into()
                }
                (None, false) => "declare it under `sources:` in the registry, or cite a declared id".into(),
            };
            diags.push(
                Diagnostic::error(Code::UnknownSource, format!("`{id}` is not a declared source"))
                    .at_opt(doc.span(&path))
                    .hint(hint),
            );
        }
    }
    used
}

/// Every cited id of a dataset document, with the path of the `cite:` value that names it:
/// on one-value observations, on each observation of a `series:` and on `tables:` declarations.
fn citations(doc: &YamlDoc) -> Vec<(YamlPath, &str)> {
    let mut out = Vec::new();
    if let Some(tables) = doc.value.get("tables").and_then(Value::as_mapping) {
        for (name, spec) in tables {
            if let Some(name) = name.as_str() {
                cites_of(spec, &ypath!["tables", name], &mut out);
            }
        }
    }
    let Some(entities) = doc.value.get("entities").and_then(Value::as_sequence) else {
        return out;
    };
    for (i, e) in entities.iter().enumerate() {
        let Some(attrs) = e.get("attributes").and_then(Value::as_mapping) else { continue };
        for (name, v) in attrs {
            let Some(name) = name.as_str() else { continue };
            let base = ypath!["entities", i, "attributes", name];
            cites_of(v, &base, &mut out);
            if let Some(series) = v.get("series").and_then(Value::as_sequence) {
                for (j, o) in series.iter().enumerate() {
                    cites_of(o, &base.at("series").at(j), &mut out);
                }
            }
        }
    }
    out
}

fn cites_of<'a>(observation: &'a Value, base: &YamlPath, out: &mut Vec<(YamlPath, &'a str)>) {
    match observation.get("cite") {
        Some(Value::String(id)) => out.push((base.at("cite"), id)),
        Some(Value::Sequence(ids)) => {
            for (k, id) in ids.iter().enumerate() {
                if let Some(id) = id.as_str() {
                    out.push((base.at("cite").at(k), id));
                }
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::url_problem;

    #[test]
    fn web_addresses_are_told_from_text() {
        for ok in ["https://www.itweb.co.za/a?b=1#c", "http://localhost:8080/x", "https://例子.中国/页"] {
            assert_eq!(url_problem(ok), None, "{ok}");
        }
        for bad in ["itweb.co.za", "https://", "https://exa mple.com", "https://host", "ftp://a.b", "https://a.b:x/"] {
            assert!(url_problem(bad).is_some(), "{bad}");
        }
    }
}
