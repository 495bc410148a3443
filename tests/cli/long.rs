//! The long input layout (one row per entity × attribute × observation): the point-in-time
//! fixture written long scores, resolves and explains exactly as its YAML series do, and each
//! mistake in a long file is one located diagnostic.

use crate::{Thesis, fixture};

fn with_data(data: &str) -> Thesis {
    Thesis::new()
        .args(["--color", "never", "--diagnostic-format", "short"])
        .args(["--rules".as_ref(), fixture("pit/rules").as_os_str()])
        .args(["--data".as_ref(), fixture(data).as_os_str()])
}

const DATES: &str = "2025-01-31,2025-03-14,2025-05-01,2025-07-01,2025-09-15";

#[test]
fn the_long_layout_resolves_as_the_same_series_in_yaml() {
    for args in [
        vec!["history", "--dates", DATES, "--format", "json"],
        vec!["--as-of", "2025-03-14", "explain", "acme", "bolt", "--format", "json"],
        vec!["--as-of", "2025-07-01", "explain", "acme"],
        vec!["rank", "--format", "csv"],
    ] {
        let yaml = with_data("pit/datasets").args(&args).run().success().stdout;
        let long = with_data("long/datasets").args(&args).run().success().stdout;
        assert_eq!(long, yaml, "{args:?}");
    }
    let text = with_data("long/datasets").args(["--as-of", "2025-03-14", "explain", "acme"]).run().success().stdout;
    assert!(text.contains("restated 2025-03-14; previously 12"), "{text}");
}

#[test]
fn a_long_parquet_file_reads_as_the_long_csv_does() {
    // The same rows, dates typed (date32), written in row groups of 5 by
    // tests/fixtures/columnar/make.sh.
    for args in [
        vec!["history", "--dates", DATES, "--format", "json"],
        vec!["--as-of", "2025-03-14", "explain", "acme", "bolt", "--format", "json"],
        vec!["rank", "--format", "csv"],
        vec!["check"],
    ] {
        let csv = with_data("long/datasets").args(&args).run();
        let parquet = with_data("long/parquet").args(&args).run();
        let same = |t: &str| t.replace("series.parquet", "series.csv").replace("long/parquet", "long/datasets");
        assert_eq!(same(&parquet.stdout), csv.stdout, "{args:?}");
        assert_eq!(same(&parquet.stderr), csv.stderr, "{args:?}");
    }
}

#[test]
fn a_long_file_reads_the_same_on_one_thread_and_four() {
    let run = |n: &str| with_data("long/datasets").args(["--threads", n, "history", "--dates", DATES]).run().success();
    assert_eq!(run("1").stdout, run("4").stdout);
}

#[test]
fn each_mistake_in_a_long_file_is_one_located_diagnostic() {
    let run = with_data("long/errors").arg("check").run().code(1);
    let f = "tests/fixtures/long/errors/errors.csv";
    for want in [
        format!(
            "{f}:3:1: error[E611]: `revenue_growth` has two observations for period 2024-12-31 published 2025-02-01"
        ),
        format!("{f}:4:8: error[E104]: attribute `revenue_grwth` is not declared for company"),
        format!("{f}:6:1: error[E612]: `listed` of `acme` is given in another file too"),
        format!("{f}:7:1: error[E612]: no entity `ghost` is defined, and this row gives no kind"),
        format!("{f}:8:34: error[E105]: attribute `revenue_growth` is declared number, but this is `twelve`"),
        format!("{f}:9:25: error[E106]: `2025-13-31` is not a date"),
        format!("{f}:10:37: error[E801]: `acme-q2` is not a declared source"),
        format!("{f}:11:45: error[E107]: grade `D` is not A, B or C"),
        format!("{f}:12:8: error[E612]: this row names no attribute"),
        format!("{f}:13:1: warning[W610]: an observation of `revenue_growth` in a series has no date"),
    ] {
        assert!(run.stderr.contains(&want), "missing {want}\n{}", run.stderr);
    }
    assert!(run.stderr.contains("did you mean `revenue_growth`?"), "{}", run.stderr);
    assert!(run.stderr.contains("did you mean `acme-q1`?"), "{}", run.stderr);
    assert!(!run.stderr.contains(&format!("{f}:5:")), "the misspelt attribute is reported once: {}", run.stderr);
    assert!(run.stderr.contains("9 errors, 1 warning"), "{}", run.stderr);
}

#[test]
fn a_long_header_names_its_columns_or_says_which_it_does_not_know() {
    let run = with_data("long/header").arg("check").run().code(1);
    let want =
        "tests/fixtures/long/header/obs.csv:1:29: error[E108]: column `perod` is not a column of the long layout";
    assert!(run.stderr.contains(want), "{}", run.stderr);
    assert!(run.stderr.contains("did you mean `period`?"), "{}", run.stderr);
}
