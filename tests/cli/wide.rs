//! Provenance in wide tables (tests/fixtures/wide): tests/fixtures/trust's companies written in
//! YAML with sources, and as a wide CSV, Parquet and Arrow file with provenance columns (row-level and
//! `<field>:<attribute>` overrides), rank and explain byte for byte alike — coverage, bounds,
//! firmness and the view date included; a file-level `tables:` declaration sources every cell;
//! each mistake in a provenance cell or declaration is one located diagnostic.

use crate::{Run, Thesis, fixture};

fn with_data(data: &str) -> Thesis {
    Thesis::new()
        .args(["--color", "never", "--diagnostic-format", "short"])
        .args(["--rules".as_ref(), fixture("trust/rules/company.yaml").as_os_str()])
        .args(["--data".as_ref(), fixture(data).as_os_str()])
}

fn json(run: Run) -> serde_json::Value {
    serde_json::from_str(&run.success().stdout).expect("one JSON document")
}

/// The evidence of `entity`'s factor `factor` in an `explain --format json` document.
fn evidence<'a>(doc: &'a serde_json::Value, entity: &str, factor: &str) -> &'a serde_json::Value {
    let entities = doc.as_array().expect("a list of ledgers");
    let e = entities.iter().find(|e| e["id"] == entity).unwrap_or_else(|| panic!("{entity}"));
    let f = e["factors"].as_array().expect("factors").iter().find(|f| f["id"] == factor).expect("factor");
    &f["evidence"][0]
}

#[test]
fn a_sourced_wide_csv_parquet_and_arrow_rank_explain_and_resolve_as_their_yaml_form() {
    let all = ["explain", "full", "partial", "riskgap", "riskonly", "thin", "private"];
    for args in [
        vec!["rank", "--format", "json"],
        vec!["rank"],
        [all.as_slice(), &["--format", "json"]].concat(),
        all.to_vec(),
        vec!["--as-of", "2025-03-01", "rank", "--format", "json"],
        vec!["--as-of", "2025-03-01", "explain", "full", "partial", "--format", "json"],
        vec!["robust", "--format", "json", "--samples", "200"],
        vec!["history", "--dates", "2025-02-01,2025-03-01,2025-03-14", "--format", "json"],
    ] {
        let yaml = with_data("wide/yaml").args(&args).run().success().stdout;
        for data in ["wide/csv", "wide/parquet", "wide/arrow"] {
            let wide = with_data(data).args(&args).run().success().stdout;
            assert_eq!(wide, yaml, "{data} {args:?}");
        }
    }
    let four = with_data("wide/csv").args(["--threads", "4", "rank", "--format", "json"]).run().success().stdout;
    let one = with_data("wide/csv").args(["--threads", "1", "rank", "--format", "json"]).run().success().stdout;
    assert_eq!(four, one);
}

#[test]
fn sourced_wide_cells_cover_bound_and_feed_the_grade_c_share() {
    let doc = json(with_data("wide/csv").args(["rank", "--format", "json"]).run());
    let find = |list: &str, id: &str| {
        doc[list].as_array().expect(list).iter().find(|e| e["id"] == id).cloned().unwrap_or_else(|| panic!("{id}"))
    };
    let full = find("ranked", "full");
    assert_eq!((full["coverage"].as_f64(), full["firm"].as_bool()), (Some(1.0), Some(true)), "{full}");
    assert_eq!(full["bounds"]["lo"], full["bounds"]["hi"], "every cell sourced: exact bounds");
    let partial = find("ranked", "partial");
    assert_eq!(partial["basis"]["judged"], 0.2, "`judgment:leverage` marks one cell a judgment");
    let private = find("not_rated", "private");
    assert_eq!(private["basis"]["grade_c"], 1.0, "the row's grade C covers every cell: {private}");
    let riskgap = find("not_rated", "riskgap");
    assert!((riskgap["basis"]["unsourced"].as_f64().expect("share") - 0.2).abs() < 1e-12, "{riskgap}");
}

#[test]
fn w701_names_only_the_wide_cell_without_provenance() {
    let run = with_data("wide/csv").arg("check").run().success();
    let w701: Vec<&str> = run.stderr.lines().filter(|l| l.contains("warning[W701]")).collect();
    assert_eq!(w701.len(), 1, "{}", run.stderr);
    assert!(
        w701[0].starts_with(
            "tests/fixtures/wide/csv/universe.csv:4:1: warning[W701]: `margin` (factor `margin`) in 1 row of this file"
        ),
        "riskgap's margin, row 4: {}",
        run.stderr
    );
    assert!(
        w701[0].ends_with("in 1 row of this file, the first here, feeds a factor but cites no source"),
        "no other row counted: {}",
        w701[0]
    );
    for data in ["wide/csv", "wide/parquet"] {
        let run = with_data(data).arg("check").run().success();
        assert!(
            run.stderr.contains("0 errors, 1 warning"),
            "the rows' cites use the registry (no W801): {}",
            run.stderr
        );
    }
}

#[test]
fn a_table_without_provenance_is_one_w701_per_kind_naming_its_attributes_and_rows() {
    let run = Thesis::new()
        .args(["--color", "never", "--diagnostic-format", "short"])
        .args(["--rules".as_ref(), fixture("columnar/rules").as_os_str()])
        .args(["--data".as_ref(), fixture("columnar/datasets").as_os_str()])
        .arg("check")
        .run()
        .success();
    let w701: Vec<&str> = run.stderr.lines().filter(|l| l.contains("warning[W701]")).collect();
    assert_eq!(
        w701,
        [
            "tests/fixtures/columnar/datasets/universe.csv:2:1: warning[W701]: `demand` (factor `demand`) in 2 rows of this file, the first here, feeds a factor but cites no source",
            "tests/fixtures/columnar/datasets/universe.csv:4:1: warning[W701]: `growth` (factor `growth`), `margin` (factor `margin`), `leverage` (factor `leverage`) and 1 more attribute in 302 rows of this file, the first here, feed factors but cite no source",
        ],
        "{}",
        run.stderr
    );
}

#[test]
fn a_wide_row_published_after_the_view_date_is_not_known() {
    let explain = ["explain", "full", "--format", "json"];
    let before = json(with_data("wide/csv").args(["--as-of", "2025-03-13"]).args(explain).run());
    let growth = evidence(&before, "full", "growth");
    assert_eq!((growth["withheld"].as_bool(), growth["value"].as_str()), (Some(true), Some("40")), "{growth}");
    let rank = json(with_data("wide/parquet").args(["--as-of", "2025-03-13", "rank", "--format", "json"]).run());
    assert!(rank["ranked"].as_array().expect("ranked").iter().all(|e| e["id"] != "full"), "{rank}");
    let on = json(with_data("wide/parquet").args(["--as-of", "2025-03-14"]).args(explain).run());
    let growth = evidence(&on, "full", "growth");
    assert_eq!((growth["withheld"].as_bool(), growth["cite"][0].as_str()), (Some(false), Some("full-ar-2024")));
    let text = with_data("wide/csv").args(["--as-of", "2025-03-13", "explain", "full"]).run().success().stdout;
    assert!(text.contains("value 40 published 2025-03-14, after the view date 2025-03-13"), "{text}");
}

#[test]
fn a_file_level_declaration_sources_every_cell_and_a_row_overrides_it() {
    let run = with_data("wide/declared").args(["check", "--deny", "warnings"]).run().success();
    assert!(run.stderr.contains("0 errors, 0 warnings"), "no W701, and the cited source is used: {}", run.stderr);
    let doc = json(with_data("wide/declared").args(["explain", "full", "thin", "--format", "json"]).run());
    let full = evidence(&doc, "full", "leverage");
    assert_eq!(full["cite"][0], "vendor-2025q1");
    assert_eq!((full["grade"].as_str(), full["period"].as_str()), (Some("B"), Some("2024-12-31")));
    assert_eq!(full["published"], "2025-04-01");
    let thin = evidence(&doc, "thin", "growth");
    assert_eq!(thin["source"], "Company filing", "the row's `source` replaces the file's cite: {thin}");
    assert!(thin.get("cite").is_none() && thin.get("grade").is_none(), "and its grade: {thin}");
    assert_eq!(thin["published"], "2025-04-01", "dates still come from the file: {thin}");
    let margin = evidence(&doc, "thin", "margin");
    assert_eq!((margin["source"].as_str(), margin["grade"].as_str()), (Some("Broker note"), Some("C")), "{margin}");
    assert_eq!(margin["published"], "2025-03-20", "a long row's own date over its file's entry");
    let rank = json(with_data("wide/declared").args(["--as-of", "2025-03-31", "rank", "--format", "json"]).run());
    assert_eq!(rank["ranked"].as_array().map(Vec::len), Some(0), "published 2025-04-01: unknown on 2025-03-31");
    let out = tempfile::tempdir().expect("temp dir");
    with_data("wide/declared")
        .args(["memo".as_ref(), "--out".as_ref(), out.path().as_os_str(), "full".as_ref()])
        .run()
        .success();
    let md = std::fs::read_to_string(out.path().join("company/full.md")).expect("the memo");
    assert!(md.contains("Fundamentals export, first quarter 2025"), "the memo lists the cited source: {md}");
}

#[test]
fn each_provenance_mistake_is_one_located_diagnostic() {
    let run = with_data("wide/errors").arg("check").run().code(1);
    let d = "tests/fixtures/wide/errors";
    for want in [
        format!("{d}/schema.yaml:9:3: error[E702]: `bad.cvs` is not a table file of the dataset"),
        format!("{d}/tables.yaml:2:3: error[E703]: `./bad.csv` is declared twice"),
        format!("{d}/tables.yaml:3:23: error[E801]: `exchange-lst` is not a declared source"),
        format!("{d}/tables.yaml:3:48: error[E106]: `2025-13` is not a date"),
        format!("{d}/bad.csv:2:21: error[E801]: `full-ar-2O24` is not a declared source"),
        format!("{d}/bad.csv:4:37: error[E107]: grade `D` is not A, B or C"),
        format!("{d}/bad.csv:5:38: error[E106]: `2025-13-01` is not a date"),
        format!("{d}/bad.parquet:4:6: error[E801]: `exchange-lst` is not a declared source (row group 1, row 0)"),
        format!("{d}/bad.parquet:4:7: error[E107]: grade `E` is not A, B or C (row group 1, row 0)"),
        format!(
            "{d}/header.csv:1:21: error[E104]: column `cite:margn` names `margn`, which is not a declared attribute"
        ),
        format!("{d}/header.csv:1:38: error[E610]: column `period` gives the period twice"),
    ] {
        assert!(run.stderr.contains(&want), "missing {want}\n{}", run.stderr);
    }
    for hint in ["did you mean `bad.csv`?", "did you mean `full-ar-2024`?", "did you mean `cite:margin`?"] {
        assert!(run.stderr.contains(hint), "{hint}\n{}", run.stderr);
    }
    assert!(!run.stderr.contains(&format!("{d}/bad.csv:3:")), "a repeated bad cite is one mistake: {}", run.stderr);
    assert!(run.stderr.contains("11 errors, 0 warnings"), "{}", run.stderr);
}

#[test]
fn a_table_file_w701_points_at_its_earliest_unsourced_row_whatever_the_factor_order() {
    // Factor `fa` reads `a`, first filled on line 3; factor `fb` reads `b`, filled on line 2.
    let dir = crate::project(&[
        ("datasets/schema.yaml", "attributes:\n  company:\n    a: number\n    b: number\n"),
        ("datasets/universe.csv", "id,name,kind,a,b\none,One,company,,4\ntwo,Two,company,3,5\n"),
        (
            "rules/r.yaml",
            "rule_set: r\nversion: 1\ndescription: R.\nkind: company\nmissing: skip\ncategories: { opportunity: 1 }\nfactors:\n\
             - { id: fa, category: opportunity, weight: 1, description: A, input: { attribute: a }, scale: { linear: { lo: 0, hi: 10 } } }\n\
             - { id: fb, category: opportunity, weight: 1, description: B, input: { attribute: b }, scale: { linear: { lo: 0, hi: 10 } } }\n",
        ),
    ]);
    let run =
        Thesis::new().in_dir(dir.path()).args(["--color", "never", "--diagnostic-format", "short", "check"]).run();
    let w701: Vec<&str> = run.stderr.lines().filter(|l| l.contains("warning[W701]")).collect();
    assert_eq!(
        w701,
        [
            "datasets/universe.csv:2:1: warning[W701]: `a` (factor `fa`), `b` (factor `fb`) in 2 rows of this file, the first here, feed factors but cite no source"
        ],
        "{}",
        run.stderr
    );
}
