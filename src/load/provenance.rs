//! Provenance cells of table files (load stage): the fields a wide row, a wide column's
//! override (`<field>:<attribute>`) or a long row writes — `source`, `cite` (registry ids
//! joined by `;`), `grade`, `period` (or its old name `as_of`), `published`, `judgment`, `note`
//! — checked once per distinct text (E106, E107, E801) and layered over the file's `tables:`
//! declaration. Wide rows are interned per block: a million rows with one source cost one
//! provenance and one index per row ([`crate::model::wide`]).

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};

use super::csv::header::ColumnRole;
use crate::diag::{Code, Diagnostic, Problem, did_you_mean};
use crate::model::wide::{NONE, RowBlock, WideProvenance};
use crate::model::{AttrId, Date, Kind, KindSchema, Provenance, Row, Sources};
use crate::source::FileId;

/// A provenance column.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum ProvField {
    Period,
    Published,
    Source,
    Cite,
    Grade,
    Judgment,
    Note,
}

/// How many [`ProvField`]s there are.
pub(crate) const PROV_FIELDS: usize = 7;

impl ProvField {
    pub(crate) const ALL: [ProvField; PROV_FIELDS] = [
        ProvField::Period,
        ProvField::Published,
        ProvField::Source,
        ProvField::Cite,
        ProvField::Grade,
        ProvField::Judgment,
        ProvField::Note,
    ];

    /// The column name (`as_of` is read as `period`).
    pub(crate) fn name(self) -> &'static str {
        ["period", "published", "source", "cite", "grade", "judgment", "note"][self as usize]
    }

    /// The field a column name gives: its name, or `as_of` for `period`.
    pub(crate) fn parse(name: &str) -> Option<ProvField> {
        match name {
            "as_of" => Some(ProvField::Period),
            _ => ProvField::ALL.into_iter().find(|f| f.name() == name),
        }
    }
}

/// Checks one set of provenance cells (empty: not given), reporting each bad cell through
/// `report`; `None` when one is bad.
pub(crate) fn check_cells(
    cells: &[&str; PROV_FIELDS],
    sources: &Sources,
    mut report: impl FnMut(ProvField, Problem),
) -> Option<Provenance> {
    let get = |f: ProvField| cells[f as usize].trim();
    let mut bad = false;
    let mut date = |f: ProvField, report: &mut dyn FnMut(ProvField, Problem)| match get(f) {
        "" => None,
        t => Date::parse(t).or_else(|| {
            bad = true;
            report(
                f,
                Problem::new(Code::BadDate, format!("`{t}` is not a date")).hint("write YYYY-MM-DD, YYYY-MM or YYYY"),
            );
            None
        }),
    };
    let (period, published) = (date(ProvField::Period, &mut report), date(ProvField::Published, &mut report));
    let text = |f: ProvField| Some(get(f)).filter(|t| !t.is_empty()).map(str::to_string);
    let grade = text(ProvField::Grade);
    if let Some(g) = grade.as_deref().filter(|g| !crate::model::is_grade(g)) {
        bad = true;
        let p = Problem::new(Code::BadGrade, format!("grade `{g}` is not A, B or C")).hint(crate::model::GRADE_HINT);
        report(ProvField::Grade, p);
    }
    let cite: Vec<String> =
        get(ProvField::Cite).split(';').map(str::trim).filter(|c| !c.is_empty()).map(str::to_string).collect();
    for id in cite.iter().filter(|id| sources.get(id).is_none()) {
        bad = true;
        let p = Problem::new(Code::UnknownSource, format!("`{id}` is not a declared source"));
        let p = match did_you_mean(id, sources.iter().map(|s| s.id.as_str())) {
            Some(s) => p.hint(format!("did you mean `{s}`?")),
            None => p.hint("declare it in a source registry (`kind: sources`), or cite a declared id"),
        };
        report(ProvField::Cite, p);
    }
    (!bad).then(|| Provenance {
        source: text(ProvField::Source),
        cite,
        period,
        published,
        grade,
        judgment: text(ProvField::Judgment),
        note: text(ProvField::Note),
    })
}

/// `over` written on top of `below` (a row over its file's declaration, a column's override
/// over its row). What the value rests on — `source`, `cite`, `judgment` and its `grade` — goes
/// together: a level naming any of the first three replaces all four below it. `grade` alone,
/// `period`, `published` and `note` replace only themselves.
pub(crate) fn layer(below: &Provenance, over: Provenance) -> Provenance {
    let basis = over.source.is_some() || !over.cite.is_empty() || over.judgment.is_some();
    if basis {
        return Provenance {
            period: over.period.or(below.period),
            published: over.published.or(below.published),
            note: over.note.or_else(|| below.note.clone()),
            ..over
        };
    }
    Provenance {
        source: below.source.clone(),
        cite: below.cite.clone(),
        judgment: below.judgment.clone(),
        grade: over.grade.or_else(|| below.grade.clone()),
        period: over.period.or(below.period),
        published: over.published.or(below.published),
        note: over.note.or_else(|| below.note.clone()),
    }
}

/// What a wide file says about its cells' provenance: its `tables:` declaration and its
/// provenance columns, resolved once per file.
pub(crate) struct ProvPlan {
    /// The file's declaration (`tables:` in a dataset file).
    pub(crate) base: Option<Arc<Provenance>>,
    /// The column of each row-level field.
    pub(crate) row: [Option<usize>; PROV_FIELDS],
    /// Per kind: each overridden attribute with the column of each of its fields.
    pub(crate) attrs: [Vec<(AttrId, [Option<usize>; PROV_FIELDS])>; 3],
    pub(crate) sources: Arc<Sources>,
    /// Problems already reported for this file: a bad cell repeated on many rows is one mistake.
    seen: Mutex<HashSet<(Code, String)>>,
}

impl ProvPlan {
    /// Forgets the problems reported (the file is read again from its start).
    pub(crate) fn forget(&self) {
        self.seen.lock().unwrap_or_else(std::sync::PoisonError::into_inner).clear();
    }

    pub(crate) fn new(
        base: Option<Arc<Provenance>>,
        row: [Option<usize>; PROV_FIELDS],
        attrs: [Vec<(AttrId, [Option<usize>; PROV_FIELDS])>; 3],
        sources: Arc<Sources>,
    ) -> ProvPlan {
        ProvPlan { base, row, attrs, sources, seen: Mutex::default() }
    }
}

/// What a wide reader needs to read provenance: the registry cells cite, and the file's
/// `tables:` declaration.
pub(crate) struct TableContext<'a> {
    pub(crate) sources: &'a Arc<Sources>,
    pub(crate) declared: Option<&'a Arc<Provenance>>,
}

/// Resolves a header's provenance columns (roles already read, each reported at `at[i]`) into
/// the plan's [`ProvPlan`]; `None` when the file says nothing about provenance. A
/// `<field>:<attribute>` column must override an attribute column of the same file (E104 for
/// an undeclared name, E108 for a declared one the file has no column for).
pub(crate) fn plan(
    roles: &[ColumnRole],
    at: &[usize],
    file: FileId,
    schemas: &[KindSchema; 3],
    ctx: &TableContext<'_>,
    errors: &mut Vec<Diagnostic>,
) -> Option<ProvPlan> {
    let mut row = [None; PROV_FIELDS];
    let mut overrides: Vec<(&str, [Option<usize>; PROV_FIELDS])> = Vec::new();
    for (i, role) in roles.iter().enumerate() {
        match role {
            ColumnRole::Provenance(f, None) => row[*f as usize] = Some(i),
            ColumnRole::Provenance(f, Some(attr)) => {
                if !roles.contains(&ColumnRole::Attribute(attr.clone())) {
                    errors.push(stray_override(f.name(), attr, roles, schemas).at_line_col(file, 1, at[i]));
                    continue;
                }
                match overrides.iter_mut().find(|(a, _)| a == attr) {
                    Some((_, cols)) => cols[*f as usize] = Some(i),
                    None => {
                        let mut cols = [None; PROV_FIELDS];
                        cols[*f as usize] = Some(i);
                        overrides.push((attr, cols));
                    }
                }
            }
            _ => {}
        }
    }
    if row.iter().all(Option::is_none) && overrides.is_empty() && ctx.declared.is_none() {
        return None;
    }
    let attrs = Kind::ALL.map(|k| {
        let schema = &schemas[k.index()];
        overrides.iter().filter_map(|(a, cols)| schema.get(a).map(|id| (id, *cols))).collect()
    });
    Some(ProvPlan::new(ctx.declared.cloned(), row, attrs, Arc::clone(ctx.sources)))
}

/// A `<field>:<attribute>` column whose attribute the file has no column for.
fn stray_override(field: &str, attr: &str, roles: &[ColumnRole], schemas: &[KindSchema; 3]) -> Diagnostic {
    let columns = roles.iter().filter_map(|r| match r {
        ColumnRole::Attribute(a) => Some(a.as_str()),
        _ => None,
    });
    let declared = schemas.iter().any(|s| s.get(attr).is_some());
    let suggestion = match declared {
        true => did_you_mean(attr, columns),
        false => did_you_mean(attr, schemas.iter().flat_map(|s| s.names())),
    };
    let d = match declared {
        true => Diagnostic::error(
            Code::CsvFormat,
            format!("column `{field}:{attr}` overrides `{attr}`, but this file has no `{attr}` column"),
        ),
        false => Diagnostic::error(
            Code::UndeclaredAttribute,
            format!("column `{field}:{attr}` names `{attr}`, which is not a declared attribute"),
        ),
    };
    match suggestion {
        Some(s) => d.hint(format!("did you mean `{field}:{s}`?")),
        None => {
            d.hint(format!("a `{field}:<attribute>` column gives the `{field}` of that attribute's cells in each row"))
        }
    }
}

/// The provenance of one block's rows of one kind, interned as they are read.
#[derive(Default)]
pub(crate) struct ProvRows {
    block: RowBlock,
    /// Cell texts already seen in this block → pool index ([`NONE`]: none, or a bad cell).
    cache: HashMap<String, u32>,
    key: String,
    /// Per slot (the row's, then each override's), the last key and its index: consecutive
    /// rows of an export mostly write the same.
    last: Vec<(String, u32)>,
    /// Problems of the block's cells, each at its first row in the block.
    errors: Vec<Diagnostic>,
}

/// Cached entries kept per block before the cache starts again (rows with distinct notes or
/// dates would otherwise keep every text).
const CACHE_ENTRIES: usize = 4096;

impl ProvRows {
    /// Reads the provenance of the next row of `kind`: `cell(column)` gives a cell's text,
    /// `at(column, problem)` locates a problem.
    pub(crate) fn push<'c>(
        &mut self,
        plan: &ProvPlan,
        kind: Kind,
        cell: impl Fn(usize) -> &'c str,
        at: impl Fn(usize, Problem) -> Diagnostic,
    ) {
        let texts = |cols: &[Option<usize>; PROV_FIELDS]| cols.map(|c| c.map_or("", &cell));
        let row = texts(&plan.row);
        self.key.clear();
        for t in &row {
            self.key.push_str(t);
            self.key.push('\u{1f}');
        }
        let below = self.intern(plan, (0, &plan.row), &row, None, &at);
        self.block.rows.push(below);
        for (k, (attr, cols)) in plan.attrs[kind.index()].iter().enumerate() {
            let cells = texts(cols);
            let idx = if cells.iter().all(|c| c.trim().is_empty()) {
                NONE
            } else {
                let len = self.key.len();
                self.key.push('\u{1e}');
                cells.iter().for_each(|t| {
                    self.key.push_str(t);
                    self.key.push('\u{1f}');
                });
                let i = self.intern(plan, (k + 1, cols), &cells, Some(below), &at);
                self.key.truncate(len);
                i
            };
            match self.block.attrs.get_mut(k) {
                Some((_, v)) => v.push(idx),
                None => {
                    let mut v = vec![NONE; self.block.rows.len() - 1];
                    v.push(idx);
                    self.block.attrs.push((*attr, v));
                }
            }
        }
    }

    /// The pool index of `cells` over `below` (the row's index; `None`: the file's declaration).
    fn intern(
        &mut self,
        plan: &ProvPlan,
        (slot, cols): (usize, &[Option<usize>; PROV_FIELDS]),
        cells: &[&str; PROV_FIELDS],
        below: Option<u32>,
        at: &impl Fn(usize, Problem) -> Diagnostic,
    ) -> u32 {
        if let Some((key, i)) = self.last.get(slot)
            && *key == self.key
        {
            return *i;
        }
        let i = self.lookup(plan, cols, cells, below, at);
        if self.last.len() <= slot {
            self.last.resize(slot + 1, (String::new(), NONE));
        }
        let last = &mut self.last[slot];
        last.0.clone_from(&self.key);
        last.1 = i;
        i
    }

    /// [`Self::intern`] past the last row's: the block's cache, else the cells checked.
    fn lookup(
        &mut self,
        plan: &ProvPlan,
        cols: &[Option<usize>; PROV_FIELDS],
        cells: &[&str; PROV_FIELDS],
        below: Option<u32>,
        at: &impl Fn(usize, Problem) -> Diagnostic,
    ) -> u32 {
        if let Some(&i) = self.cache.get(self.key.as_str()) {
            return i;
        }
        if self.cache.len() >= CACHE_ENTRIES {
            self.cache.clear();
        }
        let given = cells.iter().any(|c| !c.trim().is_empty());
        let errors = &mut self.errors;
        let own = check_cells(cells, &plan.sources, |f, p| {
            if let Some(col) = cols[f as usize] {
                errors.push(at(col, p));
            }
        });
        let under = match below {
            Some(NONE) | None => plan.base.as_deref(),
            Some(i) => self.block.pool.get(i as usize).map(|p| &**p),
        };
        let prov = match (own, under) {
            (None, _) => None,
            (Some(_), None) if !given => None,
            (Some(p), None) => Some(p),
            (Some(p), Some(u)) => Some(layer(u, p)),
        };
        let i = match prov {
            Some(p) if !p.is_empty() => {
                self.block.pool.push(Arc::new(p));
                self.block.pool.len() as u32 - 1
            }
            _ => NONE,
        };
        self.cache.insert(self.key.clone(), i);
        i
    }

    /// The block's problems, to move their lines (a block numbers its lines from 0).
    pub(crate) fn errors_mut(&mut self) -> &mut Vec<Diagnostic> {
        &mut self.errors
    }

    /// Appends the block (its first row is `first` of the table) and its problems, each
    /// problem once per file.
    pub(crate) fn append(self, plan: &ProvPlan, wide: &mut WideProvenance, first: Row, errors: &mut Vec<Diagnostic>) {
        let mut seen = plan.seen.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        errors.extend(self.errors.into_iter().filter(|d| seen.insert((d.code, d.message.clone()))));
        drop(seen);
        let mut block = self.block;
        block.attrs.iter_mut().for_each(|(_, v)| v.resize(block.rows.len(), NONE));
        wide.append(first, block);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(source: Option<&str>, cite: &[&str], grade: Option<&str>, published: Option<&str>) -> Provenance {
        Provenance {
            source: source.map(str::to_string),
            cite: cite.iter().map(|c| c.to_string()).collect(),
            grade: grade.map(str::to_string),
            published: published.and_then(Date::parse),
            ..Provenance::default()
        }
    }

    #[test]
    fn a_new_basis_replaces_the_one_below_with_its_grade_and_dates_layer_field_by_field() {
        let file = p(None, &["vendor"], Some("B"), Some("2025-04-01"));
        let row = layer(&file, p(Some("company filing"), &[], None, None));
        assert_eq!(row, p(Some("company filing"), &[], None, Some("2025-04-01")));
        let graded = layer(&file, p(None, &[], Some("C"), Some("2025-05-01")));
        assert_eq!(graded, p(None, &["vendor"], Some("C"), Some("2025-05-01")));
    }

    #[test]
    fn each_bad_cell_is_reported_and_the_provenance_dropped() {
        let mut problems = Vec::new();
        let cells = ["2025-13-01", "", "", "nope", "D", "", ""];
        let got = check_cells(&cells, &Sources::default(), |f, p| problems.push((f, p.code)));
        assert_eq!(got, None);
        assert_eq!(
            problems,
            [
                (ProvField::Period, Code::BadDate),
                (ProvField::Grade, Code::BadGrade),
                (ProvField::Cite, Code::UnknownSource)
            ]
        );
    }
}
