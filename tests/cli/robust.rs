//! `thesis robust` against references: with one category, min-max scales and a weighted sum,
//! the one-at-a-time top entities and Kendall values and the leave-one-out results equal
//! pymcdm 1.4's, and SMAA-2 acceptabilities agree with an independent numpy computation within
//! four Monte Carlo standard errors (`tests/fixtures/robust/reference.py` and its output).

use serde_json::Value;

use crate::{Thesis, fixture};

fn robust(dir: &str, args: &[&str]) -> crate::Run {
    Thesis::new()
        .args(["--rules".as_ref(), fixture(&format!("{dir}/rules")).as_os_str()])
        .args(["--data".as_ref(), fixture(&format!("{dir}/datasets")).as_os_str()])
        .arg("robust")
        .args(args)
        .run()
}

fn reference() -> Value {
    let text = std::fs::read_to_string(fixture("robust/reference.json")).expect("reference.json");
    serde_json::from_str(&text).expect("reference JSON")
}

fn report(args: &[&str]) -> Value {
    let run = robust("robust", &[&["--format", "json"], args].concat()).success();
    serde_json::from_str(&run.stdout).expect("robust JSON")
}

#[test]
fn the_json_document_has_the_four_analyses_as_its_keys() {
    let r = report(&["--samples", "100"]);
    let mut keys: Vec<&str> = r.as_object().expect("object").keys().map(String::as_str).collect();
    keys.sort_unstable();
    assert_eq!(keys, ["flips", "leave_one_out", "oat", "smaa"]);
    let flip = &r["flips"][0];
    for key in ["entity", "factor", "direction", "points"] {
        assert!(flip.get(key).is_some(), "{flip}");
    }
}

#[test]
fn one_at_a_time_tops_and_kendall_equal_pymcdm() {
    let ours = report(&["--analyses", "oat"]);
    let theirs = reference();
    let (ours, theirs) = (ours["oat"].as_array().expect("oat"), theirs["oat"].as_array().expect("oat"));
    assert_eq!(ours.len(), theirs.len());
    for (o, t) in ours.iter().zip(theirs) {
        assert_eq!(o["weight"], t["weight"]);
        assert!((o["delta"].as_f64().expect("delta") - t["delta"].as_f64().expect("delta")).abs() < 1e-12);
        assert_eq!(o["top"], t["top"], "{o} vs {t}");
        let (a, b) = (o["kendall_tau"].as_f64().expect("tau"), t["kendall_tau"].as_f64().expect("tau"));
        assert!((a - b).abs() < 1e-9, "{o} vs {t}");
    }
}

#[test]
fn leave_one_out_equals_pymcdm() {
    let ours = report(&["--analyses", "loo"]);
    let theirs = reference();
    let (ours, theirs) =
        (ours["leave_one_out"].as_array().expect("loo"), theirs["leave_one_out"].as_array().expect("loo"));
    assert_eq!(ours.len(), 7);
    for t in theirs {
        let o = ours.iter().find(|o| o["removed"] == t["removed"]).expect("removed");
        assert_eq!(o["order_changed"], t["order_changed"], "{o} vs {t}");
        let (a, b) = (o["spearman"].as_f64().expect("rho"), t["spearman"].as_f64().expect("rho"));
        assert!((a - b).abs() < 1e-9, "{o} vs {t}");
    }
    assert!(ours.iter().any(|o| o["order_changed"] == true), "the fixture shows rank reversal");
}

#[test]
fn smaa_acceptabilities_agree_with_numpy_within_four_standard_errors() {
    let ours = report(&["--analyses", "smaa", "--samples", "20000", "--seed", "11"]);
    let theirs = reference();
    let (ours, theirs) = (&ours["smaa"]["entities"], &theirs["smaa"]["entities"]);
    let mut compared = 0;
    for t in theirs.as_array().expect("entities") {
        let o = ours.as_array().expect("entities").iter().find(|o| o["id"] == t["id"]).expect("entity");
        let shares = |v: &Value, key: &str| -> Vec<f64> {
            v[key].as_array().expect(key).iter().map(|x| x.as_f64().expect("share")).collect()
        };
        let (a, sa) = (shares(o, "acceptability"), shares(o, "standard_error"));
        let (b, sb) = (shares(t, "acceptability"), shares(t, "standard_error"));
        assert_eq!(a.len(), 7, "every rank of seven");
        for r in 0..7 {
            let se = (sa[r] * sa[r] + sb[r] * sb[r]).sqrt().max(1e-4);
            assert!((a[r] - b[r]).abs() <= 4.0 * se, "{} rank {}: {} vs {} (s.e. {se})", t["id"], r + 1, a[r], b[r]);
            compared += 1;
        }
    }
    assert_eq!(compared, 49);
}

#[test]
fn smaa_with_a_seed_is_byte_identical_for_one_and_two_threads() {
    let run = |threads: &str| {
        Thesis::new()
            .args(["--threads", threads])
            .args(["--rules".as_ref(), fixture("robust/rules").as_os_str()])
            .args(["--data".as_ref(), fixture("robust/datasets").as_os_str()])
            .args(["robust", "--format", "json", "--samples", "5003", "--seed", "3"])
            .run()
            .success()
            .stdout
    };
    assert_eq!(run("1"), run("2"));
}

#[test]
fn flips_name_the_raw_value_and_csv_and_table_carry_them() {
    let run = robust("robust/scales", &["--analyses", "flips", "--format", "csv"]).success();
    assert!(run.stdout.starts_with("analysis,entity,item,direction,delta,rank,number,error,text\n"), "{}", run.stdout);
    assert!(run.stdout.contains("flips,capped,growth,up,,,,,capped: unfiled\n"), "{}", run.stdout);
    let listed = run.stdout.lines().find(|l| l.starts_with("flips,adjusted,listed,up,")).expect("listed");
    assert!(listed.ends_with(",,true"), "{listed}");
    let table = robust("robust/scales", &["--analyses", "flips,oat"]).success();
    assert!(table.stdout.contains("Flip points"), "{}", table.stdout);
    assert!(table.stdout.contains("capped by unfiled"), "{}", table.stdout);
    assert!(table.stdout.contains("kendall tau"), "{}", table.stdout);
}

#[test]
fn a_condition_that_reads_the_score_is_refused_with_e750() {
    let rules = std::fs::read_to_string(fixture("robust/scales/rules/scales.yaml")).expect("rules");
    let data = std::fs::read_to_string(fixture("robust/scales/datasets/companies.yaml")).expect("data");
    let rules = rules.replace("when: \"e.unfiled\"", "when: \"e.unfiled || score > 99\"");
    let dir = crate::project(&[("rules/scales.yaml", &rules), ("datasets/companies.yaml", &data)]);
    let run = Thesis::new()
        .args(["--rules".as_ref(), dir.path().join("rules").as_os_str()])
        .args(["--data".as_ref(), dir.path().join("datasets").as_os_str()])
        .args(["--diagnostic-format", "short", "robust"])
        .run()
        .code(1);
    assert!(run.stderr.contains("E750"), "{}", run.stderr);
    assert!(run.stderr.contains("gate `unfiled` reads `score` or `rating`"), "{}", run.stderr);
}

#[test]
fn an_unknown_vary_category_is_a_usage_error_with_a_suggestion() {
    let run = robust("robust/scales", &["--vary", "financal"]).code(2);
    assert!(run.stderr.contains("did you mean `financial`?"), "{}", run.stderr);
}

#[test]
fn rule_tests_assert_flip_points_and_say_why_a_flip_is_missing() {
    let run = robust_test(&["-v", "tests/fixtures/robust/scales/flips.yaml"]).code(1);
    assert!(run.stdout.contains("ok     tests/fixtures/robust/scales/flips.yaml:5"), "{}", run.stdout);
    assert!(run.stdout.contains("actual    none (capped by gate `unfiled`)"), "{}", run.stdout);
    assert!(run.stdout.contains("actual    out of reach"), "{}", run.stdout);
    assert!(run.stdout.ends_with("1 passed, 2 failed\n"), "{}", run.stdout);
}

#[test]
fn a_flip_expectation_for_an_unknown_factor_is_e602() {
    let cases =
        "rule_set: scales\ncases:\n  - name: typo\n    entity: middling\n    expect: { flips: { grwth: { up: 1 } } }\n";
    let dir = crate::project(&[("cases.yaml", cases)]);
    let run = robust_test(&[dir.path().join("cases.yaml").to_str().expect("utf-8"), "--allow-outside-root"]).code(1);
    assert!(run.stderr.contains("E602"), "{}", run.stderr);
    assert!(run.stderr.contains("did you mean `growth`?"), "{}", run.stderr);
}

fn robust_test(args: &[&str]) -> crate::Run {
    Thesis::new()
        .args(["--rules".as_ref(), fixture("robust/scales/rules").as_os_str()])
        .args(["--data".as_ref(), fixture("robust/scales/datasets").as_os_str()])
        .args(["--diagnostic-format", "short", "--color", "never", "test"])
        .args(args)
        .run()
}

/// Weight flips on `robust/weights` (e at 45, Neutral; S_a = (80·w_x + 40·w_y)/(w_x + w_y) = 60,
/// S_b = 30; total = (W_a·S_a + W_b·S_b)/(W_a + W_b)). Falling below 40 needs S_a < 50 through
/// a factor weight — w_x < 1/3 or w_y > 3 — or, through a category weight, W_a < 1/2 or W_b > 2.
/// Rising to 65 needs more than either category can give (S_a ≤ 80 with w_y > 0, and b is z alone).
#[test]
fn weight_flips_are_the_weights_worked_out_by_hand() {
    let doc: Value =
        serde_json::from_str(&robust("robust/weights", &["--analyses", "weights", "--format", "json"]).stdout)
            .expect("JSON");
    let flips = doc["flips"].as_array().expect("flips");
    let weight = |w: &str, dir: &str| {
        flips
            .iter()
            .find(|f| f["weight"] == w && f["direction"] == dir)
            .unwrap_or_else(|| panic!("no {w} {dir}: {flips:?}"))
    };
    for (w, of, edge, below) in [
        ("x", "factor", 1.0 / 3.0, true),
        ("y", "factor", 3.0, false),
        ("a", "category", 0.5, true),
        ("b", "category", 2.0, false),
    ] {
        let f = weight(w, "down");
        assert_eq!(f["of"], of);
        assert_eq!(f["to"], "Underweight");
        assert_eq!(f["from_weight"], 1.0);
        let to = f["weight_to"].as_f64().expect("a weight");
        assert!((to - edge).abs() < 1e-12, "{w}: {to} vs {edge}");
        // At the edge itself the total is exactly 40, still Neutral: the flip lies past it.
        assert!(if below { to < edge } else { to > edge }, "{w}: {to} is on the wrong side of {edge}");
        assert!((f["change"].as_f64().expect("change") - (edge - 1.0)).abs() < 1e-12);
    }
    // Out of reach: not listed by default, listed with no weight when asked for.
    assert!(flips.iter().all(|f| f["direction"] == "down" && f["weight"] != "z"), "{flips:?}");
    let all: Value = serde_json::from_str(
        &robust("robust/weights", &["--analyses", "weights", "--out-of-reach", "--format", "json"]).stdout,
    )
    .expect("JSON");
    let all = all["flips"].as_array().expect("flips");
    let listed = |w: &str, dir: &str| all.iter().find(|f| f["weight"] == w && f["direction"] == dir).cloned();
    for w in ["x", "y", "z", "a", "b"] {
        assert_eq!(listed(w, "up").expect("listed")["weight_to"], Value::Null, "{w} cannot lift e to 65");
    }
    let z = listed("z", "down").expect("listed");
    assert_eq!(z["weight_to"], Value::Null, "z is alone in b: its weight changes nothing");
    let table = robust("robust/weights", &["--analyses", "weights"]).stdout;
    assert!(table.contains("Weight flips: the weight that alone moves the rating a band"), "{table}");
    let left = all.len() - flips.len();
    let note = format!("{left} of the {} flips are out of reach and not listed: no weight moves", all.len());
    assert!(left > 0 && table.contains(&note), "{table}");
    let csv = robust("robust/weights", &["--analyses", "weights", "--format", "csv"]).stdout;
    assert!(csv.lines().any(|l| l.starts_with("weight_flips,e,b,down,")), "{csv}");
}

/// Flip points of a universe of 2,600 companies — more than two chunks of the stream (1,024
/// rows each) — are the same bytes on 1 and 4 threads in CSV, JSON and Parquet, and the CSV
/// holds the JSON's flips, in the same order, to the last row.
#[test]
fn flips_of_a_universe_beyond_one_chunk_stream_the_same_bytes_on_one_and_four_threads() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut csv = String::from("id,name,kind,growth,margin,listed,moat,unfiled,bonus\n");
    for i in 0..2600 {
        let margin = if i % 9 == 0 { String::new() } else { ((i * 13) % 33).to_string() };
        let moat = ["narrow", "none", "wide"][i % 3];
        csv.push_str(&format!(
            "e{i},E {i},company,{},{margin},{},{moat},{},{}\n",
            (i * 31) % 43,
            i % 3 == 0,
            i % 17 == 0,
            i % 7 == 0
        ));
    }
    std::fs::write(dir.path().join("universe.csv"), csv).expect("universe");
    let outputs = tempfile::tempdir().expect("temp dir");
    let run = |threads: &str, format: &str| {
        let out = outputs.path().join(format!("flips-{threads}.{format}"));
        Thesis::new()
            .args(["--rules".as_ref(), fixture("robust/scales/rules").as_os_str()])
            .args(["--data".as_ref(), fixture("robust/stream").as_os_str()])
            .args(["--data".as_ref(), dir.path().as_os_str()])
            .args(["--threads", threads, "robust", "--analyses", "flips", "--format", format, "--output"])
            .arg(&out)
            .run()
            .success();
        std::fs::read(out).expect("written")
    };
    for format in ["csv", "json", "parquet"] {
        assert!(run("1", format) == run("4", format), "{format}: 1 and 4 threads differ");
    }
    let csv = String::from_utf8(run("4", "csv")).expect("utf-8");
    let doc: Value = serde_json::from_slice(&run("4", "json")).expect("JSON");
    let flips = doc["flips"].as_array().expect("flips");
    let rows: Vec<&str> = csv.lines().skip(1).collect();
    assert!(flips.len() > 2600 && rows.len() == flips.len(), "{} rows, {} flips", rows.len(), flips.len());
    for (row, flip) in rows.iter().zip(flips) {
        let f: Vec<&str> = row.split(',').collect();
        assert_eq!(
            (f[1], f[2], f[3]),
            (
                flip["entity"].as_str().unwrap_or(""),
                flip["factor"].as_str().unwrap_or(""),
                flip["direction"].as_str().unwrap_or("")
            )
        );
        // (serde_json reads floats to within an ulp or so; the CSV's text is the exact one.)
        match (f[6].parse::<f64>().ok(), flip["points"].as_f64()) {
            (Some(a), Some(b)) => assert!((a - b).abs() <= a.abs() * 1e-15, "{row}: {b}"),
            (a, b) => assert!(a.is_none() && b.is_none(), "{row}: {b:?}"),
        }
    }
    assert!(rows.last().is_some_and(|r| r.starts_with("flips,e2599,")), "the last company's flips end the stream");
}

/// By default the flip points listed are the ones that exist (points that move the rating, or
/// the cap that holds it); `--out-of-reach` adds every other entity and factor, with no change,
/// as many as the table says it left out.
#[test]
fn flips_out_of_reach_are_listed_only_when_asked_for() {
    let flip_rows = |args: &[&str]| -> Vec<String> {
        let run = robust("robust/scales", &[&["--analyses", "flips", "--format", "csv"], args].concat()).success();
        run.stdout.lines().filter(|l| l.starts_with("flips,")).map(str::to_string).collect()
    };
    let (listed, all) = (flip_rows(&[]), flip_rows(&["--out-of-reach"]));
    let number = |row: &str| row.split(',').nth(6).unwrap_or("").to_string();
    assert!(!listed.is_empty(), "some flips exist");
    for row in &listed {
        assert!(!number(row).is_empty() || row.ends_with(",capped: unfiled"), "{row}");
    }
    let unreachable: Vec<&String> = all.iter().filter(|r| !listed.contains(r)).collect();
    assert!(
        !unreachable.is_empty() && unreachable.iter().all(|r| number(r).is_empty() && r.ends_with(",,")),
        "{unreachable:?}"
    );
    assert_eq!(listed.len() + unreachable.len(), all.len());
    let table = robust("robust/scales", &["--analyses", "flips"]).success();
    let note = format!("{} of the {} flips are out of reach and not listed", unreachable.len(), all.len());
    assert!(table.stdout.contains(&note), "{}", table.stdout);
    let json = robust("robust/scales", &["--analyses", "flips", "--format", "json"]).success();
    let json: Value = serde_json::from_str(&json.stdout).expect("robust JSON");
    assert_eq!(json["flips"].as_array().map(Vec::len), Some(listed.len()));
}
