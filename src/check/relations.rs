//! Resolving exposures and headquarters to rows, and checking their weights (check stage).

use std::collections::HashMap;

use crate::diag::{Code, Diagnostic, did_you_mean};
use crate::model::exposure::{self, At};
use crate::model::{EntityTable, Exposure, Kind, RawRelation, Row, TableBuilder};

/// Finishes the tables: relations become rows; dangling targets, bad weights and sums that
/// are not 1 are reported.
pub(super) fn resolve_relations(builders: [TableBuilder; 3], diags: &mut Vec<Diagnostic>) -> [EntityTable; 3] {
    let index: [HashMap<String, Row>; 3] = Kind::ALL.map(|k| {
        let t = &builders[k.index()].table;
        let targeted = builders.iter().any(|b| {
            b.exposures.iter().any(|r| r.target_kind == k) || (k == Kind::Region && !b.headquarters.is_empty())
        });
        if !targeted {
            return HashMap::new();
        }
        (0..t.len()).map(|r| (t.id(r).to_string(), r as Row)).collect()
    });
    let ids: [Vec<String>; 3] = Kind::ALL.map(|k| {
        let mut v: Vec<String> = index[k.index()].keys().cloned().collect();
        v.sort();
        v
    });
    builders.map(|b| {
        let rows = b.len();
        let exposure = build_exposures(&b, rows, &index, &ids, diags);
        let hq = build_headquarters(&b, rows, &index, &ids, diags);
        b.finish(exposure, hq)
    })
}

fn locate(d: Diagnostic, r: &RawRelation) -> Diagnostic {
    match (r.span, r.line_col) {
        (Some(s), _) => d.at(s),
        (None, Some((f, l, c))) => d.at_line_col(f, l, c),
        _ => d,
    }
}

fn dangling(r: &RawRelation, from: &str, ids: &[Vec<String>; 3]) -> Diagnostic {
    let d = Diagnostic::error(
        Code::DanglingRelation,
        format!("`{from}` refers to {} `{}`, which does not exist", r.target_kind, r.target),
    );
    let d = match did_you_mean(&r.target, ids[r.target_kind.index()].iter().map(String::as_str)) {
        Some(s) => d.hint(format!("did you mean `{s}`?")),
        None => d.hint(format!("define a {} with id `{}` in a dataset file", r.target_kind, r.target)),
    };
    locate(d, r)
}

fn build_exposures(
    b: &TableBuilder,
    rows: usize,
    index: &[HashMap<String, Row>; 3],
    ids: &[Vec<String>; 3],
    diags: &mut Vec<Diagnostic>,
) -> [Option<Exposure>; 3] {
    Kind::ALL.map(|target_kind| {
        let rels: Vec<&RawRelation> = b.exposures.iter().filter(|r| r.target_kind == target_kind).collect();
        if rels.is_empty() {
            return None;
        }
        let mut exp = Exposure::new();
        let mut i = 0;
        for row in 0..rows as Row {
            let start = i;
            while i < rels.len() && rels[i].row == row {
                i += 1;
            }
            let group = &rels[start..i];
            let resolved = resolve_group(b, group, index, ids, diags);
            exp.push_row(resolved);
        }
        Some(exp)
    })
}

fn resolve_group(
    b: &TableBuilder,
    group: &[&RawRelation],
    index: &[HashMap<String, Row>; 3],
    ids: &[Vec<String>; 3],
    diags: &mut Vec<Diagnostic>,
) -> Vec<(Row, f64)> {
    let Some(first) = group.first() else {
        return Vec::new();
    };
    let from = b.table.id(first.row as usize);
    let weights: Vec<(&str, f64)> = group.iter().map(|r| (r.target.as_str(), r.weight)).collect();
    for (at, p) in exposure::problems(from, first.target_kind, &weights) {
        let r = match at {
            At::Weight(i) => group[i],
            At::Group => first,
        };
        diags.push(locate(p.at(None), r));
    }
    let mut out = Vec::with_capacity(group.len());
    for r in group.iter().filter(|r| exposure::weight_ok(r.weight)) {
        match index[r.target_kind.index()].get(&r.target) {
            Some(&t) => out.push((t, r.weight)),
            None => diags.push(dangling(r, from, ids)),
        }
    }
    out
}

fn build_headquarters(
    b: &TableBuilder,
    rows: usize,
    index: &[HashMap<String, Row>; 3],
    ids: &[Vec<String>; 3],
    diags: &mut Vec<Diagnostic>,
) -> Option<Vec<Option<Row>>> {
    if b.headquarters.is_empty() {
        return None;
    }
    let mut hq = vec![None; rows];
    for r in &b.headquarters {
        match index[Kind::Region.index()].get(&r.target) {
            Some(&t) => hq[r.row as usize] = Some(t),
            None => diags.push(dangling(r, b.table.id(r.row as usize), ids)),
        }
    }
    Some(hq)
}
