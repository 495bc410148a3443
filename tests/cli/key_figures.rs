//! Key figures on the memo's front page: the values of attributes declared with a
//! `key_figure:` label, with date and source numbers; a figure withheld at the view date or
//! missing from the data is left out; a label that is not a short name is an E804.

use crate::Thesis;

fn memo(out: &std::path::Path, as_of: Option<&str>) -> String {
    let mut t =
        Thesis::new().args(["--rules", "tests/fixtures/pit/rules", "--data", "tests/fixtures/key-figures/datasets"]);
    if let Some(d) = as_of {
        t = t.args(["--as-of", d]);
    }
    t.args(["--color", "never", "memo", "--out"]).args([out]).run().success();
    std::fs::read_to_string(out.join("company/cobalt.md")).expect("memo")
}

fn key_figures(md: &str) -> &str {
    md.split("**Key figures**")
        .nth(1)
        .and_then(|s| s.split("\n## ").next())
        .unwrap_or_else(|| panic!("no key figures in\n{md}"))
}

#[test]
fn the_front_page_lists_each_key_figure_known_at_the_view_date_with_its_date_and_source() {
    let dir = tempfile::tempdir().expect("temp dir");
    let md = memo(dir.path(), None);
    let front = md.split("## Peers").next().expect("front page");
    let figures = key_figures(front);
    assert!(
        figures.contains(
            "| Revenue growth | 19% (restated 2025-03-14; previously 9) | 2024-12-31 | [\\[1\\]](#source-1) |"
        ),
        "{figures}"
    );
    assert!(
        figures.contains("| Forward P/E | 12.5 x | 2025-02-28 | [\\["),
        "listed though no rule reads it and it is not declared descriptive: {figures}"
    );
    assert!(!figures.contains("Net margin"), "a figure the data lacks is not listed: {figures}");
    let html = std::fs::read_to_string(dir.path().join("company/cobalt.html")).expect("html");
    assert!(html.contains("<p class=\"key-figures\">"), "{html}");
    // The HTML escaping writes the label's slash as `&#x2f;`, which a browser draws as `/`.
    assert!(html.contains("Forward P&#x2f;E <b>12.5 x</b>"), "{html}");
}

#[test]
fn a_key_figure_published_after_the_view_date_is_left_out() {
    let dir = tempfile::tempdir().expect("temp dir");
    let figures = key_figures(&memo(dir.path(), Some("2025-02-15"))).to_string();
    assert!(figures.contains("| Revenue growth | 9% | 2024-12-31 |"), "the figure known then: {figures}");
    assert!(!figures.contains("Forward P/E"), "published 2025-03-01, after the view: {figures}");
}

#[test]
fn a_key_figure_label_that_is_a_sentence_is_an_e804_at_the_label() {
    let run = Thesis::new()
        .args([
            "--color",
            "never",
            "--diagnostic-format",
            "short",
            "check",
            "tests/fixtures/key-figures/bad/schema.yaml",
        ])
        .run();
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr.contains(
            "tests/fixtures/key-figures/bad/schema.yaml:4:77: error[E804]: the key-figure label of attribute `pe_peer_median` has 6 words, more than 4"
        ),
        "{}",
        run.stderr
    );
    assert_eq!(run.stderr.matches("error[").count(), 1, "one mistake, one message: {}", run.stderr);
}
