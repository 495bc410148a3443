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

fn in_context_check(format: &str, file: &str) -> crate::Run {
    Thesis::new()
        .args(["--diagnostic-format", format])
        .args(["--rules".as_ref(), fixture("check/context/rules").as_os_str()])
        .args(["--data".as_ref(), fixture("check/context/datasets").as_os_str()])
        .args(["check", file])
        .run()
}

/// SARIF 2.1.0: the fields the standard requires (version, runs, tool.driver.name, each
/// result's message), and what code scanning needs to annotate a line.
#[test]
fn sarif_is_a_valid_2_1_0_log_with_located_results() {
    let run = in_context_check("sarif", "tests/fixtures/check/cases/E003-unknown-key.yaml");
    assert_eq!(run.code, 1, "{}", run.stderr);
    let log: serde_json::Value = serde_json::from_str(&run.stderr).expect("one JSON document");
    assert_eq!(log["version"], "2.1.0");
    assert_eq!(log["$schema"], "https://json.schemastore.org/sarif-2.1.0.json");
    let sarif_run = &log["runs"][0];
    let driver = &sarif_run["tool"]["driver"];
    assert_eq!(driver["name"], "thesis");
    let rules = driver["rules"].as_array().expect("rules");
    assert_eq!(rules.len(), thesis::Code::ALL.len());
    let results = sarif_run["results"].as_array().expect("results");
    assert_eq!(results.len(), 1);
    let r = &results[0];
    assert_eq!(r["ruleId"], "E003");
    assert_eq!(r["level"], "error");
    assert_eq!(rules[r["ruleIndex"].as_u64().expect("index") as usize]["id"], "E003");
    assert!(r["message"]["text"].as_str().expect("text").contains("hint: did you mean `weight`?"));
    let loc = &r["locations"][0]["physicalLocation"];
    assert_eq!(loc["artifactLocation"]["uri"], "tests/fixtures/check/cases/E003-unknown-key.yaml");
    assert_eq!(loc["region"]["startLine"], 7);
    assert_eq!(loc["region"]["startColumn"], 5);
    // Nothing but the log on the stream, and a clean check is an empty result list.
    let clean = in_context_check("sarif", "tests/fixtures/check/context/rules/company.yaml");
    let log: serde_json::Value = serde_json::from_str(&clean.stderr).expect("one JSON document");
    assert_eq!(log["runs"][0]["results"], serde_json::json!([]));
}

/// F-31: `--color always` colours the short form (the default when piped) as well; `never` and
/// the machine formats stay plain.
#[test]
fn color_always_colours_the_short_form_too() {
    let file = "tests/fixtures/check/cases/E003-unknown-key.yaml";
    let coloured = Thesis::new()
        .args(["--color", "always", "--diagnostic-format", "short"])
        .args(["--rules".as_ref(), fixture("check/context/rules").as_os_str()])
        .args(["--data".as_ref(), fixture("check/context/datasets").as_os_str()])
        .args(["check", file])
        .run();
    assert!(coloured.stderr.contains("\u{1b}[1;31merror[E003]\u{1b}[0m"), "{:?}", coloured.stderr);
    assert!(coloured.stderr.contains("\u{1b}[1;36mhint\u{1b}[0m"), "{:?}", coloured.stderr);
    let json = Thesis::new()
        .args(["--color", "always", "--diagnostic-format", "json"])
        .args(["--rules".as_ref(), fixture("check/context/rules").as_os_str()])
        .args(["--data".as_ref(), fixture("check/context/datasets").as_os_str()])
        .args(["check", file])
        .run();
    assert!(!json.stderr.contains('\u{1b}'), "JSON is never coloured");
    let plain = in_context_check("short", file);
    assert!(!plain.stderr.contains('\u{1b}'), "no colour when piped without --color always");
}

/// An id used three times and another used twice, out of order in one CSV: each later use is
/// one E101 at its line (printed in file order), pointing at the use before it.
#[test]
fn every_repeated_id_is_reported_once_beside_the_use_before_it() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut csv = String::from("id,name,kind,growth,margin,listed,moat,unfiled,bonus\n");
    for id in ["b", "a", "b", "c", "b", "a"] {
        csv.push_str(&format!("{id},{id},company,1,1,true,wide,false,false\n"));
    }
    std::fs::write(dir.path().join("universe.csv"), csv).expect("universe");
    let run = Thesis::new()
        .args(["--diagnostic-format", "short", "--color", "never"])
        .args(["--rules".as_ref(), fixture("robust/scales/rules").as_os_str()])
        .args(["--data".as_ref(), fixture("robust/stream").as_os_str()])
        .args(["--data".as_ref(), dir.path().as_os_str()])
        .arg("check")
        .run()
        .code(1);
    let found: Vec<(&str, &str)> = run
        .stderr
        .lines()
        .filter(|l| l.contains("error[E101]"))
        .map(|l| (l.split(':').nth(1).unwrap_or(""), l.rsplit('`').nth(1).unwrap_or("")))
        .collect();
    assert_eq!(found, [("4", "b"), ("6", "b"), ("7", "a")], "{}", run.stderr);
    let hints: Vec<&str> = run.stderr.lines().filter(|l| l.contains("the first is at")).collect();
    assert_eq!(hints.len(), 3, "{}", run.stderr);
    assert!(hints[0].contains("universe.csv:2:") && hints[1].contains(":4:") && hints[2].contains(":3:"), "{hints:?}");
}
