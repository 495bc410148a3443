//! `thesis test`: rule test cases on the fixture project, passing and failing, with coverage.

use crate::{Thesis, fixture, project};

fn in_fixture() -> Thesis {
    Thesis::new()
        .args(["--rules".as_ref(), fixture("edit/rules").as_os_str()])
        .args(["--data".as_ref(), fixture("edit/datasets").as_os_str()])
        .args(["--diagnostic-format", "short"])
}

#[test]
fn verbose_prints_one_line_per_case_and_the_tally() {
    let run = in_fixture().args(["test", "-v", "--coverage", "--min-coverage", "100"]).run().success();
    insta::assert_snapshot!(run.stdout);
    assert!(run.stdout.lines().any(|l| l == "4 passed, 0 failed"), "{}", run.stdout);
}

/// F-20: like `cargo test -q` / `opa test`, passing cases are counted, not listed.
#[test]
fn by_default_only_the_failures_and_the_tally_are_printed() {
    let run = in_fixture().args(["test"]).run().success();
    assert_eq!(run.stdout, "4 passed, 0 failed\n");
    let run = in_fixture().args(["test".as_ref(), fixture("edit/failing.yaml").as_os_str()]).run().code(1);
    assert!(!run.stdout.contains("ok "), "{}", run.stdout);
    assert_eq!(run.stdout.matches("FAIL ").count(), 2, "{}", run.stdout);
}

/// F-20: a word that is not a path selects the cases whose name contains it.
#[test]
fn a_name_filter_runs_only_the_matching_cases() {
    let run = in_fixture().args(["test", "-v", "Beta"]).run().success();
    assert_eq!(run.stdout.lines().filter(|l| l.starts_with("ok ")).count(), 1, "{}", run.stdout);
    assert!(run.stdout.contains("Beta is flagged"), "{}", run.stdout);
    let none = in_fixture().args(["test", "no-such-case"]).run().success();
    assert!(none.stdout.contains("no case matched"), "{}", none.stdout);
}

/// F-20: `FAIL` is red with `--color always`, plain with `never`.
#[test]
fn fail_is_coloured_when_colour_is_on() {
    let failing = fixture("edit/failing.yaml");
    let run = in_fixture().args(["--color".as_ref(), "always".as_ref(), "test".as_ref(), failing.as_os_str()]).run();
    assert!(run.stdout.contains("\x1b[1;31mFAIL\x1b[0m"), "{:?}", run.stdout);
    let run = in_fixture().args(["--color".as_ref(), "never".as_ref(), "test".as_ref(), failing.as_os_str()]).run();
    assert!(!run.stdout.contains('\x1b'), "{:?}", run.stdout);
}

#[test]
fn a_failing_case_shows_expected_and_actual_and_exits_1() {
    let run = in_fixture().args(["test".as_ref(), fixture("edit/failing.yaml").as_os_str()]).run().code(1);
    insta::assert_snapshot!(run.stdout);
    assert_eq!(run.stdout.lines().last(), Some("1 passed, 2 failed"));
}

#[test]
fn coverage_below_the_minimum_fails_and_names_what_is_missing() {
    let dir = project(&[(
        "rules/tests/one.yaml",
        "rule_set: co\ncases:\n  - name: Alpha leads\n    entity: alpha\n    expect: { rank: 1 }\n",
    )]);
    let rules = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(fixture("edit/rules/company.yaml"));
    let data = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(fixture("edit/datasets"));
    let run = Thesis::new()
        .in_dir(dir.path())
        .args(["--rules".as_ref(), rules.as_os_str(), "--rules".as_ref(), "rules".as_ref()])
        .args(["--data".as_ref(), data.as_os_str()])
        .args(["test", "--min-coverage", "90"])
        .run()
        .code(1);
    assert!(run.stdout.contains("not exercised: gate       losses"), "{}", run.stdout);
    assert!(run.stdout.contains("not exercised: band       growth: < 0"), "{}", run.stdout);
    assert!(run.stderr.contains("is below --min-coverage 90"), "{}", run.stderr);
    assert_eq!(run.stdout.lines().last(), Some("1 passed, 0 failed"));
}

#[test]
fn a_case_with_errors_is_a_located_diagnostic_and_a_failure() {
    let dir = project(&[(
        "bad.yaml",
        "rule_set: co\ncases:\n  - name: Alpha\n    entity: alpah\n    expect: { flags: [blacklist] }\n",
    )]);
    let path = dir.path().join("bad.yaml");
    let run = in_fixture().args(["test".as_ref(), path.as_os_str()]).run().code(1);
    assert!(run.stderr.contains("bad.yaml:4:13: error[E601]: no company has id `alpah`"), "{}", run.stderr);
    assert!(run.stderr.contains("did you mean `alpha`?"), "{}", run.stderr);
    assert!(run.stderr.contains("error[E602]: rule set `co` has no flag gate `blacklist`"), "{}", run.stderr);
    assert!(run.stdout.contains("ERROR"), "{}", run.stdout);
    assert_eq!(run.stdout.lines().last(), Some("0 passed, 1 failed"));
}

#[test]
fn the_shipped_rules_pass_their_own_cases() {
    let run = Thesis::new().args(["test"]).run().success();
    assert!(run.stdout.lines().last().is_some_and(|l| l.ends_with(" passed, 0 failed")), "{}", run.stdout);
}

/// Regression: a segment case with a `universe:` panicked (index out of bounds), because the
/// companies' exposures still pointed at the rows of the full segment table.
#[test]
fn a_segment_case_with_a_universe_keeps_the_company_roll_ups_straight() {
    let dir = project(&[
        (
            "datasets/d.yaml",
            "attributes:\n  company: { growth: number }\n  segment: { share: number }\nentities:\n\
             - { id: s1, kind: segment, name: S1, attributes: { share: 20 } }\n\
             - { id: s2, kind: segment, name: S2, attributes: { share: 10 } }\n\
             - { id: s3, kind: segment, name: S3, attributes: { share: 5 } }\n\
             - { id: c1, kind: company, name: C1, exposure: { segment: { s3: 1 } }, attributes: { growth: 5 } }\n\
             - { id: c2, kind: company, name: C2, exposure: { segment: { s1: 0.5, s3: 0.5 } }, attributes: { growth: 5 } }\n",
        ),
        (
            "rules/r.yaml",
            "rule_set: seg\nversion: 1\ndescription: S.\nkind: segment\ncategories: { segment: 1 }\nfactors:\n\
             - { id: share, category: segment, weight: 1, description: Share, input: { attribute: share }, scale: { linear: { lo: 0, hi: 20 } } }\n",
        ),
        (
            "rules/c.yaml",
            "rule_set: co\nversion: 1\ndescription: C.\nkind: company\ncategories: { segment: 1 }\nfactors:\n\
             - { id: segments, category: segment, weight: 1, description: Segments, input: { rollup: segment } }\n",
        ),
        (
            "rules/tests/t.yaml",
            "cases:\n\
             - { name: S3 is last of two, rule_set: seg, entity: s3, universe: [s2], expect: { rank: 2, score: 25 } }\n\
             - { name: C2 reads its segments, rule_set: co, entity: c2, expect: { score: 62.5 } }\n",
        ),
    ]);
    let run = Thesis::new().in_dir(dir.path()).args(["test"]).run().success();
    assert!(run.stdout.ends_with("2 passed, 0 failed\n"), "{}", run.stdout);
}

/// Regression: `thesis test` ignored `--rule-set` for cases that name no rule set, although
/// the README says they use the rule set `rank` would.
#[test]
fn cases_without_a_rule_set_follow_the_rule_set_option() {
    let rules = |name: &str, default: bool, hi: u32| {
        format!(
            "rule_set: {name}\nversion: 1\ndescription: R.\nkind: company\ndefault: {default}\ncategories: {{ opportunity: 1 }}\nfactors:\n\
             - {{ id: g, category: opportunity, weight: 1, description: G, input: {{ attribute: growth }}, scale: {{ linear: {{ lo: 0, hi: {hi} }} }} }}\n"
        )
    };
    let dir = project(&[
        (
            "datasets/d.yaml",
            "attributes: { company: { growth: number } }\nkind: company\nentities:\n  - { id: a, name: A, attributes: { growth: 5 } }\n",
        ),
        ("rules/co.yaml", &rules("co", true, 10)),
        ("rules/co2.yaml", &rules("co2", false, 20)),
        ("rules/tests/t.yaml", "cases:\n  - { name: A scores half, entity: a, expect: { score: 50 } }\n"),
    ]);
    Thesis::new().in_dir(dir.path()).args(["test"]).run().success();
    let other = Thesis::new().in_dir(dir.path()).args(["--rule-set", "co2", "test"]).run().code(1);
    assert!(other.stdout.contains("actual    25"), "{}", other.stdout);
}

/// F-6: a rank relative to named peers or to the bottom holds whatever the universe's size.
#[test]
fn relative_ranks_name_the_peers_that_break_them() {
    let run = in_fixture().args(["test".as_ref(), fixture("edit/relative-rank.yaml").as_os_str()]).run().code(1);
    insta::assert_snapshot!(run.stdout);
    assert_eq!(run.stdout.lines().last(), Some("2 passed, 2 failed"));
}

/// A peer that is no entity of the kind is an E601, with the nearest id.
#[test]
fn a_relative_rank_peer_must_exist() {
    let dir = project(&[(
        "rules/tests/peer.yaml",
        "rule_set: co\ncases:\n  - name: Beta trails Alpha\n    entity: beta\n    expect: { rank: { below: [alfa] } }\n",
    )]);
    let run = in_fixture().args(["test".as_ref(), dir.path().join("rules/tests/peer.yaml").as_os_str()]).run().code(1);
    assert!(run.stderr.contains("error[E601]: no company has id `alfa`"), "{}", run.stderr);
    assert!(run.stderr.contains("did you mean `alpha`?"), "{}", run.stderr);
}

/// F-6: the shipped rule tests do not hard-code twelve companies: a 13th (a test-only
/// dataset) ranks among them and every shipped case still passes.
#[test]
fn adding_a_13th_company_keeps_the_shipped_tests_passing() {
    let rank = Thesis::new()
        .args(["--data", "datasets", "--data", "tests/fixtures/growth", "rank", "--format", "json"])
        .run()
        .success();
    let out: serde_json::Value = serde_json::from_str(&rank.stdout).expect("json");
    let scored: usize = ["ranked", "not_rated", "excluded"].iter().map(|k| out[k].as_array().map_or(0, Vec::len)).sum();
    assert_eq!(scored, 13, "{}", rank.stdout);
    let run = Thesis::new().args(["--data", "datasets", "--data", "tests/fixtures/growth", "test"]).run();
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    assert!(run.stdout.ends_with(" passed, 0 failed\n"), "{}", run.stdout);
}

/// F-18: a case whose own keys have an error keeps its name in the report.
#[test]
fn a_case_with_an_error_keeps_its_name() {
    let dir = project(&[(
        "rules/tests/typo.yaml",
        "rule_set: co\ncases:\n  - name: Alpha leads\n    entity: alpha\n    expect: { ratng: Overweight }\n",
    )]);
    let run = in_fixture().args(["test".as_ref(), dir.path().join("rules/tests/typo.yaml").as_os_str()]).run().code(1);
    assert!(run.stdout.contains("ERROR"), "{}", run.stdout);
    assert!(run.stdout.contains(":3  Alpha leads"), "{}", run.stdout);
}

/// F-19: the coverage of a selection covers only the rule sets its cases use.
#[test]
fn coverage_of_one_file_lists_only_the_rule_sets_it_uses() {
    let run = Thesis::new().args(["test", "rules/tests/segment.yaml", "--coverage"]).run().success();
    assert!(run.stdout.contains("  segment-base: "), "{}", run.stdout);
    assert!(!run.stdout.contains("company-base"), "{}", run.stdout);
    let all = Thesis::new().args(["test", "--coverage"]).run().success();
    assert!(all.stdout.contains("  company-base: ") && all.stdout.contains("  region-base: "), "{}", all.stdout);
}

#[test]
fn csv_lists_every_case_with_one_line_per_failed_expectation() {
    let failing = fixture("edit/failing.yaml");
    let run =
        in_fixture().args(["test".as_ref(), failing.as_os_str(), "--format".as_ref(), "csv".as_ref()]).run().code(1);
    let mut lines = run.stdout.lines();
    assert_eq!(lines.next(), Some("place,case,verdict,what,expected,actual,error"));
    let rows: Vec<&str> = lines.collect();
    assert_eq!(rows.iter().filter(|r| r.contains(",passed,")).count(), 1, "{}", run.stdout);
    assert_eq!(rows.iter().filter(|r| r.contains(",failed,")).count(), 5 + 3, "{}", run.stdout);
    assert!(
        rows.contains(&"tests/fixtures/edit/failing.yaml:6,Beta is wrongly expected to be Neutral and unflagged,failed,score,40..60,38.00,"),
        "{}",
        run.stdout
    );
    assert!(rows.contains(&"tests/fixtures/edit/failing.yaml:9,A newcomer is wrongly expected to lead,failed,points.margin,50,no points (skipped),"), "{}", run.stdout);
}
