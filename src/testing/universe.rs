//! The dataset a case is scored in: the entities of its universe, plus the case's own entity
//! (new, or a dataset entity with facts changed); the other kinds as they are (test stage).

use std::sync::Arc;

use super::{Case, NewEntity, Subject};
use crate::check::attrs::Cell;
use crate::diag::Location;
use crate::model::{Column, Dataset, EntityTable, Exposure, Kind, Origin, Row};

/// The case's dataset and the row of its subject in its kind's table.
pub(super) fn case_dataset(ds: &Dataset, case: &Case) -> (Dataset, usize) {
    let src = ds.table(case.kind);
    let replaced = match &case.subject {
        Subject::Built(n) => src.find(&n.id),
        Subject::Existing(_) => None,
    };
    let mut rows: Vec<Row> = case.universe.clone().unwrap_or_else(|| (0..src.len() as Row).collect());
    rows.retain(|r| Some(*r) != replaced);
    if let Subject::Existing(r) = case.subject
        && !rows.contains(&r)
    {
        rows.push(r);
    }
    let mut t = EntityTable::new(case.kind);
    t.view = src.view;
    t.columns = src.columns.iter().map(|c| c.empty_like(rows.len() + 1)).collect();
    let mut exposure: [Option<Exposure>; 3] = Kind::ALL.map(|k| wants_exposure(src, case, k).then(Exposure::new));
    let mut hq = (src.headquarters.is_some() || built(case).is_some_and(|n| n.headquarters.is_some())).then(Vec::new);
    for &r in &rows {
        copy_row(src, r as usize, None, &mut t, &mut exposure, &mut hq);
    }
    let subject = match &case.subject {
        Subject::Existing(r) => rows.iter().position(|x| x == r).unwrap_or_default(),
        Subject::Built(n) => {
            add_built(src, n, ds, &mut t, &mut exposure, &mut hq);
            t.len() - 1
        }
    };
    t.exposure = exposure;
    t.headquarters = hq;
    let mut moved: Vec<Option<Row>> = vec![None; src.len()];
    for (new, &old) in rows.iter().enumerate() {
        moved[old as usize] = Some(new as Row);
    }
    if let Some(old) = replaced {
        moved[old as usize] = Some(subject as Row);
    }
    let mut tables = ds.tables.clone();
    for k in Kind::ALL.into_iter().filter(|&k| k != case.kind) {
        if relates_to(&ds.tables[k.index()], case.kind) {
            tables[k.index()] = Arc::new(retarget(&ds.tables[k.index()], case.kind, &moved));
        }
    }
    tables[case.kind.index()] = Arc::new(t);
    (
        Dataset {
            schemas: ds.schemas.clone(),
            tables,
            files: ds.files.clone(),
            as_of: ds.as_of,
            derived: ds.derived,
            raw: None,
            unloaded: ds.unloaded.clone(),
            sources: ds.sources.clone(),
        },
        subject,
    )
}

/// Whether a table holds relations to entities of `kind`.
fn relates_to(t: &EntityTable, kind: Kind) -> bool {
    t.exposure[kind.index()].is_some() || (kind == Kind::Region && t.headquarters.is_some())
}

/// A copy of `t` whose relations to `kind` follow that kind's rows to their places in the case
/// table (`moved[old]`); relations to entities left out of the universe are dropped.
fn retarget(t: &EntityTable, kind: Kind, moved: &[Option<Row>]) -> EntityTable {
    let mut copy = EntityTable::new(t.kind);
    copy.ids = t.ids.clone();
    copy.names = t.names.clone();
    copy.columns = t.columns.clone();
    copy.provenance = t.provenance.clone();
    copy.wide = t.wide.clone();
    copy.withheld = t.withheld.clone();
    copy.superseded = t.superseded.clone();
    copy.view = t.view;
    copy.origins = t.origins.clone();
    copy.exposure = t.exposure.clone();
    copy.headquarters = t.headquarters.clone();
    if let Some(old) = &t.exposure[kind.index()] {
        let mut exp = Exposure::new();
        for row in 0..old.rows() {
            exp.push_row(
                old.row(row).filter_map(|(target, w)| Some((moved.get(target as usize).copied().flatten()?, w))),
            );
        }
        copy.exposure[kind.index()] = Some(exp);
    }
    if kind == Kind::Region {
        copy.headquarters = t
            .headquarters
            .as_ref()
            .map(|hq| hq.iter().map(|r| r.and_then(|r| moved.get(r as usize).copied().flatten())).collect());
    }
    copy
}

fn built(case: &Case) -> Option<&NewEntity> {
    match &case.subject {
        Subject::Built(n) => Some(n),
        Subject::Existing(_) => None,
    }
}

fn wants_exposure(src: &EntityTable, case: &Case, k: Kind) -> bool {
    src.exposure[k.index()].is_some() || built(case).is_some_and(|n| n.exposure.iter().any(|(x, _)| *x == k))
}

fn push_value(dst: &mut Column, src: &Column, row: usize) {
    match (dst, src) {
        (Column::Number(d), Column::Number(s)) => d.push(s[row]),
        (Column::Bool(d), Column::Bool(s)) => d.push(s[row]),
        (Column::Text(d), Column::Text(s)) => d.push(s[row].clone()),
        (Column::Date(d), Column::Date(s)) => d.push(s[row]),
        (Column::List(d), Column::List(s)) => d.push(s[row].clone()),
        _ => {}
    }
}

/// Appends row `r` of `src` to `t` (as `id` if given), with its facts and relations.
fn copy_row(
    src: &EntityTable,
    r: usize,
    id: Option<(&str, &str)>,
    t: &mut EntityTable,
    exposure: &mut [Option<Exposure>; 3],
    hq: &mut Option<Vec<Option<Row>>>,
) {
    let new = t.len() as Row;
    let (id, name) = id.unwrap_or((src.id(r), src.name(r)));
    t.ids.push(id);
    t.names.push(name);
    for (dst, col) in t.columns.iter_mut().zip(&src.columns) {
        push_value(dst, col, r);
    }
    for a in 0..src.columns.len() as u32 {
        if let Some(p) = src.provenance(r, a) {
            t.provenance.insert((new, a), Arc::clone(p));
        }
        if let Some(w) = src.withheld_at(r, a) {
            t.withheld.insert((new, a), w);
        }
        if let Some(w) = src.superseded.get(&(r as Row, a)) {
            t.superseded.insert((new, a), w.clone());
        }
    }
    for k in Kind::ALL {
        if let Some(e) = &mut exposure[k.index()] {
            let items: Vec<(Row, f64)> = src.exposure[k.index()].as_ref().map_or_else(Vec::new, |x| x.row(r).collect());
            e.push_row(items);
        }
    }
    if let Some(h) = hq {
        h.push(src.headquarters.as_ref().and_then(|v| v[r]));
    }
    if let Some(origin) = src.origin(r) {
        t.origins.push((new, origin_of(origin)));
    }
}

fn origin_of(loc: Location) -> Origin {
    match loc {
        Location::Span(s) => Origin::Yaml(vec![s]),
        Location::LineCol { file, line, .. } => Origin::Csv { file, lines: vec![line as u32] },
    }
}

/// Appends the case's own entity: its base row's facts (if any), then its own.
fn add_built(
    src: &EntityTable,
    n: &NewEntity,
    ds: &Dataset,
    t: &mut EntityTable,
    exposure: &mut [Option<Exposure>; 3],
    hq: &mut Option<Vec<Option<Row>>>,
) {
    let row = t.len();
    match n.base {
        Some(b) => copy_row(src, b as usize, Some((&n.id, &n.name)), t, exposure, hq),
        None => {
            t.ids.push(&n.id);
            t.names.push(&n.name);
            for c in &mut t.columns {
                c.push_missing();
            }
            for e in exposure.iter_mut().flatten() {
                e.push_row(std::iter::empty());
            }
            if let Some(h) = hq {
                h.push(None);
            }
        }
    }
    t.origins.retain(|(r, _)| *r as usize != row);
    if let Some(span) = n.span {
        t.origins.push((row as Row, Origin::Yaml(vec![span])));
    }
    for (attr, cell, prov) in &n.values {
        set_value(t, row, *attr, cell, prov, ds.as_of);
    }
    replace_relations(n, row, exposure, hq);
}

fn set_value(
    t: &mut EntityTable,
    row: usize,
    attr: u32,
    cell: &Cell,
    prov: &crate::model::Provenance,
    as_of: Option<crate::model::Date>,
) {
    let key = (row as Row, attr);
    let col = &mut t.columns[attr as usize];
    col.clear(row);
    t.provenance.remove(&key);
    t.withheld.remove(&key);
    cell.clone().store(col, row);
    if as_of.is_some_and(|cut| prov.is_after(cut)) {
        t.withhold(key.0, key.1, Arc::new(prov.clone()));
    } else if !prov.is_empty() || t.wide.get(row, attr).is_some() {
        // An empty provenance hides what a wide file gave the row: the case's value is its own.
        t.provenance.insert(key, Arc::new(prov.clone()));
    }
}

/// The entity's own exposures and headquarters replace its base's, kind by kind.
fn replace_relations(
    n: &NewEntity,
    row: usize,
    exposure: &mut [Option<Exposure>; 3],
    hq: &mut Option<Vec<Option<Row>>>,
) {
    for (k, items) in &n.exposure {
        if let Some(e) = &mut exposure[k.index()] {
            *e = rebuilt_last(e, row, items);
        }
    }
    if let (Some(h), Some(r)) = (hq, n.headquarters) {
        h[row] = Some(r);
    }
}

/// `e` with its last row replaced by `items`.
fn rebuilt_last(e: &Exposure, last: usize, items: &[(Row, f64)]) -> Exposure {
    let mut out = Exposure::new();
    for r in 0..last {
        out.push_row(e.row(r).collect::<Vec<_>>());
    }
    out.push_row(items.iter().copied());
    out
}
