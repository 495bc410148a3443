//! Parquet and Arrow IPC universes in, Parquet and Arrow rankings out: the same universe as CSV,
//! Parquet (typed columns, row groups of 50), Arrow IPC file (typed, batches of 50) and Arrow
//! IPC stream (text columns) ranks byte-identically; the binary rankings carry what the CSV
//! ranking carries; both are the same bytes for 1 and 4 threads; `history` and `robust` in
//! Parquet and Arrow hold their CSV rows. The fixtures are made by
//! tests/fixtures/columnar/make.sh.

use std::path::Path;

use arrow_array::cast::AsArray;
use arrow_array::types::{Float64Type, UInt32Type};
use arrow_array::{Array, RecordBatch};

use crate::{Thesis, fixture};

const RULES: &str = "tests/fixtures/columnar/rules";
const SCHEMA: &str = "tests/fixtures/columnar/datasets/schema.yaml";

/// `thesis rank` of the round-trip universe given as `universe` (a path), in `format`.
fn rank(universe: &str, format: &str, extra: &[&str]) -> Thesis {
    Thesis::new()
        .args(["--rules", RULES, "--data", SCHEMA, "--data", universe])
        .args(extra)
        .args(["rank", "--format", format])
}

fn universe(ext: &str) -> String {
    match ext {
        "csv" => "tests/fixtures/columnar/datasets/universe.csv".into(),
        ext => fixture(&format!("columnar/universe.{ext}")).to_string_lossy().into_owned(),
    }
}

#[test]
fn csv_parquet_and_arrow_universes_rank_byte_identically() {
    for format in ["csv", "json", "table"] {
        let base = rank(&universe("csv"), format, &[]).run().success().stdout;
        assert!(base.lines().count() > 300, "{base}");
        for ext in ["parquet", "arrow", "arrows"] {
            let other = rank(&universe(ext), format, &[]).run().success();
            assert_eq!(other.stdout, base, "{ext} ranks as CSV does ({format})");
        }
    }
}

#[test]
fn columnar_universes_check_clean_and_explain_as_csv_does() {
    for ext in ["parquet", "arrow", "arrows"] {
        let check = Thesis::new().args(["--rules", RULES, "--data", SCHEMA, "--data", &universe(ext), "check"]).run();
        assert!(check.stderr.contains("0 errors"), "{ext}: {}", check.stderr);
        let explain = |u: &str| {
            Thesis::new()
                .args(["--rules", RULES, "--data", SCHEMA, "--data", u, "explain", "c007", "--format", "json"])
                .run()
                .success()
                .stdout
        };
        let csv = explain(&universe("csv"));
        let other = explain(&universe(ext));
        // The ledger names where the entity was defined: the same line in either file.
        assert_eq!(other.replace(&universe(ext), "U"), csv.replace(&universe("csv"), "U"), "{ext}");
    }
}

/// Every batch of a Parquet or Arrow ranking, read back.
fn read_back(path: &Path) -> Vec<RecordBatch> {
    let file = std::fs::File::open(path).expect("open");
    if path.extension().is_some_and(|e| e == "parquet") {
        let reader = parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder::try_new(file)
            .expect("a Parquet file")
            .build()
            .expect("reader");
        reader.map(|b| b.expect("batch")).collect()
    } else {
        let reader = arrow_ipc::reader::FileReader::try_new(file, None).expect("an Arrow IPC file");
        reader.map(|b| b.expect("batch")).collect()
    }
}

/// A binary ranking as the CSV ranking spells it (shortest round-trip numbers, lists joined
/// by `;`, null empty).
fn as_csv(batches: &[RecordBatch]) -> String {
    let mut w = csv::Writer::from_writer(Vec::new());
    let schema = batches[0].schema();
    w.write_record(schema.fields().iter().map(|f| f.name().as_str())).expect("header");
    for b in batches {
        for row in 0..b.num_rows() {
            let cells: Vec<String> = b.columns().iter().map(|c| cell(c.as_ref(), row)).collect();
            w.write_record(&cells).expect("row");
        }
    }
    String::from_utf8(w.into_inner().expect("bytes")).expect("utf-8")
}

fn cell(c: &dyn Array, row: usize) -> String {
    if c.is_null(row) {
        return String::new();
    }
    match c.data_type() {
        arrow_schema::DataType::UInt32 => c.as_primitive::<UInt32Type>().value(row).to_string(),
        arrow_schema::DataType::Float64 => {
            let x = c.as_primitive::<Float64Type>().value(row);
            if x == 0.0 {
                return "0".into();
            }
            let mut buf = ryu::Buffer::new();
            let s = buf.format_finite(x);
            s.strip_suffix(".0").unwrap_or(s).to_string()
        }
        arrow_schema::DataType::Utf8 => c.as_string::<i32>().value(row).to_string(),
        arrow_schema::DataType::List(_) => {
            let items = c.as_list::<i32>().value(row);
            let s = items.as_string::<i32>();
            (0..s.len()).map(|i| s.value(i)).collect::<Vec<_>>().join(";")
        }
        other => panic!("unexpected column type {other}"),
    }
}

#[test]
fn parquet_and_arrow_rankings_carry_what_the_csv_ranking_carries() {
    let dir = tempfile::tempdir().expect("temp dir");
    let csv = rank(&universe("parquet"), "csv", &[]).run().success().stdout;
    for format in ["parquet", "arrow"] {
        let path = dir.path().join(format!("ranking.{format}"));
        rank(&universe("parquet"), format, &[]).args(["--output".as_ref(), path.as_os_str()]).run().success();
        let batches = read_back(&path);
        let schema = batches[0].schema();
        let names: Vec<&str> = schema.fields().iter().map(|f| f.name().as_str()).collect();
        for col in ["rank", "id", "name", "score", "rating", "coverage", "status", "reason_codes", "score_risk"] {
            assert!(names.contains(&col), "{format} lacks `{col}`: {names:?}");
        }
        assert_eq!(as_csv(&batches), csv, "{format} holds the CSV ranking's values");
    }
}

/// 70 000 companies: more than one block of parallel batches, of CSV rows written while the
/// next are formatted, and of entries gathered per task.
fn large_project() -> tempfile::TempDir {
    let mut text = String::from("id,name,kind,growth,margin,leverage\n");
    for i in 0..70_000u64 {
        let h = i.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 40;
        text.push_str(&format!("c{i:05},C{i},company,{},{}.{},{}\n", h % 50, h % 30, h % 7, h % 6));
    }
    crate::project(&[
        ("datasets/schema.yaml", "attributes: { company: { growth: number, margin: number, leverage: number } }\n"),
        ("datasets/universe.csv", &text),
        ("rules/r.yaml", &std::fs::read_to_string(Path::new(RULES).join("company.yaml")).expect("rules")
            .replace("  - id: listed\n    category: risk\n    weight: 1\n    description: Listed shares\n    input: { attribute: listed }\n    scale: bool\n", "")
            .replace("  - id: segments\n    category: segment\n    weight: 1\n    description: Segment roll-up\n    input: { rollup: segment }\n", "")
            .replace("  segment: 20\n", "")
            .replace("e.has(\"venue\") && e.has(\"founded\") && e.has(\"tags\")", "e.growth > 45.0")),
    ])
}

#[test]
fn a_large_ranking_in_parquet_and_arrow_holds_its_csv_rows_on_any_thread_count() {
    let dir = large_project();
    let csv = |threads: &str| {
        Thesis::new().in_dir(dir.path()).args(["--threads", threads, "rank", "--format", "csv"]).run().success().stdout
    };
    let one = csv("1");
    assert_eq!(one.lines().count(), 70_001, "a header and every company");
    assert_eq!(one, csv("4"), "the CSV ranking is the same bytes for 1 and 4 threads");
    for format in ["parquet", "arrow"] {
        let path = dir.path().join(format!("ranking.{format}"));
        Thesis::new().in_dir(dir.path()).args(["rank", "--format", format, "--output"]).arg(&path).run().success();
        assert_eq!(as_csv(&read_back(&path)), one, "{format} holds the CSV ranking's values");
    }
}

#[test]
fn columnar_rankings_are_the_same_bytes_for_one_and_four_threads() {
    let dir = large_project();
    for format in ["parquet", "arrow"] {
        let out = |threads: &str| {
            let path = dir.path().join(format!("r{threads}.{format}"));
            Thesis::new()
                .in_dir(dir.path())
                .args(["--threads", threads, "rank", "--format", format, "--output"])
                .arg(&path)
                .run()
                .success();
            std::fs::read(&path).expect("read")
        };
        let one = out("1");
        assert!(one.len() > 100_000, "{format}: {} bytes", one.len());
        assert_eq!(one, out("4"), "{format} is the same bytes for 1 and 4 threads");
    }
}

#[test]
fn a_binary_ranking_is_not_written_to_a_terminal_but_goes_through_a_pipe() {
    let piped = rank(&universe("csv"), "parquet", &[]).run().success();
    assert!(piped.stdout.starts_with("PAR1"), "a Parquet file on a pipe");
}

#[test]
fn history_and_robust_in_parquet_and_arrow_hold_their_csv_rows() {
    let dir = tempfile::tempdir().expect("temp dir");
    let cases: [(&str, &[&str]); 2] = [
        ("pit", &["history", "--dates", "2025-01-31,2025-03-14,2025-05-01,2025-08-31"]),
        ("robust/scales", &["robust", "--samples", "200"]),
    ];
    for (project, args) in cases {
        let run = |extra: &[&std::ffi::OsStr]| {
            Thesis::new()
                .args(["--rules".as_ref(), fixture(&format!("{project}/rules")).as_os_str()])
                .args(["--data".as_ref(), fixture(&format!("{project}/datasets")).as_os_str()])
                .args(args)
                .args(extra)
                .run()
                .success()
                .stdout
        };
        let csv = run(&["--format".as_ref(), "csv".as_ref()]);
        assert!(csv.lines().count() > 5, "{project}: {csv}");
        for (format, magic) in [("parquet", "PAR1"), ("arrow", "ARROW1")] {
            let path = dir.path().join(format!("{}.{format}", args[0]));
            run(&["--format".as_ref(), format.as_ref(), "--output".as_ref(), path.as_os_str()]);
            assert_eq!(as_csv(&read_back(&path)), csv, "{} in {format} holds the CSV's rows", args[0]);
            let piped = run(&["--format".as_ref(), format.as_ref()]);
            assert!(piped.starts_with(magic), "{} {format} goes through a pipe", args[0]);
        }
    }
}

/// 1 500 companies as CSV and as Parquet (row groups of 300, pages of 64 rows) with a column
/// of each number type Parquet stores (double, float, int32, int64), three with nulls.
fn one_kind_project() -> tempfile::TempDir {
    use std::sync::Arc;

    use arrow_array::{Float32Array, Float64Array, Int32Array, Int64Array, StringArray};
    let n = 1_500u64;
    let h = |i: u64| i.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 40;
    let x: Vec<Option<f64>> = (0..n).map(|i| (i % 7 != 3).then(|| (h(i) % 1000) as f64 / 8.0)).collect();
    let y: Vec<Option<f32>> = (0..n).map(|i| (i % 11 != 5).then(|| (h(i) % 400) as f32 / 4.0)).collect();
    let z: Vec<Option<i32>> = (0..n).map(|i| (i % 13 != 0).then(|| (h(i) % 90) as i32 - 45)).collect();
    let w: Vec<i64> = (0..n).map(|i| (h(i) % 100_000) as i64).collect();
    let text = |v: Option<String>| v.unwrap_or_default();
    let mut csv = String::from("id,name,kind,x,y,z,w\n");
    for i in 0..n as usize {
        let (xi, yi, zi) =
            (text(x[i].map(|v| v.to_string())), text(y[i].map(|v| v.to_string())), text(z[i].map(|v| v.to_string())));
        csv.push_str(&format!("c{i:05},C{i},company,{xi},{yi},{zi},{}\n", w[i]));
    }
    let dir = crate::project(&[
        ("schema.yaml", "attributes: { company: { x: number, y: number, z: number, w: number } }\n"),
        ("csv/universe.csv", &csv),
        (
            "rules/r.yaml",
            "rule_set: plain\nversion: 1.0.0\ndescription: Four numbers.\nkind: company\nmissing: skip\ncategories: { a: 100 }\nfactors:\n  - { id: x, category: a, weight: 1, description: x, input: { attribute: x }, scale: minmax }\n  - { id: y, category: a, weight: 2, description: y, input: { attribute: y }, scale: minmax }\n  - { id: z, category: a, weight: 3, description: z, input: { attribute: z }, scale: minmax }\n  - { id: w, category: a, weight: 4, description: w, input: { attribute: w }, scale: minmax }\nratings:\n  - { label: Up, min: 50, max: 100 }\n  - { label: Down, min: 0, max: 50 }\n",
        ),
    ]);
    let ids: Vec<String> = (0..n).map(|i| format!("c{i:05}")).collect();
    let names: Vec<String> = (0..n).map(|i| format!("C{i}")).collect();
    let columns: Vec<arrow_array::ArrayRef> = vec![
        Arc::new(StringArray::from(ids)),
        Arc::new(StringArray::from(names)),
        Arc::new(StringArray::from(vec!["company"; n as usize])),
        Arc::new(Float64Array::from(x)),
        Arc::new(Float32Array::from(y)),
        Arc::new(Int32Array::from(z)),
        Arc::new(Int64Array::from(w)),
    ];
    let names = ["id", "name", "kind", "x", "y", "z", "w"];
    let batch = RecordBatch::try_from_iter(names.into_iter().zip(columns)).expect("batch");
    std::fs::create_dir_all(dir.path().join("parquet")).expect("mkdir");
    let out = std::fs::File::create(dir.path().join("parquet/universe.parquet")).expect("create");
    let props = parquet::file::properties::WriterProperties::builder()
        .set_max_row_group_row_count(Some(300))
        .set_data_page_row_count_limit(64)
        .set_write_batch_size(32)
        .build();
    let mut writer = parquet::arrow::ArrowWriter::try_new(out, batch.schema(), Some(props)).expect("writer");
    writer.write(&batch).expect("write");
    writer.close().expect("close");
    dir
}

#[test]
fn a_one_kind_parquet_file_with_nulls_across_row_groups_reads_as_its_csv_on_any_thread_count() {
    let dir = one_kind_project();
    let ids: Vec<String> = (0..1_500).map(|i| format!("c{i:05}")).collect();
    let explain = |data: &str, threads: &str| {
        Thesis::new()
            .in_dir(dir.path())
            .args(["--rules", "rules", "--data", "schema.yaml", "--data", data, "--threads", threads])
            .args(["explain", "--format", "csv"])
            .args(&ids)
            .run()
            .success()
            .stdout
    };
    let csv = explain("csv/universe.csv", "1");
    assert_eq!(csv.lines().count(), 1 + 4 * 1_500, "a header and every company's four factors");
    assert!(csv.contains(",missing") || csv.contains(",skipped"), "some cells are null: {}", &csv[..400]);
    for threads in ["1", "4"] {
        assert_eq!(explain("parquet/universe.parquet", threads), csv, "{threads} threads");
    }
}
