//! `thesis explain`: the ledger, as text and JSON.

use crate::{Thesis, fixture};

fn context() -> Thesis {
    Thesis::new()
        .args(["--rules".as_ref(), fixture("check/context/rules").as_os_str()])
        .args(["--data".as_ref(), fixture("check/context/datasets").as_os_str()])
}

#[test]
fn the_text_ledger_shows_every_factor_with_its_evidence() {
    let run = context().args(["explain", "c1"]).run().success();
    insta::assert_snapshot!(run.stdout);
}

#[test]
fn json_ledgers_carry_provenance_and_related_entities() {
    let run = context().args(["explain", "c1", "s2", "--format", "json"]).run().success();
    let v: serde_json::Value = serde_json::from_str(&run.stdout).expect("json");
    assert_eq!(v.as_array().map(Vec::len), Some(2));
    let growth = &v[0]["factors"][0];
    assert_eq!(growth["evidence"][0]["source"], "annual report");
    assert_eq!(growth["evidence"][0]["period"], "2024-12-31", "`as_of:` is read as the period");
    assert_eq!(growth["evidence"][0]["grade"], "A");
    let segments =
        v[0]["factors"].as_array().expect("factors").iter().find(|f| f["id"] == "segments").expect("segments");
    assert_eq!(segments["related"].as_array().map(Vec::len), Some(2));
    assert_eq!(segments["related"][0]["id"], "s1");
    assert_eq!(v[1]["kind"], "segment");
}

#[test]
fn an_unknown_id_is_a_usage_error_with_a_suggestion() {
    let run = context().args(["explain", "c11"]).run().code(2);
    assert!(run.stderr.contains("no entity has id `c11` (did you mean `c1`?)"), "{}", run.stderr);
}

#[test]
fn descriptive_attributes_appear_in_the_profile_not_in_the_score() {
    let dir = crate::project(&[
        (
            "datasets/d.yaml",
            "attributes:\n  company:\n    growth: number\n    developer: { type: text, descriptive: true }\nkind: company\nentities:\n\
             - { id: a, name: A, attributes: { growth: 5, developer: { value: Lab A, source: filing, grade: A } } }\n",
        ),
        (
            "rules/r.yaml",
            "rule_set: r\nversion: 1\ndescription: R.\nkind: company\ncategories: { opportunity: 1 }\nfactors:\n\
             - { id: g, category: opportunity, weight: 1, description: G, input: { attribute: growth }, scale: { linear: { lo: 0, hi: 10 } } }\n",
        ),
    ]);
    let run = Thesis::new().in_dir(dir.path()).args(["explain", "a", "--format", "json"]).run().success();
    let v: serde_json::Value = serde_json::from_str(&run.stdout).expect("json");
    assert_eq!(v[0]["profile"][0]["attribute"], "developer");
    assert_eq!(v[0]["profile"][0]["value"], "Lab A");
    assert_eq!(v[0]["profile"][0]["source"], "filing");
    assert_eq!(v[0]["score"], 50.0);
    let text = Thesis::new().in_dir(dir.path()).args(["explain", "a"]).run().success();
    assert!(
        text.stdout.contains("profile (context, not scored)\n    developer = Lab A (source: filing; grade A)"),
        "{}",
        text.stdout
    );
}

#[test]
fn a_gate_fired_by_its_missing_policy_says_so() {
    let dir = crate::project(&[
        (
            "datasets/d.yaml",
            "attributes:\n  company:\n    growth: number\n    listed: bool\nkind: company\nentities:\n\
             - { id: a, name: A, attributes: { growth: 5 } }\n",
        ),
        (
            "rules/r.yaml",
            "rule_set: r\nversion: 1\ndescription: R.\nkind: company\ncategories: { opportunity: 1 }\nfactors:\n\
             - { id: g, category: opportunity, weight: 1, description: G, input: { attribute: growth }, scale: { linear: { lo: 0, hi: 10 } } }\n\
             gates:\n  - { id: unlisted, when: '!e.listed', action: flag, reason: Not listed, missing: fire }\n\
             adjustments:\n  - { id: haircut, when: '!e.listed', points: -5, reason: Illiquid, missing: fire }\n",
        ),
    ]);
    let run = Thesis::new().in_dir(dir.path()).args(["explain", "a", "--format", "json"]).run().success();
    let v: serde_json::Value = serde_json::from_str(&run.stdout).expect("json");
    assert_eq!(v[0]["gates"][0]["state"], "fired_on_missing");
    assert_eq!(v[0]["gates"][0]["evidence"][0]["attribute"], "listed", "the facts the condition read");
    assert_eq!(v[0]["gates"][0]["evidence"][0]["value"], serde_json::Value::Null);
    assert_eq!(v[0]["gates"][0]["fired"], true);
    assert_eq!(v[0]["flags"][0], "unlisted");
    assert_eq!(v[0]["adjustments"][0]["state"], "fired_on_missing");
    assert_eq!(v[0]["score"], 45.0);
}

/// F-32: coverage counts data present; the explanation also says how much of it cites a
/// source, so a company described by bare values does not look as well backed as one that is
/// sourced fact by fact.
#[test]
fn explain_separates_sourced_facts_from_bare_values() {
    let bare = crate::Thesis::new()
        .args(["--data", "datasets", "--data", "tests/fixtures/growth", "explain", "deepseek"])
        .run()
        .success();
    let line = bare.stdout.lines().find(|l| l.starts_with("facts behind the score: ")).unwrap_or_default();
    assert!(line.contains(" unsourced (bare values)"), "{}", bare.stdout);
    let sourced = crate::Thesis::new().args(["explain", "baidu"]).run().success();
    let line = sourced.stdout.lines().find(|l| l.starts_with("facts behind the score: ")).unwrap_or_default();
    assert!(line.contains(" sourced") && !line.contains("(bare values)") && line.contains("unsourced 0.0%"), "{line}");
}

#[test]
fn csv_gives_the_ledgers_factor_rows_with_the_numbers_of_the_json_ledger() {
    let csv = context().args(["explain", "c1", "s2", "--format", "csv"]).run().success().stdout;
    let json = context().args(["explain", "c1", "s2", "--format", "json"]).run().success().stdout;
    let v: serde_json::Value = serde_json::from_str(&json).expect("json");
    let mut lines = csv.lines();
    assert_eq!(lines.next(), Some("id,kind,factor,category,raw,points,weight,share,contribution,lost,state"));
    let rows: Vec<Vec<&str>> = lines.map(|l| l.split(',').collect()).collect();
    let factors: Vec<(&serde_json::Value, &serde_json::Value)> = v
        .as_array()
        .expect("ledgers")
        .iter()
        .flat_map(|l| l["factors"].as_array().expect("factors").iter().map(move |f| (l, f)))
        .collect();
    assert_eq!(rows.len(), factors.len());
    for (row, (l, f)) in rows.iter().zip(&factors) {
        assert_eq!(
            (row[0], row[1], row[2]),
            (l["id"].as_str().unwrap_or(""), l["kind"].as_str().unwrap_or(""), f["id"].as_str().unwrap_or(""))
        );
        let num = |s: &str| s.parse::<f64>().expect("number");
        assert_eq!(num(row[8]), f["contribution"].as_f64().expect("contribution"), "{row:?}");
        assert_eq!(row[10], f["state"]);
    }
    assert_eq!(&rows[0][2..6], ["growth", "opportunity", "12.5", "25"]);
}
