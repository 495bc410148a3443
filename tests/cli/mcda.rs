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
