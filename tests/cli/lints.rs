//! `thesis check` lints: one fixture per W-code, checked in the diagnostics context; each
//! rendered warning pinned by a snapshot. `--deny` and `--allow`, and warnings in every format.

use std::path::Path;

use crate::{Thesis, fixture};

fn in_context() -> Thesis {
    Thesis::new()
        .args(["--color", "never"])
        .args(["--rules".as_ref(), fixture("check/context/rules").as_os_str()])
        .args(["--data".as_ref(), fixture("check/context/datasets").as_os_str()])
}

fn relative(path: &Path) -> String {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    path.strip_prefix(root).unwrap_or(path).to_string_lossy().replace('\\', "/")
}

#[test]
fn every_lint_fixture_warns_with_its_code_and_nothing_else() {
    insta::glob!("../fixtures/check/lints", "*.yaml", |path| {
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or_default();
        let code = name.split('-').next().unwrap_or_default();
        let run = in_context().args(["--diagnostic-format", "short", "check", &relative(path)]).run().success();
        assert!(run.stderr.contains(&format!("warning[{code}]")), "{name} should warn {code}:\n{}", run.stderr);
        let others = run.stderr.lines().filter(|l| l.contains("warning[") && !l.contains(&format!("[{code}]")));
        assert_eq!(others.count(), 0, "{name} warns of other things too:\n{}", run.stderr);
        insta::assert_snapshot!(run.stderr);
    });
}

/// Lints that compare two versions of the rules, so `thesis diff` reports them; their fixtures
/// are pairs of rule directories (`tests/fixtures/diff/`), tested in `diff.rs`.
const DIFF_LINTS: [&str; 1] = ["W205"];

#[test]
fn every_lint_code_has_a_fixture() {
    assert!(fixture("diff/profile-edit").is_dir(), "W205's fixture");
    for code in thesis::Code::ALL.iter().filter(|c| c.as_str().starts_with('W')) {
        if DIFF_LINTS.contains(&code.as_str()) {
            continue;
        }
        let name = format!("{}-{}.yaml", code.as_str(), code.slug());
        assert!(fixture("check/lints").join(&name).exists(), "no fixture {name}");
    }
}

#[test]
fn deny_warnings_turns_them_into_errors() {
    let lint = fixture("check/lints/W401-gate-never-fires.yaml");
    let run =
        in_context().args(["--diagnostic-format", "short", "check", "--deny", "warnings"]).arg(&lint).run().code(1);
    assert!(run.stderr.contains("error[W401]: gate `nyse` never fires"), "{}", run.stderr);
    assert!(run.stderr.contains("1 error, 0 warnings"), "{}", run.stderr);
    let run = in_context().args(["check", "--deny", "W402"]).arg(&lint).run().success();
    assert!(run.stderr.contains("warning[W401]"), "{}", run.stderr);
}

#[test]
fn allow_leaves_a_code_out() {
    let lint = fixture("check/lints/W401-gate-never-fires.yaml");
    let run = in_context().args(["check", "--deny", "warnings", "--allow", "W401"]).arg(&lint).run().success();
    assert!(run.stderr.contains("0 errors, 0 warnings"), "{}", run.stderr);
}

#[test]
fn warnings_render_in_human_and_json_formats() {
    let lint = fixture("check/lints/W201-irrelevant-factor.yaml");
    let human = in_context().args(["--diagnostic-format", "human", "check"]).arg(&lint).run().success();
    assert!(human.stderr.contains("warning[W201]: factor `listed` carries 0.10%"), "{}", human.stderr);
    assert!(human.stderr.contains("W201-irrelevant-factor.yaml:8:5"), "{}", human.stderr);
    assert!(human.stderr.contains("  - { id: listed"), "the source line: {}", human.stderr);
    let json = in_context().args(["--diagnostic-format", "json", "check"]).arg(&lint).run().success();
    let doc: serde_json::Value = serde_json::from_str(&json.stderr).expect("one JSON document");
    let items = &doc["diagnostics"];
    assert_eq!(items[0]["code"], "W201");
    assert_eq!(items[0]["severity"], "warning");
    assert_eq!(items[0]["line"], 8);
}

#[test]
fn the_shipped_files_are_lint_clean() {
    let run = Thesis::new().args(["check", "--deny", "warnings"]).run().success();
    assert!(run.stderr.contains("0 errors, 0 warnings"), "{}", run.stderr);
}

/// A project where W101 and W403 would fire, but the analyst said what they meant.
const DECIDED: &[(&str, &str)] = &[
    (
        "datasets/d.yaml",
        "attributes:\n  company:\n    growth: number\n    developer: { type: text, descriptive: true }\n    filings: number\n\
         kind: company\nentities:\n\
         - { id: a, name: A, attributes: { growth: 5, developer: Lab A, filings: 3 } }\n\
         - { id: b, name: B, attributes: { growth: 7, developer: Lab B } }\n\
         - { id: c, name: C, attributes: { growth: 9 } }\n",
    ),
    (
        "rules/r.yaml",
        "rule_set: r\nversion: 1\ndescription: R.\nkind: company\nmissing: skip\ncategories: { opportunity: 1 }\nfactors:\n\
         - { id: g, category: opportunity, weight: 1, description: G, input: { attribute: growth }, scale: { linear: { lo: 0, hi: 10 } } }\n\
         - { id: f, category: opportunity, weight: 1, description: F, input: { attribute: filings }, scale: { linear: { lo: 0, hi: 10 } }, missing: skip }\n",
    ),
];

#[test]
fn descriptive_attributes_and_a_stated_skip_are_decisions_not_warnings() {
    let dir = crate::project(DECIDED);
    // The values are bare on purpose (W701 is another test's): the decisions here are W101's and W403's.
    let run = Thesis::new().in_dir(dir.path()).args(["check", "--deny", "warnings", "--allow", "W701"]).run().success();
    assert!(run.stderr.contains("0 errors, 0 warnings"), "{}", run.stderr);
    let inherited = crate::project(&[DECIDED[0], ("rules/r.yaml", &DECIDED[1].1.replace(", missing: skip }", " }"))]);
    let run = Thesis::new().in_dir(inherited.path()).args(["--diagnostic-format", "short", "check"]).run().success();
    assert!(run.stderr.contains("warning[W403]: factor `f` has no value to score for 2 of 3"), "{}", run.stderr);
    assert!(!run.stderr.contains("W101"), "{}", run.stderr);
}
