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
    assert_eq!(growth["evidence"][0]["as_of"], "2024-12-31");
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
