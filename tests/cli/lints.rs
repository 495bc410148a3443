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

#[test]
fn every_lint_code_has_a_fixture() {
    for code in thesis::diag::Code::ALL.iter().filter(|c| c.as_str().starts_with('W')) {
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
    let end = json.stderr.rfind(']').expect("a JSON array");
    let items: serde_json::Value = serde_json::from_str(&json.stderr[..=end]).expect("valid JSON");
    assert_eq!(items[0]["code"], "W201");
    assert_eq!(items[0]["severity"], "warning");
    assert_eq!(items[0]["line"], 8);
}

#[test]
fn the_shipped_files_are_lint_clean() {
    let run = Thesis::new().args(["check", "--deny", "warnings"]).run().success();
    assert!(run.stderr.contains("0 errors, 0 warnings"), "{}", run.stderr);
}
