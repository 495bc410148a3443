//! `thesis schema`: the committed copies are current, shipped files point editors at them, and
//! every YAML file the loader accepts validates against its schema (and some it refuses do not).

use std::path::{Path, PathBuf};

use thesis::{SchemaFormat as Format, schema, schema_text};

use crate::{Thesis, project};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn committed(format: Format) -> PathBuf {
    root().join("schemas").join(format.file_name())
}

#[test]
fn the_committed_schemas_are_current() {
    for (format, word) in
        [(Format::Rules, "rules"), (Format::Dataset, "dataset"), (Format::Tests, "tests"), (Format::Sources, "sources")]
    {
        let printed = Thesis::new().args(["schema", word]).run().success().stdout;
        let on_disk = std::fs::read_to_string(committed(format)).unwrap_or_default();
        assert!(
            printed == on_disk,
            "schemas/{} is stale: run `cargo run -- schema --write schemas`",
            format.file_name()
        );
    }
}

#[test]
fn write_puts_all_four_in_a_directory() {
    let dir = project(&[]);
    Thesis::new().in_dir(dir.path()).args(["schema", "--write", "out"]).run().success();
    for format in Format::ALL {
        let text = std::fs::read_to_string(dir.path().join("out").join(format.file_name())).unwrap_or_default();
        assert_eq!(text, schema_text(format));
    }
}

/// Which schema a YAML file needs, judged as the loader judges it.
fn format_of(doc: &serde_json::Value) -> Format {
    if doc.get("cases").is_some() {
        Format::Tests
    } else if doc.get("kind").and_then(|k| k.as_str()) == Some("sources") {
        Format::Sources
    } else if doc.get("rule_set").is_some() {
        Format::Rules
    } else {
        Format::Dataset
    }
}

fn yaml_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            yaml_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "yaml") {
            out.push(p);
        }
    }
}

#[test]
fn shipped_files_point_editors_at_their_schema() {
    let mut files = Vec::new();
    yaml_files(&root().join("rules"), &mut files);
    yaml_files(&root().join("datasets"), &mut files);
    assert!(files.len() >= 8);
    for f in files {
        let text = std::fs::read_to_string(&f).unwrap_or_default();
        let first = text.lines().next().unwrap_or_default();
        let rel = first.strip_prefix("# yaml-language-server: $schema=");
        let rel = rel.unwrap_or_else(|| panic!("{} lacks the yaml-language-server line", f.display()));
        let target = f.parent().map(|d| d.join(rel)).unwrap_or_default();
        let doc: serde_json::Value = serde_yaml::from_str(&text).unwrap_or_default();
        let expected = committed(format_of(&doc));
        assert_eq!(
            target.canonicalize().ok(),
            expected.canonicalize().ok(),
            "{} points at {rel}, not {}",
            f.display(),
            expected.display()
        );
    }
}

struct Validator {
    schemas: boon::Schemas,
    index: Vec<(Format, boon::SchemaIndex)>,
}

impl Validator {
    fn new() -> Validator {
        let mut schemas = boon::Schemas::new();
        let mut compiler = boon::Compiler::new();
        let index = Format::ALL
            .iter()
            .map(|&f| {
                let url = format!("file:///{}", f.file_name());
                compiler.add_resource(&url, schema(f)).expect("schema resource");
                (f, compiler.compile(&url, &mut schemas).expect("schema compiles"))
            })
            .collect();
        Validator { schemas, index }
    }

    fn validate(&self, path: &Path) -> Result<(), String> {
        let text = std::fs::read_to_string(path).unwrap_or_default();
        let doc: serde_json::Value = serde_yaml::from_str(&text).map_err(|e| e.to_string())?;
        let (_, idx) = self.index.iter().find(|(f, _)| *f == format_of(&doc)).expect("format");
        self.schemas.validate(&doc, *idx).map_err(|e| format!("{e:#}"))
    }
}

#[test]
fn every_file_the_loader_accepts_validates_against_its_schema() {
    let mut files = Vec::new();
    for dir in
        ["rules", "datasets", "tests/fixtures/edit", "tests/fixtures/check/context", "tests/fixtures/check/lints"]
    {
        yaml_files(&root().join(dir), &mut files);
    }
    let v = Validator::new();
    for f in &files {
        if let Err(e) = v.validate(f) {
            panic!("{} does not validate:\n{e}", f.display());
        }
    }
}

#[test]
fn files_the_loader_refuses_for_their_shape_do_not_validate() {
    let v = Validator::new();
    for name in [
        "E003-unknown-key.yaml",
        "E003-unknown-scale-field.yaml",
        "E008-unknown-value.yaml",
        "E002-wrong-type.yaml",
        "E004-missing-key.yaml",
        "E008-unknown-exposure-kind.yaml",
    ] {
        let path = root().join("tests/fixtures/check/cases").join(name);
        assert!(v.validate(&path).is_err(), "{name} validates, yet the loader refuses it");
    }
}

/// `Kind` must stay a plain enum in the schema (doc comments on its variants once made
/// schemars write it as `oneOf`, and `exposure` then took any key).
#[test]
fn the_dataset_schema_limits_exposure_keys_to_the_three_kinds() {
    let v = Validator::new();
    let path = root().join("tests/fixtures/check/cases/E008-unknown-exposure-kind.yaml");
    let err = v.validate(&path).expect_err("an exposure to a `sector` validates");
    assert!(err.contains("sector"), "the schema error does not name the key: {err}");
    let exposure = &schema(Format::Dataset)["definitions"]["EntitySpec"]["properties"]["exposure"];
    let keys: Vec<&String> = exposure["properties"].as_object().expect("exposure properties").keys().collect();
    assert_eq!(keys, ["company", "region", "segment"]);
    assert_eq!(exposure["additionalProperties"], false);
}
