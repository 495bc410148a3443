//! Resolving exposures and headquarters to rows, and checking their weights (check stage).

use std::collections::HashMap;

use crate::diag::{Code, Diagnostic, did_you_mean};
use crate::model::exposure::{self, At};
use crate::model::{EntityTable, Exposure, Kind, RawRelation, Row, TableBuilder, Unloaded};

/// Finishes the tables: relations become rows; dangling targets, bad weights and sums that
/// are not 1 are reported.
pub(super) fn resolve_relations(
    builders: [TableBuilder; 3],
    unloaded: &Unloaded,
    diags: &mut Vec<Diagnostic>,
) -> [EntityTable; 3] {
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
    let ids = Known {
        ids: Kind::ALL.map(|k| {
            let mut v: Vec<String> = index[k.index()].keys().cloned().collect();
            v.sort();
            v
        }),
        unloaded,
    };
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

/// The ids a relation may name, and those that were written but failed to load.
struct Known<'a> {
    ids: [Vec<String>; 3],
    unloaded: &'a Unloaded,
}

/// Most valid ids an E102 hint lists.
const LISTED_IDS: usize = 12;

/// E102 for a target that does not exist; `None` when it exists but failed to load (its own
/// error says why).
fn dangling(r: &RawRelation, from: &str, known: &Known<'_>) -> Option<Diagnostic> {
    if known.unloaded.entity(&r.target) {
        return None;
    }
    let kind = r.target_kind;
    let d = Diagnostic::error(
        Code::DanglingRelation,
        format!("`{from}` refers to {kind} `{}`, which does not exist", r.target),
    );
    let ids = &known.ids[kind.index()];
    let near = did_you_mean(&r.target, ids.iter().map(String::as_str))
        .or_else(|| ids.iter().map(String::as_str).find(|id| r.target.len() >= 3 && id.contains(r.target.as_str())));
    let d = match near {
        Some(s) => d.hint(format!("did you mean `{s}`?")),
        None if !ids.is_empty() && ids.len() <= LISTED_IDS => d.hint(format!(
            "the {kind} ids are {}; or define a {kind} with id `{}` in a dataset file",
            ids.iter().map(|i| format!("`{i}`")).collect::<Vec<_>>().join(", "),
            r.target
        )),
        None => d.hint(format!("define a {kind} with id `{}` in a dataset file", r.target)),
    };
    Some(locate(d, r))
}

fn build_exposures(
    b: &TableBuilder,
    rows: usize,
    index: &[HashMap<String, Row>; 3],
    ids: &Known<'_>,
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
    ids: &Known<'_>,
    diags: &mut Vec<Diagnostic>,
) -> Vec<(Row, f64)> {
    let Some(first) = group.first() else {
        return Vec::new();
    };
    let from = b.table.id(first.row as usize);
    let weights: Vec<(&str, f64)> = group.iter().map(|r| (r.target.as_str(), r.weight)).collect();
    for (at, p) in exposure::problems(from, first.target_kind, &weights) {
        let d = match at {
            At::Weight(i) => locate(p.at(None), group[i]),
            // A sum is the whole mapping's problem: the caret spans it (F-12).
            At::Group => match first.group {
                Some(span) => p.at(Some(span)),
                None => locate(p.at(None), first),
            },
        };
        diags.push(d);
    }
    let mut out = Vec::with_capacity(group.len());
    for r in group.iter().filter(|r| exposure::weight_ok(r.weight)) {
        match index[r.target_kind.index()].get(&r.target) {
            Some(&t) => out.push((t, r.weight)),
            None => diags.extend(dangling(r, from, ids)),
        }
    }
    out
}

fn build_headquarters(
    b: &TableBuilder,
    rows: usize,
    index: &[HashMap<String, Row>; 3],
    ids: &Known<'_>,
    diags: &mut Vec<Diagnostic>,
) -> Option<Vec<Option<Row>>> {
    if b.headquarters.is_empty() {
        return None;
    }
    let mut hq = vec![None; rows];
    for r in &b.headquarters {
        match index[Kind::Region.index()].get(&r.target) {
            Some(&t) => hq[r.row as usize] = Some(t),
            None => diags.extend(dangling(r, b.table.id(r.row as usize), ids)),
        }
    }
    Some(hq)
}
