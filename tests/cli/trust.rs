//! Ratings you can trust: score bounds and firm/provisional ratings, coverage floors and the
//! `not_rated` gate, near-ties, in `rank` (table, CSV, JSON) and `explain`, on
//! tests/fixtures/trust (four kinds of entity: full data, partial, below a floor, unlisted).

use crate::{Thesis, fixture};

fn trust() -> Thesis {
    Thesis::new()
        .args(["--rules".as_ref(), fixture("trust/rules").as_os_str()])
        .args(["--data".as_ref(), fixture("trust/datasets").as_os_str()])
}

fn json(args: &[&str]) -> serde_json::Value {
    let run = trust().args(args).run().success();
    serde_json::from_str(&run.stdout).expect("one JSON document")
}

fn entity<'a>(doc: &'a serde_json::Value, list: &str, id: &str) -> &'a serde_json::Value {
    doc[list].as_array().expect("a list").iter().find(|e| e["id"] == id).unwrap_or_else(|| panic!("{id} in {list}"))
}

#[test]
fn the_rank_table_shows_bounds_firmness_near_ties_and_the_not_rated_apart() {
    let run = trust().args(["rank"]).run().success();
    insta::assert_snapshot!(run.stdout);
}

#[test]
fn json_carries_bounds_firm_and_not_rated_status_with_its_reason() {
    let doc = json(&["rank", "--format", "json"]);
    assert_eq!(doc["not_rated_count"], 4);
    let full = entity(&doc, "ranked", "full");
    assert_eq!(full["bounds"]["lo"], full["score"], "full coverage: lo = score");
    assert_eq!(full["bounds"]["hi"], full["score"], "full coverage: hi = score");
    assert_eq!(full["firm"], true);
    let partial = entity(&doc, "ranked", "partial");
    assert_eq!(partial["bounds"]["lo"], 66.0);
    assert_eq!(partial["bounds"]["hi"], 86.0);
    assert_eq!(partial["near_tie"], true, "66–86 overlaps full's 82");
    let private = entity(&doc, "not_rated", "private");
    assert_eq!(private["status"], "not_rated");
    assert_eq!(private["reason"], "No listed security an investor can buy");
    assert_eq!(private["not_rated_by"], "unlisted");
    assert_eq!(private["rating"], serde_json::Value::Null);
    assert_eq!(private["score"], 60.0, "the score is still computed");
    let thin = entity(&doc, "not_rated", "thin");
    assert_eq!(thin["not_rated_by"], "coverage");
    assert!(thin["reason"].as_str().expect("reason").contains("below the floor of 70%"));
    let riskonly = entity(&doc, "not_rated", "riskonly");
    assert_eq!(riskonly["not_rated_by"], "coverage:risk");
    assert_eq!(riskonly["coverage"], 0.8);
    let riskgap = entity(&doc, "not_rated", "riskgap");
    assert_eq!(riskgap["not_rated_by"], "coverage", "riskonly's data, but margin is a bare value");
    let basis = &riskgap["basis"];
    let share = |k: &str| basis[k].as_f64().expect("a share");
    assert!((share("sourced") - 0.6).abs() < 1e-12 && (share("unsourced") - 0.2).abs() < 1e-12, "{basis}");
    assert_eq!(entity(&doc, "ranked", "partial")["basis"]["judged"], 0.2, "leverage is a judgment");
    let grade_c = entity(&doc, "not_rated", "private")["basis"]["grade_c"].as_f64().expect("a share");
    assert!(
        (grade_c - 0.8).abs() < 1e-12,
        "three grade C facts of four, growth (2) margin and leverage (1 each) of 5: {grade_c}"
    );
}

#[test]
fn a_profile_overrides_the_floors() {
    let doc = json(&["rank", "--format", "json", "--rule-set", "trust-lenient"]);
    assert_eq!(doc["not_rated_count"], 1, "only the not_rated gate is left");
    let thin = entity(&doc, "ranked", "thin");
    assert_eq!(thin["firm"], false, "60–100 spans two bands");
    assert_eq!(entity(&doc, "ranked", "riskgap")["status"], "ranked");
}

#[test]
fn csv_has_lo_hi_firm_and_near_tie_columns() {
    let run = trust().args(["rank", "--format", "csv"]).run().success();
    let header = run.stdout.lines().next().expect("a header");
    assert!(header.starts_with("rank,id,name,kind,score,rating,firm,lo,hi,near_tie,coverage,status"), "{header}");
    assert!(run.stdout.contains("\n,thin,Thin Data,company,100,,,60,100,false,0.6,not_rated,"), "{}", run.stdout);
}

#[test]
fn explain_shows_the_bounds_derivation_and_a_not_rated_score() {
    let run = trust().args(["explain", "thin"]).run().success();
    assert!(run.stdout.contains("score 100.00 = base 100.00"), "{}", run.stdout);
    assert!(run.stdout.contains("rating not rated (the score alone rates Overweight)"), "{}", run.stdout);
    assert!(
        run.stdout.contains(
            "bounds 60.00 – 100.00: factors without observed data at their least and most points (margin 0–100, leverage 0–100)"
        ),
        "{}",
        run.stdout
    );
    assert!(!run.stdout.contains("capped"), "a withheld rating is not a cap: {}", run.stdout);
    let full = trust().args(["explain", "full"]).run().success();
    assert!(full.stdout.contains("rating Overweight (firm)"), "{}", full.stdout);
    assert!(full.stdout.contains("bounds 82.00 – 82.00: every factor has observed data"), "{}", full.stdout);
}

#[test]
fn rule_tests_assert_firmness_bounds_and_status() {
    let run = trust().args(["test"]).run().success();
    assert!(run.stdout.contains("5 passed, 0 failed"), "{}", run.stdout);
}

#[test]
fn a_wrong_firmness_bounds_or_status_expectation_fails_and_says_what_it_saw() {
    let dir = tempfile::tempdir().expect("temp dir");
    let case = "rule_set: trust-company\ncases:\n  - name: wrong\n    entity: thin\n    expect:\n      status: ranked\n      firm: true\n      bounds: { lo: 90 }\n";
    std::fs::write(dir.path().join("wrong.yaml"), case).expect("write the case");
    let run = trust().args(["test".as_ref(), dir.path().join("wrong.yaml").as_os_str()]).run().code(1);
    insta::assert_snapshot!(run.stdout.replace(&dir.path().display().to_string(), "<tmp>"));
}

/// A bare value (no source, no judgment) scores, but backs no coverage and no coverage floor,
/// and bounds like missing data: riskgap is riskonly with margin given bare.
#[test]
fn an_unsourced_value_covers_nothing_and_bounds_like_missing_data() {
    let doc = json(&["rank", "--format", "json"]);
    let (gap, only) = (entity(&doc, "not_rated", "riskgap"), entity(&doc, "not_rated", "riskonly"));
    assert_eq!(gap["score"], only["score"], "the bare margin still scores: 0.6·(2·60 + 87.5)/3 + 0.4·100");
    assert_eq!(gap["score"], 81.5);
    assert_eq!(gap["coverage"], 0.6, "growth 0.4 + listed 0.2; margin's 0.2 is not covered");
    assert!(gap["reason"].as_str().expect("reason").contains("60.0% of the weight is backed by data"), "{gap}");
    // margin and leverage range 0–100: lo = 0.6·(120 + 0)/3 + 0.4·(0 + 100)/2 = 44,
    // hi = 0.6·(120 + 100)/3 + 0.4·100 = 84; riskonly's margin is fixed at 87.5.
    assert_eq!(gap["bounds"]["lo"], 44.0);
    assert_eq!(gap["bounds"]["hi"], 84.0);
    assert_eq!(only["bounds"]["lo"], 61.5);
    assert_eq!(only["bounds"]["hi"], 81.5);
}

#[test]
fn check_names_each_unsourced_value_at_its_place() {
    let run = trust().args(["--diagnostic-format", "short", "check"]).run().success();
    let w701: Vec<&str> = run.stderr.lines().filter(|l| l.contains("warning[W701]")).collect();
    assert_eq!(w701.len(), 1, "{}", run.stderr);
    assert!(
        w701[0].contains("companies.yaml:30:15: warning[W701]: `riskgap`'s `margin` (35) feeds factor `margin`"),
        "{}",
        run.stderr
    );
}

/// Each row's acceptability shares and their sum, by id, from `robust --analyses smaa`.
fn acceptability(extra: &[&str]) -> std::collections::BTreeMap<String, (Vec<f64>, f64)> {
    let mut args = vec!["robust", "--analyses", "smaa", "--samples", "20000", "--ranks", "5", "--format", "json"];
    args.extend_from_slice(extra);
    let doc = json(&args);
    let rows = doc["smaa"]["entities"].as_array().expect("entities").iter();
    rows.map(|e| {
        let shares: Vec<f64> =
            e["acceptability"].as_array().expect("shares").iter().filter_map(|x| x.as_f64()).collect();
        let sum = shares.iter().sum();
        (e["id"].as_str().expect("id").to_string(), (shares, sum))
    })
    .collect()
}

/// Under the category weights SMAA varies by default, no sample lifts a floored entity over
/// its floor (thin and riskgap cover at most 2/3 < 70% whatever the categories weigh; riskonly's
/// risk coverage, 1/2 < 60%, does not depend on them): they stay not rated, with no rank.
#[test]
fn robust_keeps_an_entity_below_a_coverage_floor_unranked_under_varied_weights() {
    let a = acceptability(&[]);
    for id in ["thin", "riskgap", "riskonly"] {
        assert_eq!(a[id].1, 0.0, "{id} never ranks: {:?}", a[id]);
    }
    assert!(!a.contains_key("private"), "a not_rated gate holds under any weights");
    assert!((a["full"].1 - 1.0).abs() < 1e-12, "{a:?}");
    // partial (margin missing) covers 2/3·x + (1 − x) with opportunity's share x uniform: it
    // falls below 70% when x > 0.9, and is not rated in those samples.
    assert!((a["partial"].1 - 0.9).abs() < 4.0 * 0.0022, "{a:?}");
}

/// Coverage moves with the factor weights: varying the risk factors (Dirichlet(1, 1) over
/// leverage and listed; leverage is missing for thin, riskgap and riskonly) gives listed a
/// share w of risk. riskonly meets its risk floor when w ≥ 0.6 (probability 0.4); thin and
/// riskgap, with 2/3 of opportunity backed, reach 70% overall when 0.4 + 0.4·w ≥ 0.7, w ≥ 0.75
/// (probability 0.25). Within four standard errors of 20,000 samples (≤ 0.0035 each).
#[test]
fn robust_rates_a_floored_entity_only_in_the_samples_whose_weights_meet_the_floor() {
    let a = acceptability(&["--vary", "risk"]);
    let near = |id: &str, p: f64| assert!((a[id].1 - p).abs() < 4.0 * 0.0035, "{id}: {:?} vs {p}", a[id]);
    near("riskonly", 0.4);
    near("thin", 0.25);
    near("riskgap", 0.25);
    assert_eq!(a["thin"].0[0], a["thin"].1, "thin (100 points) is first whenever it is rated");
}
