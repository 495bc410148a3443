//! The bodies of the fuzz targets (not part of the API): one function per target, shared by
//! the cargo-fuzz binaries (`fuzz/fuzz_targets/*.rs`) and by the
//! stable corpus replay and smoke run in the CLI test binary (`tests/cli/fuzz.rs`). They live in
//! the library because they drive its private stages (the YAML loader with its marks, the CSV
//! reader, the Rhai compile path). Each must never panic.

use std::path::Path;
use std::sync::Arc;

use crate::diag::{DiagnosticFormat, Diagnostics, render_all};
use crate::source::SourceMap;

/// Renders every diagnostic in every format, which walks the marks, line/column conversion
/// and escaping of each one.
fn render(diags: &Diagnostics, sources: &SourceMap) {
    for format in [DiagnosticFormat::Short, DiagnosticFormat::Human, DiagnosticFormat::Json] {
        let mut out = Vec::new();
        let _ = render_all(diags, sources, format, false, &mut out);
    }
}

/// The YAML loader with its marks index: parse, then deserialize as a rule file and as a
/// dataset file (the error paths locate through the index).
pub fn yaml(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let sources = SourceMap::new();
    let file = sources.add(Path::new("fuzz.yaml"), Some(Arc::from(text)));
    let mut found = Vec::new();
    let doc = crate::load::yaml::parse(file, text, &mut found);
    let mut diags = Diagnostics::new();
    diags.extend(found);
    if let Some(doc) = doc {
        let root = crate::load::yaml::YamlPath::root();
        if let Err(d) = doc.deserialize_at::<crate::load::rules::RuleFile>(&root) {
            diags.push(d);
        }
        if let Err(d) = doc.deserialize_at::<crate::load::dataset::DatasetFile>(&root) {
            diags.push(d);
        }
    }
    render(&diags, &sources);
}

/// The attribute declarations a fuzzed CSV file is read against (every type, every kind).
const SCHEMA: &str = "attributes:\n  company:\n    growth: number\n    listed: bool\n    venue: text\n    founded: date\n    tags: list\n  segment:\n    share: number\n  region:\n    filings: number\n";

/// The CSV reader: the bytes as a universe file beside a schema, checked like `thesis check`.
pub fn csv(data: &[u8]) {
    let Ok(dir) = tempfile::tempdir() else { return };
    let written = std::fs::write(dir.path().join("schema.yaml"), SCHEMA)
        .and_then(|_| std::fs::write(dir.path().join("universe.csv"), data));
    if written.is_err() {
        return;
    }
    let opts =
        crate::project::Options { rules: Vec::new(), data: vec![dir.path().to_path_buf()], ..Default::default() };
    let sources = SourceMap::new();
    let mut diags = Diagnostics::new();
    let _ = crate::pipeline::load_project(&opts, &sources, &mut diags);
    render(&diags, &sources);
}

/// The Rhai compile path: the sandboxed engine compiles the text as a script file; a syntax
/// error becomes a located diagnostic.
pub fn rhai(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let sources = SourceMap::new();
    let file = sources.add(Path::new("fuzz.rhai"), Some(Arc::from(text)));
    let engine = crate::script::engine(None, &crate::script::Limits::default());
    let mut diags = Diagnostics::new();
    if let Err(e) = engine.compile(text) {
        diags.push(crate::script::syntax_diagnostic(&e, crate::script::ScriptOrigin::File(file), &sources));
    }
    render(&diags, &sources);
}
