//! Point in time: series resolved at a view date (the README's worked example as the golden
//! look-ahead test), restatements and withheld facts in the ledger, the derived view date, the
//! view date in scripts, and `--as-of` refusing anything but a day on every command.

use serde_json::Value;

use crate::{Thesis, fixture};

fn pit() -> Thesis {
    Thesis::new()
        .args(["--rules".as_ref(), fixture("pit/rules").as_os_str()])
        .args(["--data".as_ref(), fixture("pit/datasets").as_os_str()])
}

fn ledger(as_of: Option<&str>, id: &str) -> Value {
    let mut t = pit();
    if let Some(d) = as_of {
        t = t.args(["--as-of", d]);
    }
    let run = t.args(["explain", id, "--format", "json"]).run().success();
    let v: Value = serde_json::from_str(&run.stdout).expect("json");
    v[0].clone()
}

fn evidence(l: &Value, attr: &str) -> Value {
    for f in l["factors"].as_array().expect("factors") {
        for e in f["evidence"].as_array().expect("evidence") {
            if e["attribute"] == attr {
                return e.clone();
            }
        }
    }
    panic!("no evidence {attr} in {l}")
}

/// The classic look-ahead bug (ML4T #376): Q4 filed late with the annual report must not
/// displace the fresher Q1 already known; a restatement replaces its period's figure.
#[test]
fn golden_look_ahead_the_freshest_period_known_wins() {
    let used = |d: &str| evidence(&ledger(Some(d), "acme"), "revenue_growth");
    let jan = used("2025-01-31");
    assert_eq!((jan["value"].clone(), jan["withheld"].clone()), (Value::from("12.9"), Value::Bool(true)), "{jan}");
    assert_eq!(used("2025-03-01")["value"], "12", "the only publication of Q4 so far");
    let restated = used("2025-03-14");
    assert_eq!(restated["value"], "12.6");
    assert_eq!(restated["previously"]["value"], "12", "{restated}");
    let may = used("2025-05-01");
    assert_eq!(may["value"], "12.9", "Q1 stays: the late annual report of Q4 does not displace it: {may}");
    assert_eq!(may["period"], "2025-03-31");
}

#[test]
fn the_ledger_names_the_restatement_and_what_is_not_yet_known() {
    let text = pit().args(["--as-of", "2025-03-14", "explain", "acme"]).run().success().stdout;
    assert!(text.contains("restated 2025-03-14; previously 12"), "{text}");
    assert!(text.contains("not yet published at the view date: 12.9 (published 2025-04-20)"), "{text}");
    let text = pit().args(["--as-of", "2025-07-01", "explain", "acme"]).run().success().stdout;
    assert!(text.contains("scheduled: true from 2025-09-15 (known since 2025-06-02)"), "{text}");
    let early = pit().args(["--as-of", "2025-01-31", "explain", "acme", "--format", "json"]).run().success().stdout;
    assert!(early.contains("published 2025-04-20, after the view date 2025-01-31"), "{early}");
}

#[test]
fn without_as_of_the_view_date_is_the_latest_publication_and_every_output_names_it() {
    let table = pit().args(["rank"]).run().success().stdout;
    // bolt's H1 report (2025-08-15) is the latest publication; acme's listing on 2025-09-15 was
    // announced on 2025-06-02 and is scheduled at that view, not a reason to view the future.
    assert!(table.starts_with("company ranking · rule set pit-company 1.0.0 · as of 2025-08-15 ·"), "{table}");
    let json: Value =
        serde_json::from_str(&pit().args(["rank", "--format", "json"]).run().success().stdout).expect("json");
    assert_eq!(json["as_of"], "2025-08-15");
    let l = ledger(None, "bolt");
    assert_eq!(evidence(&l, "revenue_growth")["value"], "18");
}

#[test]
fn expressions_measure_durations_from_the_view_date() {
    let points = |d: &str| {
        let l = ledger(Some(d), "acme");
        let f = l["factors"].as_array().expect("factors").iter().find(|f| f["id"] == "freshness").cloned();
        f.expect("freshness")["raw"].as_f64().expect("raw")
    };
    assert_eq!(points("2025-03-01"), 2.0, "2025-01 → 2025-03");
    assert_eq!(points("2025-12-31"), 11.0);
}

#[test]
fn as_of_takes_only_a_complete_day_on_every_command() {
    let commands: [&[&str]; 6] = [
        &["rank"],
        &["explain", "acme"],
        &["check"],
        &["test"],
        &["memo", "--out", "/nonexistent"],
        &["diff", "--base", "HEAD"],
    ];
    for cmd in commands {
        for bad in ["2025", "2025-06", "2025-02-30", "yesterday"] {
            let run = pit().args(["--as-of", bad]).args(cmd).run();
            assert_eq!(run.code, 2, "{cmd:?} --as-of {bad}: {}", run.stderr);
            assert!(run.stderr.contains("YYYY-MM-DD"), "{cmd:?} --as-of {bad}: {}", run.stderr);
        }
    }
}

#[test]
fn a_series_with_a_repeated_observation_or_two_period_keys_is_an_error() {
    let dir = tempfile::tempdir().expect("tempdir");
    let data = dir.path().join("bad.yaml");
    std::fs::write(
        &data,
        "kind: company\nentities:\n  - id: c1\n    name: C1\n    attributes:\n      revenue_growth:\n        series:\n          - { value: 1, period: 2024-12-31 }\n          - { value: 2, period: 2024-12-31, published: 2024-12-31 }\n      listed: { value: true, as_of: 2020, period: 2020 }\n",
    )
    .expect("write");
    let run = pit().args(["--data".as_ref(), data.as_os_str()]).args(["--diagnostic-format", "short", "check"]).run();
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("error[E611]: `revenue_growth` has two observations for period 2024-12-31 published 2024-12-31"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("error[E610]"), "{}", run.stderr);
}

const DATES: &str = "2025-01-31,2025-03-14,2025-05-01,2025-08-31";

#[test]
fn history_lists_each_rating_change_with_the_facts_and_factors_that_moved_it() {
    let text = pit().args(["history", "--dates", DATES]).run().success().stdout;
    assert!(text.starts_with("company history · rule set pit-company 1.0.0 · as of 2025-01-31, 2025-03-14,"), "{text}");
    assert!(text.contains("rating changes (2)"), "{text}");
    assert!(text.contains(" bolt 2025-05-01 → 2025-08-31: Neutral → Overweight (+36.88)"), "{text}");
    assert!(
        text.contains("    fact revenue_growth: 2 → 18 (H1 report; period 2025-06-30; published 2025-08-15)"),
        "{text}"
    );
    assert!(text.contains("    factor growth: +40.00 points"), "{text}");
    assert!(text.contains(" bolt  improving (+36.88 since 2025-05-01)"), "{text}");
    assert!(
        text.contains(
            " acme  deteriorating (-3.12 since 2025-05-01) · watch: Overweight once listed = true from 2025-09-15"
        ),
        "{text}"
    );
}

#[test]
fn history_json_and_csv_carry_every_date_and_the_outlook() {
    let run = pit().args(["history", "acme", "--dates", DATES, "--format", "json"]).run().success();
    let v: Value = serde_json::from_str(&run.stdout).expect("json");
    let acme = &v["entities"][0];
    assert_eq!(acme["points"].as_array().map(Vec::len), Some(4));
    assert_eq!(acme["points"][1]["score"].as_f64().map(|x| (x * 100.0).round()), Some(5442.0));
    assert_eq!(acme["outlook"]["watch"], true);
    assert_eq!(acme["outlook"]["scheduled"][0]["attribute"], "listed");
    let csv = pit().args(["history", "--dates", DATES, "--format", "csv"]).run().success().stdout;
    assert_eq!(csv.lines().next(), Some("id,name,date,score,rank,rating,status"));
    assert_eq!(csv.lines().count(), 1 + 2 * 4);
    assert!(csv.contains("bolt,Bolt Models,2025-08-31,80.41666666666667,1,Overweight,ranked"), "{csv}");
}

#[test]
fn history_schedules_month_ends_and_is_the_same_on_one_thread_and_four() {
    let args = ["history", "--from", "2025-01-01", "--to", "2025-09-15", "--every", "quarter", "--format", "json"];
    let one = pit().args(["--threads", "1"]).args(args).run().success().stdout;
    let four = pit().args(["--threads", "4"]).args(args).run().success().stdout;
    assert_eq!(one, four);
    let v: Value = serde_json::from_str(&one).expect("json");
    let dates: Vec<&str> = v["dates"].as_array().expect("dates").iter().filter_map(Value::as_str).collect();
    assert_eq!(dates, ["2025-01-31", "2025-04-30", "2025-07-31", "2025-09-15"]);
    let run = pit().args(["history", "nobody", "--dates", "2025-01-31"]).run();
    assert_eq!(run.code, 2, "{}", run.stderr);
}

#[test]
fn the_shipped_history_shows_real_movement_with_real_causes() {
    let run = Thesis::new().args(["history", "--dates", "2023-12-31,2024-12-31,2025-12-31", "--format", "json"]).run();
    let v: Value = serde_json::from_str(&run.success().stdout).expect("json");
    let changes: usize =
        v["entities"].as_array().expect("entities").iter().map(|e| e["changes"].as_array().map_or(0, Vec::len)).sum();
    assert!(changes > 0, "no rating moved over three years: {v}");
    let with_facts = v["entities"]
        .as_array()
        .expect("entities")
        .iter()
        .flat_map(|e| e["changes"].as_array().cloned().unwrap_or_default())
        .filter(|c| c["facts"].as_array().is_some_and(|f| !f.is_empty()))
        .count();
    assert!(with_facts > 0, "rating changes name the facts that changed: {v}");
}

#[test]
fn diff_across_dates_names_both_view_dates_and_the_facts_that_changed() {
    let run = pit().args(["--as-of", "2025-08-31", "diff", "--base-as-of", "2025-05-01"]).run().success();
    assert!(
        run.stdout.starts_with("company diff · working tree (pit-company 1.0.0, as of 2025-05-01) → working tree (pit-company 1.0.0, as of 2025-08-31)"),
        "{}",
        run.stdout
    );
    let json = pit().args(["--as-of", "2025-08-31", "diff", "--base-as-of", "2025-05-01", "--format", "json"]).run();
    let v: Value = serde_json::from_str(&json.success().stdout).expect("json");
    let bolt = v["changes"].as_array().expect("changes").iter().find(|c| c["id"] == "bolt").cloned().expect("bolt");
    assert_eq!(bolt["facts"][0]["attribute"], "revenue_growth");
    assert_eq!((bolt["facts"][0]["from"].clone(), bolt["facts"][0]["to"].clone()), ("2".into(), "18".into()));
    assert_eq!(bolt["facts"][0]["published"], "2025-08-15");
    let want = "revenue_growth: 2 → 18 (H1 report; period 2025-06-30; published 2025-08-15)";
    assert!(run.stdout.contains(&format!("\nchanged facts\n  bolt  {want}\n")), "{}", run.stdout);
    let md = pit().args(["--as-of", "2025-08-31", "diff", "--base-as-of", "2025-05-01", "--format", "markdown"]).run();
    assert!(
        md.success().stdout.contains(&format!("**Changed facts**\n\n- `bolt` {want}\n")),
        "markdown lists them too"
    );
}

#[test]
fn diff_reproduces_a_past_rating_with_the_rules_of_a_revision_and_the_facts_of_its_date() {
    let run = Thesis::new().args(["diff", "--base", "HEAD", "--base-as-of", "2024-12-31", "--format", "json"]).run();
    let v: Value = serde_json::from_str(&run.success().stdout).expect("json");
    let first = if v.is_array() { v[0].clone() } else { v };
    assert_eq!(first["base"]["label"], "HEAD");
    assert_eq!(first["base"]["as_of"], "2024-12-31");
    assert!(first["head"]["as_of"].as_str().is_some_and(|d| d > "2024-12-31"), "{first}");
}

#[test]
fn the_ledger_shows_the_outlook_and_the_watch_from_a_scheduled_listing() {
    let text = pit().args(["--as-of", "2025-08-31", "explain", "acme"]).run().success().stdout;
    assert!(
        text.contains(
            "outlook: stable (-0.04 since 2024-08-31) · watch: Overweight once listed = true from 2025-09-15"
        ),
        "{text}"
    );
    let l = ledger(Some("2025-08-31"), "bolt");
    assert_eq!(l["outlook"]["direction"], "deteriorating", "a year of ageing releases outweighs the growth: {l}");
    assert_eq!(l["outlook"]["watch"], false);
}
