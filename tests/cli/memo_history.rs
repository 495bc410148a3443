//! The memo's rating history: on a fixture whose FY2024 growth is restated on 2025-03-14 and
//! lifts the rating, the memo lists each rating change with the fact and factors behind it,
//! the evidence names the restatement, the HTML draws the history chart, the JSON carries every
//! date, and the output is the same on one thread and four. On the shipped universe: dated
//! catalysts on the front page, peers' category scores, and the index's firm/provisional, outlook, rating distribution
//! and not-rated list.

use serde_json::Value;

use crate::Thesis;

fn memo(out: &std::path::Path, threads: &str) -> String {
    Thesis::new()
        .args(["--rules", "tests/fixtures/pit/rules", "--data", "tests/fixtures/memo-history/datasets"])
        .args(["--threads", threads, "--color", "never", "memo", "--out"])
        .args([out])
        .run()
        .success()
        .stdout
}

fn read(out: &std::path::Path, rel: &str) -> String {
    std::fs::read_to_string(out.join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

#[test]
fn a_memo_shows_the_rating_change_a_restated_fact_caused() {
    let dir = tempfile::tempdir().expect("temp dir");
    memo(dir.path(), "1");
    let md = read(dir.path(), "company/cobalt.md");
    let section = md.split("## Rating history").nth(1).and_then(|s| s.split("## How").next()).expect("section");
    for want in [
        "| 2019-01-01 | Neutral | 50.00 | 1 | first |",
        "| 2025-03-14 | Overweight | 70.42 | 1 | upgrade |",
        "- **2025-03-14: Neutral → Overweight** (upgrade; score +23.96 since 2025-02-01)",
        "  - revenue growth: 9 → 19 (FY2024 annual report, restated; published 2025-03-14)",
        "  - factors that moved most: Growth +25.00, Freshness −1.04",
    ] {
        assert!(section.contains(want), "missing {want:?} in\n{section}");
    }
    assert!(md.contains("| revenue growth | 19% (restated 2025-03-14; previously 9) |"), "{md}");
    assert!(md.contains("| outlook | improving (+20.42 since 2024-03-31) |"), "{md}");
    let html = read(dir.path(), "company/cobalt.html");
    assert!(html.contains("<svg class=\"history\""), "{html}");
    assert!(html.contains("<circle class=\"mark-up\""), "the upgrade is marked: {html}");
    assert_eq!(html.matches("class=\"band-name\"").count(), 3, "one label per rating band");
    let json: Value = serde_json::from_str(&read(dir.path(), "company/cobalt.json")).expect("json");
    let h = &json["history"];
    assert_eq!(h["points"].as_array().map(Vec::len), Some(3), "{h}");
    assert_eq!(h["changes"][0]["facts"][0]["published"], "2025-03-14", "{h}");
    assert_eq!(json["outlook"]["direction"], "improving");
}

#[test]
fn the_history_section_is_the_same_on_one_thread_and_four() {
    let (one, four) = (tempfile::tempdir().expect("temp dir"), tempfile::tempdir().expect("temp dir"));
    memo(one.path(), "1");
    memo(four.path(), "4");
    for rel in ["company/cobalt.md", "company/cobalt.html", "company/cobalt.json"] {
        assert_eq!(read(one.path(), rel), read(four.path(), rel), "{rel}");
    }
}

#[test]
fn the_shipped_memos_list_catalysts_and_the_index_lists_firmness_outlook_and_the_not_rated() {
    let dir = tempfile::tempdir().expect("temp dir");
    Thesis::new()
        .args(["--color", "never", "memo", "--format", "markdown", "--out"])
        .args([dir.path()])
        .run()
        .success();
    let openai = read(dir.path(), "company/openai.md");
    let catalysts = openai.split("**Catalysts in the next twelve months**").nth(1).expect("catalysts");
    assert!(
        catalysts.contains("- 2026-08-02: regulatory: Commission enforcement powers over GPAI providers"),
        "{catalysts}"
    );
    assert!(!catalysts.split("##").next().unwrap_or("").contains("2027-08-02"), "more than twelve months ahead");
    let baidu = read(dir.path(), "company/baidu.md");
    let peers = baidu.split("## Peers").nth(1).and_then(|s| s.split("## ").next()).expect("peers");
    assert!(
        peers.contains("| rank | name | shares | rating | score | risk | opportunity | segment | region |"),
        "{peers}"
    );
    let own = baidu.split("## Categories").nth(1).expect("categories");
    let risk = own.lines().find(|l| l.starts_with("| risk |")).and_then(|l| l.split('|').nth(4)).expect("risk score");
    let row = peers.lines().find(|l| l.contains("**Baidu (ERNIE)**")).expect("own row");
    assert_eq!(row.split('|').nth(6).map(str::trim), Some(risk.trim()), "peers show the same category scores: {row}");
    let index = read(dir.path(), "index.md");
    assert!(index.contains("| rank | name | rating | firm | outlook | score |"), "{index}");
    assert!(index.contains("Rating distribution: "), "{index}");
    let not_rated = index.split("Not rated (scored, shown for reference; no rating):").nth(1).expect("not rated list");
    assert!(not_rated.contains("[Huawei (Pangu)](company/huawei.md)"), "{not_rated}");
}
