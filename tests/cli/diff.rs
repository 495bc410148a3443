//! `thesis diff`: two versions of the fixture rules (a weight change that moves a rating), as a
//! table, Markdown and JSON, and a git revision against the working tree.

use std::path::Path;
use std::process::Command;

use crate::{Thesis, fixture, project};

fn versions(format: &str) -> crate::Run {
    Thesis::new()
        .args(["--data".as_ref(), fixture("edit/datasets").as_os_str()])
        .args(["diff", "--format", format])
        .args(["--base".as_ref(), fixture("edit/rules").as_os_str()])
        .args(["--head".as_ref(), fixture("edit/rules-v2").as_os_str()])
        .run()
        .success()
}

#[test]
fn a_weight_change_shows_score_rank_rating_and_drivers() {
    let run = versions("table");
    insta::assert_snapshot!(run.stdout);
}

#[test]
fn markdown_is_a_table_with_the_rating_changes_first() {
    let md = versions("markdown").stdout;
    assert!(md.contains("- Underweight → Neutral: 1 (`gamma`)"), "{md}");
    assert!(md.contains("| id | name | score | rank | rating | moved most by |"), "{md}");
    assert!(
        md.contains("| `gamma` | Gamma | 32.00 → 56.00 (+24.00) | 3 → 2 | **Underweight → Neutral** | sanctions +15.00, margin +9.00 |"),
        "{md}"
    );
}

#[test]
fn json_lists_changes_and_rating_changes() {
    let v: serde_json::Value = serde_json::from_str(&versions("json").stdout).expect("JSON");
    assert_eq!(v["compared"], 3);
    assert_eq!(v["changes"][0]["id"], "gamma");
    assert_eq!(v["changes"][0]["base"]["rating"], "Underweight");
    assert_eq!(v["changes"][0]["head"]["rating"], "Neutral");
    assert_eq!(v["changes"][0]["drivers"][0]["factor"], "sanctions");
    assert_eq!(v["changes"][0]["drivers"][0]["delta"], 15.0);
    assert_eq!(v["rating_changes"][0]["ids"][0], "gamma");
}

fn git(dir: &Path, args: &[&str]) {
    let ok = Command::new("git")
        .args(["-c", "user.name=test", "-c", "user.email=test@example.com"])
        .args(args)
        .current_dir(dir)
        .status()
        .expect("git runs");
    assert!(ok.success(), "git {args:?}");
}

#[test]
fn a_git_revision_is_compared_with_the_working_tree() {
    let read = |rel: &str| std::fs::read_to_string(fixture(rel)).expect("fixture");
    let (v1, v2, data) =
        (read("edit/rules/company.yaml"), read("edit/rules-v2/company.yaml"), read("edit/datasets/companies.yaml"));
    let dir = project(&[("rule files/company.yaml", &v1), ("datasets/companies.yaml", &data)]);
    git(dir.path(), &["init", "-q"]);
    git(dir.path(), &["add", "-A"]);
    git(dir.path(), &["commit", "-q", "-m", "v1"]);
    std::fs::write(dir.path().join("rule files/company.yaml"), v2).expect("write v2");
    let run =
        Thesis::new().in_dir(dir.path()).args(["--rules", "rule files", "diff", "--base", "HEAD"]).run().success();
    assert!(run.stdout.starts_with("company diff · HEAD (co 1.0.0) → working tree (co 1.1.0)"), "{}", run.stdout);
    assert!(run.stdout.contains("Underweight → Neutral: 1 (gamma)"), "{}", run.stdout);
    let bad = Thesis::new().in_dir(dir.path()).args(["--rules", "rule files", "diff", "--base", "no-such-rev"]).run();
    assert_eq!(bad.code, 2, "{}", bad.stderr);

    // Regression: an absolute rules path compared the working tree with itself, and a path
    // with `..` wrote the revision's files outside the temporary directory.
    let absolute = dir.path().join("rule files");
    let run = Thesis::new()
        .in_dir(dir.path())
        .args(["--rules".as_ref(), absolute.as_os_str(), "diff".as_ref(), "--base".as_ref(), "HEAD".as_ref()])
        .run()
        .success();
    assert!(run.stdout.contains("Underweight → Neutral: 1 (gamma)"), "{}", run.stdout);
    std::fs::create_dir_all(dir.path().join("sub")).expect("mkdir");
    let run = Thesis::new()
        .in_dir(&dir.path().join("sub"))
        .args(["--rules", "../rule files", "--data", "../datasets", "diff", "--base", "HEAD"])
        .run()
        .success();
    assert!(run.stdout.contains("Underweight → Neutral: 1 (gamma)"), "{}", run.stdout);
    let outside = Thesis::new().in_dir(dir.path()).args(["--rules", "/tmp", "diff", "--base", "HEAD"]).run().code(2);
    assert!(outside.stderr.contains("is outside the git repository"), "{}", outside.stderr);
}

fn profile_versions(head: &str, format: &str) -> crate::Run {
    Thesis::new()
        .args(["--data".as_ref(), fixture("check/mistakes/base/datasets").as_os_str()])
        .args(["--diagnostic-format", "short", "--color", "never", "diff", "--format", format])
        .args(["--base".as_ref(), fixture("check/mistakes/base/rules").as_os_str()])
        .args(["--head".as_ref(), fixture(head).as_os_str()])
        .run()
        .success()
}

/// F-7: a profile edit is no longer a silent "no entity moved": the changed profile is
/// compared, its rule change listed first with its position, and W205 says the version stayed.
#[test]
fn a_profile_edit_is_diffed_without_naming_the_profile() {
    let run = profile_versions("diff/profile-edit", "table");
    let out = &run.stdout;
    assert!(out.starts_with("company diff · "), "{out}");
    assert!(
        out.contains("(ctx-growth 1.0.0, as of 2024-12-31) → tests/fixtures/diff/profile-edit (ctx-growth 1.0.0, as of 2024-12-31)"),
        "{out}"
    );
    assert!(out.contains("rule changes in ctx-growth\n  tests/fixtures/diff/profile-edit/profiles/growth.yaml:7:5  factor growth: weight 4 → 1\n"), "{out}");
    assert!(out.contains("Neutral → Overweight: 1 (c1)"), "{out}");
    assert!(!out.contains("ctx-company"), "the base did not change: {out}");
    assert!(
        run.stderr.contains("warning[W205]: rule set `ctx-growth` changed (1 change) but its version is still 1.0.0"),
        "{}",
        run.stderr
    );
}

/// A base edit changes the base and every profile on it: one diff each, and JSON is an array.
#[test]
fn a_base_edit_diffs_the_base_and_its_profiles() {
    let run = profile_versions("diff/base-edit", "json");
    let v: serde_json::Value = serde_json::from_str(&run.stdout).expect("JSON");
    let sets: Vec<&str> =
        v.as_array().expect("an array").iter().map(|d| d["head"]["rule_set"].as_str().unwrap_or("")).collect();
    assert_eq!(sets, ["ctx-company", "ctx-growth"]);
    assert_eq!(v[0]["rule_changes"][0]["change"], "weight 60 → 80");
    assert_eq!(v[0]["rule_changes"][0]["what"], "category");
    // The base's version was raised (no W205); the profile's was not.
    assert!(!run.stderr.contains("`ctx-company` changed"), "{}", run.stderr);
    assert!(run.stderr.contains("`ctx-growth` changed"), "{}", run.stderr);
}

/// F-26: a --base that is neither a path nor a revision gets a plain message, not git's.
#[test]
fn a_bad_base_is_neither_a_path_nor_a_revision() {
    let run = Thesis::new().args(["diff", "--base", "nosuchrev"]).run().code(2);
    assert!(run.stderr.contains("`--base nosuchrev` is neither a path nor a git revision"), "{}", run.stderr);
    assert!(!run.stderr.contains("fatal:"), "{}", run.stderr);
}

/// With JSON diagnostics, a clean diff's standard error is one document: its W205 lint.
#[test]
fn diff_lints_in_json_are_one_document() {
    let run = Thesis::new()
        .args(["--data".as_ref(), fixture("check/mistakes/base/datasets").as_os_str()])
        .args(["--diagnostic-format", "json", "diff"])
        .args(["--base".as_ref(), fixture("check/mistakes/base/rules").as_os_str()])
        .args(["--head".as_ref(), fixture("diff/profile-edit").as_os_str()])
        .run()
        .success();
    let doc: serde_json::Value = serde_json::from_str(&run.stderr).expect("one JSON document");
    assert_eq!(doc["diagnostics"][0]["code"], "W205");
    assert_eq!(doc["summary"]["warnings"], 1);
}

#[test]
fn csv_gives_each_side_its_own_columns_one_line_per_moved_entity() {
    let csv = versions("csv").stdout;
    let v: serde_json::Value = serde_json::from_str(&versions("json").stdout).expect("JSON");
    let mut lines = csv.lines();
    assert_eq!(
        lines.next(),
        Some(
            "kind,rule_set,id,name,base_score,head_score,score_delta,base_rank,head_rank,base_rating,head_rating,base_status,head_status,moved_most_by"
        )
    );
    let rows: Vec<&str> = lines.collect();
    assert_eq!(rows.len(), v["changes"].as_array().map_or(0, Vec::len));
    assert_eq!(rows[0], "company,co,gamma,Gamma,32,56,24,3,2,Underweight,Neutral,ranked,ranked,sanctions;margin");
}
