//! The parallel CSV path against the record-by-record one, on the files of
//! `tests/fixtures/csv-blocks`: the same tables, provenance and diagnostics whatever the block size, so a
//! row straddling a block boundary, a file without a final line end and CRLF lines read as
//! the `csv` crate reads them.

use std::path::Path;

use super::blocks::{Read, read_blocks};
use super::header::plan_header;
use super::{read_header, read_quoted};
use crate::diag::Diagnostic;
use crate::model::{AttrDecl, AttrType, Kind, KindSchema, TableBuilder};
use crate::source::FileId;

const DIR: &str = "tests/fixtures/csv-blocks";

fn schemas() -> [KindSchema; 3] {
    let declare = |s: &mut KindSchema, name: &str, ty: AttrType| {
        let decl = AttrDecl {
            name: name.into(),
            ty,
            unit: None,
            description: None,
            descriptive: false,
            key_figure: None,
            span: None,
        };
        assert!(s.declare(decl).is_ok());
    };
    let mut schemas: [KindSchema; 3] = Default::default();
    let company = &mut schemas[Kind::Company.index()];
    for (name, ty) in [
        ("x", AttrType::Number),
        ("y", AttrType::Number),
        ("t", AttrType::Text),
        ("b", AttrType::Bool),
        ("d", AttrType::Date),
        ("l", AttrType::List),
    ] {
        declare(company, name, ty);
    }
    declare(&mut schemas[Kind::Segment.index()], "x", AttrType::Number);
    schemas
}

/// Everything a read left in the builders and the diagnostics, as text (NaN compares equal).
fn read(path: &Path, block: Option<usize>) -> String {
    let schemas = schemas();
    let mut builders = Kind::ALL.map(|k| TableBuilder::new(k, &schemas[k.index()]));
    let mut errors: Vec<Diagnostic> = Vec::new();
    let (mut reader, header) = read_header(path, FileId(0), &mut errors).expect("read").expect("header");
    let sources = std::sync::Arc::new(crate::model::Sources::default());
    let ctx = crate::load::provenance::TableContext { sources: &sources, declared: None };
    let plan = plan_header(&header, FileId(0), &schemas, &ctx, &mut errors).expect("plan");
    match block {
        Some(block) => {
            let size = std::fs::metadata(path).expect("size").len();
            let done = read_blocks(&mut reader, size, block, &plan, &mut builders, &mut errors).expect("read");
            assert!(matches!(done, Read::Done), "{path:?} has no quote");
        }
        None => read_quoted(reader, &plan, &mut builders, &mut errors).expect("read"),
    }
    let tables: Vec<String> = builders
        .iter()
        .map(|b| {
            let cells = b.table.columns.len() as u32;
            let prov: Vec<_> = (0..b.len())
                .flat_map(|r| (0..cells).map(move |a| (r, a)))
                .map(|(r, a)| b.table.wide.get(r, a))
                .collect();
            format!(
                "{:?}\n{:?}\n{:?}\n{:?}\n{:?}\n{:?}\n{prov:?}",
                b.table.ids, b.table.names, b.table.columns, b.table.origins, b.exposures, b.headquarters
            )
        })
        .collect();
    // Diagnostics are sorted by place before they are shown: a block's provenance problems
    // follow its other problems.
    errors.sort_by_key(|d| match d.location {
        Some(crate::diag::Location::LineCol { line, col, .. }) => (line, col),
        _ => (0, 0),
    });
    format!("{}\n{errors:#?}", tables.join("\n"))
}

#[test]
fn every_block_size_reads_each_file_as_the_record_by_record_path_does() {
    for name in ["wide.csv", "crlf.csv", "keys-last.csv", "provenance.csv"] {
        let path = Path::new(DIR).join(name);
        let len = std::fs::metadata(&path).expect("fixture").len() as usize;
        let want = read(&path, None);
        assert!(want.contains("severity: Error"), "{name} holds mistakes");
        for block in (1..=64).chain([100, 257, len, 8 << 20]) {
            assert_eq!(read(&path, Some(block)), want, "{name}, blocks of {block} bytes");
        }
    }
}

#[test]
fn a_line_that_is_not_utf8_is_one_diagnostic_and_the_other_rows_are_read() {
    let path = Path::new(DIR).join("latin1.csv");
    let want = read(&path, Some(8 << 20));
    assert_eq!(want.matches("not UTF-8 text").count(), 1, "{want}");
    assert!(want.contains("u1") && want.contains("u3") && want.contains("declared number, but this is `zz`"), "{want}");
    for block in 1..=70 {
        assert_eq!(read(&path, Some(block)), want, "blocks of {block} bytes");
    }
}

#[test]
fn room_for_rows_is_guessed_from_the_first_block_and_bounded() {
    assert_eq!(super::blocks::estimate_rows(1000, 100, 5), 27);
    // Blank lines make short lines: never more rows than fields of one byte would make.
    assert_eq!(super::blocks::estimate_rows(1000, 1, 11), 101);
}
