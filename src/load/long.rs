//! The long layout of a universe (load stage): one row per entity × attribute × observation,
//! for histories too large for YAML. Columns: `entity`, `attribute`, `value` (required), and
//! `kind`, `name`, `period` (or its alias `as_of`), `published`, `source`, `cite` (ids joined by
//! `;`), `grade`, `judgment`, `note`. The rows of one entity and attribute are its series,
//! resolved at the view date as a YAML `series:` is; one row is a one-value attribute.
//!
//! Format-agnostic: a reader (CSV here, Parquet beside it) resolves its column names with
//! [`plan_long`] and hands each row's cells to [`Observations::add`]; [`Observations::finish`]
//! stores the values and series in the table builders, checked as YAML observations are
//! (E611 repeated, W610 undated, E801 unknown source, E104/E106/E107/E108/E110 per cell) and
//! E612 for a row that names no entity or attribute, an entity it cannot define, or a value
//! another file already gives.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use crate::diag::{Code, Diagnostic, Problem, did_you_mean};
use crate::load::provenance::{ProvField, TableContext, check_cells, layer};
use crate::model::series::{Cell, Observation, period, published};
use crate::model::{AttrId, AttrType, Date, Kind, KindSchema, Origin, Provenance, Row, Sources, TableBuilder};
use crate::source::FileId;

/// A column of the long layout.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Field {
    Entity,
    Kind,
    Name,
    Attribute,
    Value,
    Period,
    Published,
    Source,
    Cite,
    Grade,
    Judgment,
    Note,
}

/// How many [`Field`]s there are.
pub(crate) const FIELDS: usize = 12;

impl Field {
    const ALL: [Field; FIELDS] = [
        Field::Entity,
        Field::Kind,
        Field::Name,
        Field::Attribute,
        Field::Value,
        Field::Period,
        Field::Published,
        Field::Source,
        Field::Cite,
        Field::Grade,
        Field::Judgment,
        Field::Note,
    ];

    /// The long layout's own columns; the rest are the provenance columns, in [`ProvField`] order.
    const OWN: [&'static str; 5] = ["entity", "kind", "name", "attribute", "value"];

    /// The column name: its own, or the provenance column's.
    pub(crate) fn name(self) -> &'static str {
        match Field::OWN.get(self as usize) {
            Some(name) => name,
            None => ProvField::ALL[self as usize - Field::OWN.len()].name(),
        }
    }

    /// The field of a provenance column.
    fn of(p: ProvField) -> Field {
        Field::ALL[Field::OWN.len() + p as usize]
    }

    /// The field a column name gives (`as_of` is read as `period`, as in every table file).
    fn parse(name: &str) -> Option<Field> {
        match Field::OWN.iter().position(|n| *n == name) {
            Some(i) => Some(Field::ALL[i]),
            None => ProvField::parse(name).map(Field::of),
        }
    }
}

/// Whether a table's column names are the long layout: `entity`, `attribute` and `value`, no `id`.
pub(crate) fn is_long<'a>(names: impl IntoIterator<Item = &'a str>) -> bool {
    let names: HashSet<&str> = names.into_iter().map(str::trim).collect();
    ["entity", "attribute", "value"].iter().all(|n| names.contains(n)) && !names.contains("id")
}

/// The columns of a long file, resolved: where each field is (`None`: not in the file).
#[derive(Clone, Debug)]
pub(crate) struct LongPlan {
    pub(crate) file: FileId,
    /// How many columns a row has.
    pub(crate) columns: usize,
    /// The column of each field, by [`Field`] index.
    pub(crate) at: [Option<usize>; FIELDS],
}

/// Resolves column names (each with the column it is reported at) into a [`LongPlan`]; unknown,
/// repeated and missing columns are reported. `None` when the file cannot be read with it.
pub(crate) fn plan_long(fields: Vec<(String, usize)>, file: FileId, errors: &mut Vec<Diagnostic>) -> Option<LongPlan> {
    let before = errors.len();
    let mut at = [None; FIELDS];
    let columns = fields.len();
    for (i, (name, col)) in fields.into_iter().enumerate() {
        let name = name.trim();
        let Some(f) = Field::parse(name) else {
            let known = Field::ALL.map(Field::name);
            let d = Diagnostic::error(Code::CsvFormat, format!("column `{name}` is not a column of the long layout"))
                .at_line_col(file, 1, col);
            errors.push(match did_you_mean(name, known) {
                Some(s) => d.hint(format!("did you mean `{s}`?")),
                None => d.hint(format!("the long layout's columns are {}", known.join(", "))),
            });
            continue;
        };
        if at[f as usize].is_some() {
            let code = if f == Field::Period { Code::ConflictingDates } else { Code::CsvFormat };
            errors.push(
                Diagnostic::error(code, format!("column `{}` appears twice", f.name()))
                    .at_line_col(file, 1, col)
                    .hint("`as_of` is the old name of `period`: keep one column"),
            );
        }
        at[f as usize] = Some(i);
    }
    for f in [Field::Entity, Field::Attribute, Field::Value] {
        if at[f as usize].is_none() && errors.len() == before {
            errors.push(
                Diagnostic::error(Code::CsvFormat, format!("the long layout needs an `{}` column", f.name()))
                    .at_line_col(file, 1, 1)
                    .hint("start the file with `entity,attribute,value,period,published,source`"),
            );
        }
    }
    (errors.len() == before).then_some(LongPlan { file, columns, at })
}

/// One row of a long file: its cells by [`Field`] (empty when the column is absent or the cell
/// empty), the line it is reported at, and the column of each cell.
pub(crate) struct LongRow<'a> {
    pub(crate) cells: [&'a str; FIELDS],
    pub(crate) line: usize,
    pub(crate) cols: [usize; FIELDS],
}

impl LongRow<'_> {
    fn get(&self, f: Field) -> &str {
        self.cells[f as usize].trim()
    }

    fn error(&self, file: FileId, f: Field, p: Problem) -> Diagnostic {
        p.at_line_col(file, self.line, self.cols[f as usize])
    }
}

/// An observation with the line that wrote it.
type Written = (Observation, u32);

/// The observations of long files, grouped per entity and attribute until [`Self::finish`].
pub(crate) struct Observations<'a> {
    schemas: &'a [KindSchema; 3],
    sources: &'a Sources,
    /// The file's `tables:` declaration, under every row's own provenance.
    base: Option<Arc<Provenance>>,
    /// Every entity by id: defined before (YAML, wide files) or by a long row.
    entities: HashMap<Box<str>, (Kind, Row)>,
    /// How many rows each kind had before the long files: the rest were defined by them.
    defined_before: [usize; 3],
    groups: HashMap<(Kind, Row, AttrId), Vec<Written>>,
    /// Entities and attributes already reported, so one mistake gives one message.
    failed: HashSet<Box<str>>,
    /// The provenance of the last row, shared by the next rows that write the same.
    last: Option<([String; 7], Arc<Provenance>)>,
    /// Registry ids cited by the rows (for W801).
    pub(crate) cited: HashSet<String>,
}

impl<'a> Observations<'a> {
    pub(crate) fn new(schemas: &'a [KindSchema; 3], ctx: &TableContext<'a>, builders: &[TableBuilder; 3]) -> Self {
        let mut entities = HashMap::new();
        for k in Kind::ALL {
            let t = &builders[k.index()].table;
            entities.extend((0..t.len()).map(|r| (Box::from(t.id(r)), (k, r as Row))));
        }
        Observations {
            schemas,
            sources: ctx.sources,
            base: ctx.declared.cloned(),
            entities,
            defined_before: Kind::ALL.map(|k| builders[k.index()].len()),
            groups: HashMap::new(),
            failed: HashSet::new(),
            last: None,
            cited: HashSet::new(),
        }
    }

    /// Reads one row; `typed` is its value when the reader has it typed already (a Parquet
    /// column), else the `value` cell is converted to the attribute's declared type.
    pub(crate) fn add(
        &mut self,
        file: FileId,
        row: &LongRow<'_>,
        typed: Option<Cell>,
        builders: &mut [TableBuilder; 3],
        errors: &mut Vec<Diagnostic>,
    ) {
        let (entity, attribute) = (row.get(Field::Entity), row.get(Field::Attribute));
        for (f, text) in [(Field::Entity, entity), (Field::Attribute, attribute)] {
            if text.is_empty() {
                let p = Problem::new(Code::LongFormat, format!("this row names no {}", f.name()))
                    .hint("each row of the long layout is one observation of one entity's attribute");
                errors.push(row.error(file, f, p));
                return;
            }
        }
        if self.failed.contains(entity) {
            return;
        }
        let Some((kind, r)) = self.entity(file, row, builders, errors) else {
            self.failed.insert(Box::from(entity));
            return;
        };
        let Some((attr, ty)) = self.attribute(file, row, kind, errors) else { return };
        let cell = match typed {
            Some(c) => c,
            None => match row.get(Field::Value) {
                "" => Cell::Missing,
                v => match crate::load::csv::parse_cell(ty, v, attribute) {
                    Ok(c) => c,
                    Err(p) => return errors.push(row.error(file, Field::Value, p)),
                },
            },
        };
        let Some(prov) = self.provenance(file, row, errors) else { return };
        self.groups.entry((kind, r, attr)).or_default().push((Observation { cell, prov }, row.line as u32));
    }

    /// The entity a row names: known, or defined by the row's `kind` and `name`.
    fn entity(
        &mut self,
        file: FileId,
        row: &LongRow<'_>,
        builders: &mut [TableBuilder; 3],
        errors: &mut Vec<Diagnostic>,
    ) -> Option<(Kind, Row)> {
        let id = row.get(Field::Entity);
        let kind = match row.get(Field::Kind) {
            "" => None,
            k => match Kind::parse(k) {
                Some(k) => Some(k),
                None => {
                    let p = Problem::new(Code::UnknownValue, format!("unknown kind `{k}`"))
                        .hint("kind is company, segment or region");
                    errors.push(row.error(file, Field::Kind, p));
                    return None;
                }
            },
        };
        if let Some(&(k, r)) = self.entities.get(id) {
            if kind.is_some_and(|given| given != k) {
                let p = Problem::new(
                    Code::LongFormat,
                    format!("`{id}` is a {k}, but this row says {}", row.get(Field::Kind)),
                )
                .hint("one id names one entity across all kinds; fix the kind or the id");
                errors.push(row.error(file, Field::Kind, p));
                return None;
            }
            return Some((k, r));
        }
        let Some(kind) = kind else {
            let p = Problem::new(Code::LongFormat, format!("no entity `{id}` is defined, and this row gives no kind"))
                .hint("add `kind` (and `name`) cells to define it here, or define it in a dataset file");
            errors.push(row.error(file, Field::Entity, p));
            return None;
        };
        if !crate::model::is_valid_name(id) {
            let p = Problem::new(Code::BadName, format!("`{id}` cannot be an id")).hint(crate::model::ID_HINT);
            errors.push(row.error(file, Field::Entity, p));
            return None;
        }
        let b = &mut builders[kind.index()];
        let name = match row.get(Field::Name) {
            "" => id,
            n => n,
        };
        let r = b.push(id, name);
        b.origin(r, Origin::Csv { file, lines: vec![row.line as u32] });
        self.entities.insert(Box::from(id), (kind, r));
        Some((kind, r))
    }

    /// The declared attribute a row names, for its entity's kind (an undeclared one reported once).
    fn attribute(
        &mut self,
        file: FileId,
        row: &LongRow<'_>,
        kind: Kind,
        errors: &mut Vec<Diagnostic>,
    ) -> Option<(AttrId, AttrType)> {
        let (name, schema) = (row.get(Field::Attribute), &self.schemas[kind.index()]);
        match schema.get(name) {
            Some(a) if schema.is_conflicted(a) => None,
            Some(a) => Some((a, schema.decl(a).ty)),
            None => {
                if !schema.failed(name) && self.failed.insert(format!("{kind}\u{0}{name}").into()) {
                    let p = Problem::new(
                        Code::UndeclaredAttribute,
                        format!("attribute `{name}` is not declared for {kind}"),
                    );
                    let p = match did_you_mean(name, schema.names()) {
                        Some(s) => p.hint(format!("did you mean `{s}`?")),
                        None => p.hint(format!("declare it in a dataset file: `attributes: {kind}: {name}: number`")),
                    };
                    errors.push(row.error(file, Field::Attribute, p));
                }
                None
            }
        }
    }

    /// The row's provenance, shared with the previous row's when they write the same.
    fn provenance(&mut self, file: FileId, row: &LongRow<'_>, errors: &mut Vec<Diagnostic>) -> Option<Arc<Provenance>> {
        let prov = ProvField::ALL.map(Field::of);
        if let Some((key, p)) = &self.last
            && prov.iter().zip(key).all(|(f, k)| row.get(*f) == k)
        {
            return Some(Arc::clone(p));
        }
        let cells = prov.map(|f| row.get(f));
        self.cited.extend(
            cells[ProvField::Cite as usize].split(';').map(str::trim).filter(|c| !c.is_empty()).map(str::to_string),
        );
        let own = check_cells(&cells, self.sources, |f, p| errors.push(row.error(file, prov[f as usize], p)))?;
        let layered = Arc::new(match &self.base {
            Some(base) => layer(base, own),
            None => own,
        });
        self.last = Some((prov.map(|f| row.get(f).to_string()), Arc::clone(&layered)));
        Some(layered)
    }

    /// Stores every entity's values and series in the builders, in a stable order.
    pub(crate) fn finish(self, file: FileId, builders: &mut [TableBuilder; 3], errors: &mut Vec<Diagnostic>) {
        let mut groups: Vec<((Kind, Row, AttrId), Vec<Written>)> = self.groups.into_iter().collect();
        groups.sort_unstable_by_key(|(k, obs)| (obs[0].1, *k));
        for ((kind, row, attr), mut obs) in groups {
            let b = &mut builders[kind.index()];
            let name = &self.schemas[kind.index()].decl(attr).name;
            let key = (row, attr);
            let elsewhere = (row as usize) < self.defined_before[kind.index()]
                && (!b.table.columns[attr as usize].is_missing(row as usize)
                    || b.table.provenance.contains_key(&key)
                    || b.table.series.contains_key(&key));
            if elsewhere {
                let id = b.table.id(row as usize);
                errors.push(
                    Diagnostic::error(Code::LongFormat, format!("`{name}` of `{id}` is given in another file too"))
                        .at_line_col(file, obs[0].1 as usize, 1)
                        .hint("give each attribute of an entity in one place: these rows or the other file"),
                );
                continue;
            }
            if obs.len() == 1 {
                let (o, _) = obs.remove(0);
                o.cell.store(&mut b.table.columns[attr as usize], row as usize);
                b.set_provenance(row, attr, Arc::unwrap_or_clone(o.prov));
                continue;
            }
            if !series_problems(file, name, &obs, errors) {
                b.table.series.insert(key, obs.into_iter().map(|(o, _)| o).collect());
            }
        }
    }
}

/// Reports repeated (E611) and undated (W610) observations of one series; whether any is an error.
fn series_problems(file: FileId, attr: &str, obs: &[Written], errors: &mut Vec<Diagnostic>) -> bool {
    let dates = |i: usize| (period(&obs[i].0.prov), published(&obs[i].0.prov));
    let mut order: Vec<usize> = (0..obs.len()).collect();
    order.sort_by_key(|&i| (dates(i), i));
    let mut failed = false;
    for w in order.windows(2) {
        if dates(w[0]) == dates(w[1]) {
            let show = |d: Option<Date>| d.map_or_else(|| "undated".to_string(), |d| d.to_string());
            let (p, q) = dates(w[1]);
            errors.push(
                Diagnostic::error(
                    Code::RepeatedObservation,
                    format!("`{attr}` has two observations for period {} published {}", show(p), show(q)),
                )
                .at_line_col(file, obs[w[1]].1 as usize, 1)
                .hint(format!("the other is on line {}; a restatement gives a later `published`", obs[w[0]].1)),
            );
            failed = true;
        }
    }
    for (o, line) in obs.iter().filter(|(o, _)| period(&o.prov).is_none()) {
        let _ = o;
        errors.push(
            Diagnostic::warning(Code::UndatedObservation, format!("an observation of `{attr}` in a series has no date"))
                .at_line_col(file, *line as usize, 1)
                .hint("give it a `period` (what it describes) or `published` (when it became known); undated, it loses to every dated observation"),
        );
    }
    failed
}

#[cfg(test)]
mod tests {
    use super::{Field, is_long, plan_long};
    use crate::load::provenance::ProvField;

    #[test]
    fn each_provenance_column_is_the_field_of_its_name() {
        for p in ProvField::ALL {
            assert_eq!(Field::of(p).name(), p.name());
            assert_eq!(Field::parse(p.name()), Some(Field::of(p)));
        }
        assert_eq!(Field::parse("as_of"), Some(Field::Period));
        assert_eq!(Field::parse("entity"), Some(Field::Entity));
        assert_eq!(Field::parse("value").map(Field::name), Some("value"));
        assert_eq!(Field::parse("id"), None);
    }

    #[test]
    fn the_long_layout_is_told_by_its_columns() {
        assert!(is_long(["entity", "attribute", "value", "period"]));
        assert!(!is_long(["id", "name", "kind", "entity", "attribute", "value"]));
        assert!(!is_long(["entity", "value"]));
        let mut errors = Vec::new();
        let fields = ["entity", "attribute", "value", "as_of", "cite"].map(|n| (n.to_string(), 1)).to_vec();
        let plan = plan_long(fields, crate::source::FileId(0), &mut errors).expect("plan");
        assert_eq!((plan.at[Field::Period as usize], plan.at[Field::Cite as usize]), (Some(3), Some(4)));
        let fields = ["entity", "attribute", "value", "perod"].map(|n| (n.to_string(), 9)).to_vec();
        assert!(plan_long(fields, crate::source::FileId(0), &mut errors).is_none());
        assert!(errors[0].hints.iter().any(|h| h.contains("`period`")), "{errors:?}");
    }
}
