//! With one category, min-max scales and a weighted sum, scores are the textbook weighted-sum
//! model with min-max normalisation, times 100: the numbers an MCDA library produces.

use crate::{Thesis, fixture};

#[test]
fn scores_equal_pymcdm_wsm_with_minmax_normalisation_times_100() {
    let run = Thesis::new()
        .args(["--rules".as_ref(), fixture("mcda/rules").as_os_str()])
        .args(["--data".as_ref(), fixture("mcda/datasets").as_os_str()])
        .args(["rank", "--format", "csv"])
        .run()
        .success();
    let expected = std::fs::read_to_string(fixture("mcda/expected.csv")).expect("expected.csv");
    let scores: Vec<(String, f64)> = run
        .stdout
        .lines()
        .skip(1)
        .map(|l| {
            let cells: Vec<&str> = l.split(',').collect();
            (cells[1].to_string(), cells[4].parse().expect("score"))
        })
        .collect();
    assert_eq!(scores.len(), 5);
    for line in expected.lines().skip(1) {
        let (id, pref) = line.split_once(',').expect("id,preference");
        let pref: f64 = pref.parse().expect("preference");
        let (_, score) = scores.iter().find(|(i, _)| i == id).expect("scored");
        assert!((score - 100.0 * pref).abs() < 1e-9, "{id}: thesis {score}, pymcdm {}", 100.0 * pref);
    }
}

/// Rank, id and score of each row of a CSV ranking.
fn ranking(stdout: &str) -> Vec<(u32, String, f64)> {
    stdout
        .lines()
        .skip(1)
        .map(|l| {
            let cells: Vec<&str> = l.split(',').collect();
            (cells[0].parse().expect("rank"), cells[1].to_string(), cells[4].parse().expect("score"))
        })
        .collect()
}

/// With `aggregation: weighted_product`, one category and pymcdm's linear normalisation as the
/// scales, scores are pymcdm's WPM preferences times 100, and the ranking is pymcdm's.
#[test]
fn weighted_product_scores_and_ranking_equal_pymcdm_wpm_times_100() {
    let run = Thesis::new()
        .args(["--rules".as_ref(), fixture("mcda/wpm/rules").as_os_str()])
        .args(["--data".as_ref(), fixture("mcda/datasets").as_os_str()])
        .args(["rank", "--format", "csv"])
        .run()
        .success();
    let expected = std::fs::read_to_string(fixture("mcda/wpm/expected.csv")).expect("expected.csv");
    let rows = ranking(&run.stdout);
    assert_eq!(rows.len(), 5);
    for line in expected.lines().skip(1) {
        let cells: Vec<&str> = line.split(',').collect();
        let (id, pref, rank) = (cells[0], cells[1].parse::<f64>().expect("preference"), cells[2]);
        let (r, _, score) = rows.iter().find(|(_, i, _)| i == id).expect("scored");
        assert!((score - 100.0 * pref).abs() < 1e-9, "{id}: thesis {score}, pymcdm {}", 100.0 * pref);
        assert_eq!(r.to_string(), rank, "{id}: thesis rank {r}, pymcdm rank {rank}");
    }
}

/// The ledger of a weighted product still adds up: contributions sum to the base, and each
/// factor's contribution and points lost make up its share of 100.
#[test]
fn weighted_product_ledgers_attribute_the_whole_base() {
    let run = Thesis::new()
        .args(["--rules".as_ref(), fixture("mcda/wpm/rules").as_os_str()])
        .args(["--data".as_ref(), fixture("mcda/datasets").as_os_str()])
        .args(["explain", "a1", "--format", "json"])
        .run()
        .success();
    let v: serde_json::Value = serde_json::from_str(&run.stdout).expect("json");
    let l = v.as_array().and_then(|a| a.first()).unwrap_or(&v);
    let factors = l["factors"].as_array().expect("factors");
    let sum: f64 = factors.iter().map(|f| f["contribution"].as_f64().expect("contribution")).sum();
    let base = l["base"].as_f64().expect("base");
    assert!((sum - base).abs() < 1e-9, "contributions {sum} vs base {base}");
    for f in factors {
        let (c, lost, share) = (f["contribution"].as_f64(), f["lost"].as_f64(), f["share"].as_f64());
        let (c, lost, share) = (c.expect("c"), lost.expect("lost"), share.expect("share"));
        assert!((c + lost - 100.0 * share).abs() < 1e-9, "{f}");
    }
    assert_eq!(l["categories"][0]["score"].as_f64().map(|s| (s - base).abs() < 1e-9), Some(true));
}
