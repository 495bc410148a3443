//! `thesis rank`: formats, exit codes, atomic output, determinism across threads and input order.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use crate::{Thesis, fixture, project};

fn context() -> Thesis {
    Thesis::new()
        .args(["--rules".as_ref(), fixture("check/context/rules").as_os_str()])
        .args(["--data".as_ref(), fixture("check/context/datasets").as_os_str()])
}

#[test]
fn the_table_lists_rank_score_rating_coverage_and_reasons() {
    let run = context().args(["rank"]).run().success();
    insta::assert_snapshot!(run.stdout);
}

#[test]
fn csv_has_one_row_per_entity_with_category_scores() {
    let run = context().args(["rank", "--format", "csv"]).run().success();
    insta::assert_snapshot!(run.stdout);
}

#[test]
fn other_kinds_rank_too() {
    let run = context().args(["rank", "--kind", "segment", "--format", "csv"]).run().success();
    assert!(run.stdout.starts_with("rank,id,name,kind,score"), "{}", run.stdout);
    assert!(run.stdout.contains("1,s1,Segment One,segment,80,"), "{}", run.stdout);
}

#[test]
fn json_carries_the_documented_fields_and_contributions_add_up() {
    let run = context().args(["rank", "--format", "json"]).run().success();
    let v: serde_json::Value = serde_json::from_str(&run.stdout).expect("valid JSON");
    assert_eq!(v["kind"], "company");
    assert_eq!(v["rule_set"]["name"], "ctx-company");
    let ranked = v["ranked"].as_array().expect("ranked list");
    assert_eq!(ranked.len(), 2);
    for e in ranked {
        for field in [
            "id",
            "name",
            "kind",
            "rank",
            "percentile",
            "score",
            "rating",
            "categories",
            "factors",
            "reason_codes",
            "flags",
            "coverage",
        ] {
            assert!(e.get(field).is_some(), "missing `{field}` in {e}");
        }
        let contributions: f64 =
            e["factors"].as_array().expect("factors").iter().map(|f| f["contribution"].as_f64().unwrap_or(0.0)).sum();
        let adjustments: f64 = e["adjustments"]
            .as_array()
            .expect("adjustments")
            .iter()
            .filter(|a| a["fired"] == true)
            .map(|a| a["points"].as_f64().unwrap_or(0.0))
            .sum();
        let total = contributions + adjustments + e["clamp"].as_f64().expect("clamp");
        assert!((total - e["score"].as_f64().expect("score")).abs() < 1e-9, "{e}");
    }
    assert_eq!(ranked[0]["rank"], 1);
    assert_eq!(ranked[0]["percentile"], 100.0);
}

#[test]
fn top_limits_the_rows() {
    let run = context().args(["rank", "--top", "1", "--format", "csv"]).run().success();
    assert_eq!(run.stdout.lines().count(), 2, "{}", run.stdout);
}

#[test]
fn output_goes_to_a_file_with_the_same_bytes_as_stdout() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("ranking.csv");
    let printed = context().args(["rank", "--format", "csv"]).run().success();
    context()
        .args(["rank".as_ref(), "--format".as_ref(), "csv".as_ref(), "--output".as_ref(), path.as_os_str()])
        .run()
        .success();
    assert_eq!(std::fs::read_to_string(&path).expect("written"), printed.stdout);
    let leftovers: Vec<_> = std::fs::read_dir(dir.path()).expect("list").collect();
    assert_eq!(leftovers.len(), 1, "no temporary file is left behind");
}

#[test]
fn exit_codes_are_documented_ones() {
    let missing = context().args(["--data", "no/such/dir", "rank"]).run().code(2);
    assert!(missing.stderr.contains("no/such/dir"), "{}", missing.stderr);
    context().args(["rank", "--format", "xml"]).run().code(2);
    context().args(["frobnicate"]).run().code(2);
    let unwritable = context().args(["rank", "--output", "/proc/version/x.csv"]).run().code(2);
    assert!(unwritable.stderr.contains("thesis: error:"), "{}", unwritable.stderr);
    let invalid = Thesis::new()
        .args([
            "--rules",
            "tests/fixtures/check/context/rules",
            "--rules",
            "tests/fixtures/check/cases/E203-non-positive-weight.yaml",
        ])
        .args(["--data", "tests/fixtures/check/context/datasets", "rank"])
        .run()
        .code(1);
    assert!(invalid.stderr.contains("error[E203]"), "{}", invalid.stderr);
}

#[test]
fn a_reader_that_closes_the_pipe_early_is_not_an_error() {
    let mut csv = String::from("id,name,kind,growth\n");
    for i in 0..20_000 {
        csv.push_str(&format!("c{i},Company {i},company,{}\n", i % 50));
    }
    let dir = project(&[
        ("datasets/schema.yaml", "attributes: { company: { growth: number } }\n"),
        ("datasets/universe.csv", &csv),
        (
            "rules/r.yaml",
            "rule_set: r\nversion: 1\ndescription: R.\nkind: company\ncategories: { opportunity: 1 }\nfactors:\n  - { id: g, category: opportunity, weight: 1, description: G, input: { attribute: growth }, scale: { linear: { lo: 0, hi: 50 } } }\n",
        ),
    ]);
    let mut child = Command::new(env!("CARGO_BIN_EXE_thesis"))
        .current_dir(dir.path())
        .args(["rank", "--format", "csv"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    let mut first = String::new();
    BufReader::new(child.stdout.take().expect("stdout")).read_line(&mut first).expect("a line");
    let out = child.wait_with_output().expect("wait");
    assert!(first.starts_with("rank,id"), "{first}");
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(out.stderr.is_empty(), "{}", String::from_utf8_lossy(&out.stderr));
}

#[test]
fn output_is_identical_for_any_thread_count() {
    let one = context().args(["--threads", "1", "rank", "--format", "json"]).run().success();
    let four = context().args(["--threads", "4", "rank", "--format", "json"]).run().success();
    assert_eq!(one.stdout, four.stdout);
}

#[test]
fn output_does_not_depend_on_the_order_of_entities() {
    let schema = "attributes: { company: { growth: number, margin: number } }\n";
    let mut entities: Vec<String> = (0..40)
        .map(|i| {
            format!(
                "  - {{ id: c{i}, name: C{i}, attributes: {{ growth: {}, margin: {} }} }}\n",
                (i * 37) % 101,
                (i * 13) % 17
            )
        })
        .collect();
    let rules = "rule_set: r\nversion: 1\ndescription: R.\nkind: company\ncategories: { opportunity: 2, risk: 1 }\nfactors:\n  - { id: g, category: opportunity, weight: 1, description: G, input: { attribute: growth }, scale: zscore }\n  - { id: m, category: risk, weight: 1, description: M, input: { attribute: margin }, scale: percentile }\n";
    let forward = format!("kind: company\nentities:\n{}", entities.concat());
    entities.reverse();
    let backward = format!("kind: company\nentities:\n{}", entities.concat());
    let a = project(&[("datasets/s.yaml", schema), ("datasets/e.yaml", &forward), ("rules/r.yaml", rules)]);
    let b = project(&[("datasets/s.yaml", schema), ("datasets/e.yaml", &backward), ("rules/r.yaml", rules)]);
    let ra = Thesis::new().in_dir(a.path()).args(["rank", "--format", "json"]).run().success();
    let rb = Thesis::new().in_dir(b.path()).args(["rank", "--format", "json"]).run().success();
    assert_eq!(ra.stdout, rb.stdout);
}

#[test]
fn equal_totals_share_a_rank_and_are_listed_by_id() {
    let dir = project(&[
        (
            "datasets/s.yaml",
            "attributes: { company: { x: number } }\nkind: company\nentities:\n  - { id: d, name: D, attributes: { x: 10 } }\n  - { id: b, name: B, attributes: { x: 50 } }\n  - { id: a, name: A, attributes: { x: 50 } }\n  - { id: c, name: C, attributes: { x: 70 } }\n",
        ),
        (
            "rules/r.yaml",
            "rule_set: r\nversion: 1\ndescription: R.\nkind: company\ncategories: { opportunity: 1 }\nfactors:\n  - { id: x, category: opportunity, weight: 1, description: X, input: { attribute: x } }\n",
        ),
    ]);
    let run = Thesis::new().in_dir(dir.path()).args(["rank", "--format", "csv"]).run().success();
    let rows: Vec<String> =
        run.stdout.lines().skip(1).map(|l| l.split(',').take(2).collect::<Vec<_>>().join(",")).collect();
    assert_eq!(rows, ["1,c", "2,a", "2,b", "4,d"]);
}

#[test]
fn as_of_withholds_later_facts_and_the_ledger_says_so() {
    let run = context().args(["--as-of", "2024-06-30", "explain", "c1", "--format", "json"]).run().success();
    let v: serde_json::Value = serde_json::from_str(&run.stdout).expect("json");
    let growth = &v[0]["factors"][0];
    assert_eq!(growth["id"], "growth");
    assert_eq!(growth["state"], "skipped");
    assert_eq!(growth["evidence"][0]["withheld"], true);
    assert!(growth["note"].as_str().unwrap_or_default().contains("after the view date 2024-06-30"), "{growth}");
    let later = context().args(["--as-of", "2025-01-01", "explain", "c1", "--format", "json"]).run().success();
    let v: serde_json::Value = serde_json::from_str(&later.stdout).expect("json");
    assert_eq!(v[0]["factors"][0]["state"], "observed");
}

/// Regression: CSV ids were not checked, so `thesis memo` could write `../../x.md` outside
/// its output directory.
#[test]
fn csv_ids_are_checked_like_yaml_ids() {
    let dir = project(&[
        ("datasets/schema.yaml", "attributes: { company: { growth: number } }\n"),
        ("datasets/u.csv", "id,name,kind,growth\nok,Fine,company,1\n../../escaped,Evil,company,2\n,Empty,company,3\n"),
        (
            "rules/r.yaml",
            "rule_set: r\nversion: 1\ndescription: R.\nkind: company\ncategories: { opportunity: 1 }\nfactors:\n  - { id: g, category: opportunity, weight: 1, description: G, input: { attribute: growth } }\n",
        ),
    ]);
    let run =
        Thesis::new().in_dir(dir.path()).args(["--diagnostic-format", "short", "memo", "--out", "out"]).run().code(1);
    assert!(run.stderr.contains("datasets/u.csv:3:1: error[E110]: `../../escaped` cannot be an id"), "{}", run.stderr);
    assert!(run.stderr.contains("datasets/u.csv:4:1: error[E110]: `` cannot be an id"), "{}", run.stderr);
    assert!(!dir.path().join("out").exists(), "nothing is written");
}

/// Regression: when a condition failed, the count of entities missing a `fail` factor depended
/// on how far each thread had got.
#[test]
fn diagnostics_do_not_depend_on_the_thread_count() {
    let mut csv = String::from("id,name,kind,growth\n");
    for i in 0..60_000 {
        let growth = if i % 2 == 0 { "5" } else { "" };
        csv.push_str(&format!("c{i:05},C{i},company,{growth}\n"));
    }
    let dir = project(&[
        ("datasets/schema.yaml", "attributes: { company: { growth: number } }\n"),
        ("datasets/u.csv", &csv),
        (
            "rules/r.yaml",
            "rule_set: r\nversion: 1\ndescription: R.\nkind: company\ncategories: { opportunity: 1 }\nfactors:\n\
             - { id: g, category: opportunity, weight: 1, description: G, input: { attribute: growth }, missing: fail }\n\
             gates:\n  - { id: boom, when: 'if e.id == \"c00100\" { e.id / 2 } else { false }', action: flag, reason: B }\n",
        ),
    ]);
    let runs: Vec<_> = ["1", "4"]
        .iter()
        .map(|t| {
            Thesis::new()
                .in_dir(dir.path())
                .args(["--diagnostic-format", "short", "--threads", t, "rank"])
                .run()
                .code(1)
        })
        .collect();
    assert_eq!(runs[0].stderr, runs[1].stderr);
    assert!(runs[0].stderr.contains("error[E302]: gate `boom` failed for `c00100`"), "{}", runs[0].stderr);
}

/// Regression: an exposure cell reading `inf` was taken for a headquarters marker.
#[test]
fn an_infinite_exposure_weight_is_a_bad_exposure() {
    let dir = project(&[
        (
            "datasets/schema.yaml",
            "attributes: { company: { growth: number } }\nentities:\n  - { id: s1, kind: segment, name: S1 }\n",
        ),
        ("datasets/u.csv", "id,name,kind,growth,segment:s1\nc1,C1,company,5,inf\n"),
        (
            "rules/r.yaml",
            "rule_set: r\nversion: 1\ndescription: R.\nkind: company\ncategories: { opportunity: 1 }\nfactors:\n  - { id: g, category: opportunity, weight: 1, description: G, input: { attribute: growth } }\n",
        ),
    ]);
    let run = Thesis::new().in_dir(dir.path()).args(["--diagnostic-format", "short", "check"]).run().code(1);
    assert!(run.stderr.contains("datasets/u.csv:2:17: error[E111]: exposure of `c1` to `s1` is inf"), "{}", run.stderr);
}

/// F-23 and F-24: the table says as of which day it is, and a capped rating names its gate.
#[test]
fn the_table_shows_the_view_date_and_which_gate_capped_a_rating() {
    // No shipped case is capped at the baseline (Huawei's 2023 filing was pending, not refused):
    // the fixture adds Baidu as if it had never filed.
    let run = crate::Thesis::new()
        .args(["--data", "datasets", "--data", "tests/fixtures/capped", "--as-of", "2025-12-31", "rank"])
        .run()
        .success();
    let first = run.stdout.lines().next().unwrap_or_default();
    assert!(first.contains(" · as of 2025-12-31 · "), "{first}");
    let capped = run.stdout.lines().find(|l| l.contains(" unfiled_baidu ")).unwrap_or_default();
    assert!(capped.contains("Neutral (capped: unfiled_service)"), "{capped}");
    let baidu = run.stdout.lines().find(|l| l.contains(" baidu ")).unwrap_or_default();
    assert!(!baidu.contains("capped"), "{baidu}");
}

/// F-22: a bare year or month is refused by --as-of: it would compare before facts dated in it.
#[test]
fn as_of_takes_a_day_not_a_period() {
    let run = crate::Thesis::new().args(["--as-of", "2025", "rank"]).run().code(2);
    assert!(run.stderr.contains("`2025` is a period, not a day: write YYYY-MM-DD, e.g. 2025-01-01"), "{}", run.stderr);
    let run = crate::Thesis::new().args(["--as-of", "2025-06", "rank"]).run().code(2);
    assert!(run.stderr.contains("e.g. 2025-06-01"), "{}", run.stderr);
}

/// 20 000 companies under a rule set without gates or adjustments: `rank --format csv` scores
/// them in segments from the last rows back, freeing the columns as it goes (see
/// `evaluate::segments`). The same rule set with an adjustment that never fires is scored in one
/// pass; the two rankings are the same bytes, and the JSON ranking (which keeps the columns for
/// its ledgers) has the same ranks, ratings and reason codes.
#[test]
fn a_ranking_scored_in_segments_is_the_one_pass_ranking() {
    let mut text = String::from("id,name,kind,growth,margin,leverage,debt\n");
    for i in 0..20_000u64 {
        let h = i.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 32;
        let cell =
            |v: u64, every: u64| if h % every == i % every && i % 5 == 0 { String::new() } else { v.to_string() };
        let (g, m, l, d) = (cell(h % 97, 3), cell(h % 41, 7), cell(h % 13, 11), cell(h % 1009, 2));
        text.push_str(&format!("c{i:05},C{i},company,{g},{m}.{},{l},{d}\n", h % 10));
    }
    let rules = "rule_set: plain\nversion: 1.0.0\ndescription: Four numbers.\nkind: company\nmissing: skip\nreason_codes: 2\n\
         categories: { growth: 60, risk: 40 }\nfactors:\n\
         \x20 - { id: growth, category: growth, weight: 3, description: g, input: { attribute: growth }, scale: { linear: { lo: 0, hi: 100, direction: higher } } }\n\
         \x20 - { id: margin, category: growth, weight: 1, description: m, input: { attribute: margin }, scale: minmax }\n\
         \x20 - { id: leverage, category: risk, weight: 2, description: l, input: { attribute: leverage }, scale: { linear: { lo: 0, hi: 12, direction: lower } } }\n\
         \x20 - { id: debt, category: risk, weight: 1, description: d, input: { attribute: debt }, scale: percentile }\n\
         ratings:\n  - { label: Up, min: 50, max: 100 }\n  - { label: Down, min: 0, max: 50 }\n";
    let never =
        "adjustments:\n  - { id: never, when: \"e.growth > 1000\", points: -1, missing: skip, reason: never fires }\n";
    let schema = "attributes: { company: { growth: number, margin: number, leverage: number, debt: number } }\n";
    let segmented =
        project(&[("datasets/schema.yaml", schema), ("datasets/companies.csv", &text), ("rules/r.yaml", rules)]);
    let one_pass = project(&[
        ("datasets/schema.yaml", schema),
        ("datasets/companies.csv", &text),
        ("rules/r.yaml", &format!("{rules}{never}")),
    ]);
    let rank = |dir: &tempfile::TempDir, format: &str| {
        Thesis::new().in_dir(dir.path()).args(["rank", "--format", format]).run().success().stdout
    };
    let csv = rank(&segmented, "csv");
    assert_eq!(csv.lines().count(), 20_001, "a header and every company");
    assert!(csv.lines().any(|l| l.contains(",0,ranked,")), "some rows have nothing backed");
    assert_eq!(csv, rank(&one_pass, "csv"), "the same ranking scored in one pass");
    let v: serde_json::Value = serde_json::from_str(&rank(&segmented, "json")).expect("json");
    let entries = ["ranked", "not_rated", "excluded"].iter().flat_map(|list| v[list].as_array().expect(list).iter());
    let by_id: std::collections::HashMap<&str, &serde_json::Value> =
        entries.map(|e| (e["id"].as_str().expect("id"), e)).collect();
    let mut lines = csv.lines();
    let header: Vec<&str> = lines.next().expect("header").split(',').collect();
    let col = |name: &str| header.iter().position(|h| *h == name).unwrap_or_else(|| panic!("no column {name}"));
    for line in lines {
        let cells: Vec<&str> = line.split(',').collect();
        let e = by_id[cells[col("id")]];
        assert_eq!(cells[col("rank")], e["rank"].to_string(), "rank of {line}");
        assert_eq!(cells[col("rating")], e["rating"].as_str().unwrap_or(""), "rating of {line}");
        assert_eq!(cells[col("status")], e["status"].as_str().expect("status"), "status of {line}");
        let reasons: Vec<&str> = e["reason_codes"]
            .as_array()
            .expect("reasons")
            .iter()
            .map(|r| r["factor"].as_str().expect("factor"))
            .collect();
        assert_eq!(cells[col("reason_codes")], reasons.join(";"), "reason codes of {line}");
    }
}
