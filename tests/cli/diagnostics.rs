//! Diagnostic fixtures: one problem per file, named by its code, checked in a valid context;
//! each rendered diagnostic is pinned by an insta snapshot (positions included).

use std::path::Path;

use crate::{Thesis, fixture};

/// Extra arguments a fixture asks for on a `# args:` first line.
fn fixture_args(path: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    text.lines()
        .next()
        .and_then(|l| l.strip_prefix("# args:"))
        .map(|a| a.split_whitespace().map(str::to_string).collect())
        .unwrap_or_default()
}

fn relative(path: &Path) -> String {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    path.strip_prefix(root).unwrap_or(path).to_string_lossy().replace('\\', "/")
}

#[test]
fn every_fixture_reports_its_code_at_its_position() {
    insta::glob!("../fixtures/check/cases", "*.*", |path| {
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or_default();
        let code = name.split('-').next().unwrap_or_default();
        let run = Thesis::new()
            .args(["--diagnostic-format", "short", "--color", "never"])
            .args(["--rules".as_ref(), fixture("check/context/rules").as_os_str()])
            .args(["--data".as_ref(), fixture("check/context/datasets").as_os_str()])
            .args(fixture_args(path))
            .args(["check", &relative(path)])
            .run();
        assert_eq!(run.code, 1, "{name} should fail the check:\n{}", run.stderr);
        assert!(run.stderr.contains(&format!("error[{code}]")), "{name} should report {code}:\n{}", run.stderr);
        assert!(run.stderr.contains(": 1 error,"), "one mistake, one message: {name}:\n{}", run.stderr);
        insta::assert_snapshot!(run.stderr);
    });
}

#[test]
fn the_context_alone_is_clean() {
    let run = Thesis::new()
        .args(["--rules".as_ref(), fixture("check/context/rules").as_os_str()])
        .args(["--data".as_ref(), fixture("check/context/datasets").as_os_str()])
        .args(["check"])
        .run()
        .success();
    assert!(run.stderr.contains("0 errors, 0 warnings"), "{}", run.stderr);
}

#[test]
fn human_format_shows_the_source_line_under_the_header() {
    let run = Thesis::new()
        .args(["--diagnostic-format", "human", "--color", "never"])
        .args(["--rules".as_ref(), fixture("check/context/rules").as_os_str()])
        .args(["--data".as_ref(), fixture("check/context/datasets").as_os_str()])
        .args(["check", "tests/fixtures/check/cases/E203-non-positive-weight.yaml"])
        .run()
        .code(1);
    insta::assert_snapshot!(run.stderr);
}

#[test]
fn json_format_is_one_document_with_the_summary_inside() {
    let run = Thesis::new()
        .args(["--diagnostic-format", "json"])
        .args(["--rules".as_ref(), fixture("check/context/rules").as_os_str()])
        .args(["--data".as_ref(), fixture("check/context/datasets").as_os_str()])
        .args(["check", "tests/fixtures/check/cases/E003-unknown-key.yaml"])
        .run()
        .code(1);
    // The whole of standard error parses (F-9: `2>d.json` gives a valid file).
    let doc: serde_json::Value = serde_json::from_str(&run.stderr).expect("one JSON document");
    assert_eq!(doc["version"], 1);
    assert_eq!(doc["summary"], serde_json::json!({ "files": 7, "errors": 1, "warnings": 0 }));
    let items = &doc["diagnostics"];
    assert_eq!(items[0]["code"], "E003");
    assert_eq!(items[0]["line"], 7);
    assert_eq!(items[0]["column"], 5);
    assert_eq!(items[0]["hints"][0], "did you mean `weight`?");
}

/// Copies the files of `from` into `to`, over what is there.
fn overlay(from: &Path, to: &Path) {
    for entry in std::fs::read_dir(from).expect("read fixture dir") {
        let entry = entry.expect("entry");
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            std::fs::create_dir_all(&target).expect("mkdir");
            overlay(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("copy");
        }
    }
}

/// Each directory of `check/mistakes/` (but `base/`) plants one mistake in a copy of `base/`, a
/// project with a profile and rule tests: the check gives exactly one error, with the code the
/// directory is named for, and no consequence of it (a factor, rule set or entity that exists
/// but failed to load is never reported missing).
#[test]
fn one_planted_mistake_gives_one_message() {
    let root = fixture("check/mistakes");
    let mut cases: Vec<_> = std::fs::read_dir(&root)
        .expect("mistakes dir")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.file_name().is_some_and(|n| n != "base"))
        .collect();
    cases.sort();
    assert!(cases.len() >= 10, "{cases:?}");
    for case in cases {
        let name = case.file_name().and_then(|n| n.to_str()).unwrap_or_default().to_string();
        let dir = tempfile::tempdir().expect("temp dir");
        overlay(&root.join("base"), dir.path());
        overlay(&case, dir.path());
        let run =
            Thesis::new().in_dir(dir.path()).args(["--diagnostic-format", "short", "--color", "never", "check"]).run();
        let code = name.split('-').next().unwrap_or_default();
        assert_eq!(run.code, 1, "{name}:\n{}", run.stderr);
        assert!(run.stderr.contains(&format!("error[{code}]")), "{name} should report {code}:\n{}", run.stderr);
        assert!(run.stderr.contains(": 1 error,"), "{name} should give one error:\n{}", run.stderr);
        insta::with_settings!({ snapshot_suffix => name.clone() }, {
            insta::assert_snapshot!(run.stderr);
        });
    }
}

#[test]
fn the_mistakes_base_is_clean_and_its_tests_pass() {
    let base = fixture("check/mistakes/base");
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join(base);
    let run = Thesis::new().in_dir(&dir).args(["check"]).run().success();
    assert!(run.stderr.contains("0 errors, 0 warnings"), "{}", run.stderr);
    Thesis::new().in_dir(&dir).args(["test"]).run().success();
}

/// The diagnostics of `thesis check FILE` in the fixture context, without their positions.
fn unplaced_diagnostics(file: &str) -> Vec<String> {
    let run = Thesis::new()
        .args(["--diagnostic-format", "short", "--color", "never"])
        .args(["--rules".as_ref(), fixture("check/context/rules").as_os_str()])
        .args(["--data".as_ref(), fixture("check/context/datasets").as_os_str()])
        .args(["check", file])
        .run()
        .code(1);
    let prefix = format!("{file}:");
    run.stderr
        .lines()
        .filter(|l| !l.starts_with("checked "))
        .map(|l| match l.strip_prefix(&prefix) {
            Some(rest) => rest.splitn(3, ':').nth(2).unwrap_or(rest).trim().to_string(),
            None => l.to_string(),
        })
        .collect()
}

/// Regression: the rule-test check had its own copy of the exposure rule, which added an
/// E103 beside an E111 and dropped the E111 hint. One rule, so the same words either way.
#[test]
fn exposure_rule_is_one_rule_for_datasets_and_rule_tests() {
    let dataset = unplaced_diagnostics("tests/fixtures/check/drift/exposure/dataset.yaml");
    let tests = unplaced_diagnostics("tests/fixtures/check/drift/exposure/test.yaml");
    assert_eq!(dataset.len(), 4, "{dataset:#?}");
    assert!(
        dataset.iter().any(|l| l.starts_with("error[E111]")) && dataset.iter().any(|l| l.starts_with("error[E103]"))
    );
    assert_eq!(dataset, tests);
}
