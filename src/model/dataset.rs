//! The checked dataset: per kind, a columnar table of entities with typed, sourced attributes
//! and their relations (product of the check stage, read by evaluation).

use std::collections::HashMap;
use std::sync::{Arc, OnceLock};

use serde::{Deserialize, Serialize};

use super::{Date, Kind, Provenance, Strings};
use crate::source::{FileId, Span};

/// The type of an attribute, declared once per kind: `number`, `bool`, `text`, `date` (YYYY,
/// YYYY-MM or YYYY-MM-DD) or `list` (a list of words).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum AttrType {
    Number,
    Bool,
    #[serde(alias = "string")]
    Text,
    Date,
    List,
}

impl AttrType {
    pub fn as_str(self) -> &'static str {
        match self {
            AttrType::Number => "number",
            AttrType::Bool => "bool",
            AttrType::Text => "text",
            AttrType::Date => "date",
            AttrType::List => "list",
        }
    }
}

/// Index of an attribute within its kind's schema.
pub(crate) type AttrId = u32;
/// Index of an entity within its kind's table.
pub(crate) type Row = u32;

#[derive(Clone, Debug)]
pub struct AttrDecl {
    pub name: String,
    pub ty: AttrType,
    pub unit: Option<String>,
    pub description: Option<String>,
    /// Context for readers rather than an input to score.
    pub descriptive: bool,
    /// The label of the value among a memo's key figures (checked to be a short name).
    pub key_figure: Option<String>,
    pub span: Option<Span>,
}

/// The attributes declared for one kind.
#[derive(Clone, Debug, Default)]
pub struct KindSchema {
    pub attrs: Vec<AttrDecl>,
    /// The file of the first declaration: where a new attribute of the kind belongs.
    pub home: Option<String>,
    by_name: HashMap<String, AttrId>,
    /// Attributes declared with different types (already reported): their values are not
    /// checked again, to avoid a cascade of errors.
    conflicted: Vec<AttrId>,
    /// Names whose declaration had an error (already reported): what uses them is a
    /// consequence, not an undeclared attribute.
    failed: std::collections::BTreeSet<String>,
}

impl KindSchema {
    pub fn get(&self, name: &str) -> Option<AttrId> {
        self.by_name.get(name).copied()
    }

    pub fn decl(&self, id: AttrId) -> &AttrDecl {
        &self.attrs[id as usize]
    }

    /// Adds a declaration, or returns the id of an existing one with the same name.
    pub fn declare(&mut self, decl: AttrDecl) -> Result<AttrId, AttrId> {
        if let Some(&id) = self.by_name.get(&decl.name) {
            return Err(id);
        }
        let id = self.attrs.len() as AttrId;
        self.by_name.insert(decl.name.clone(), id);
        self.attrs.push(decl);
        Ok(id)
    }

    pub fn mark_conflicted(&mut self, id: AttrId) {
        if !self.conflicted.contains(&id) {
            self.conflicted.push(id);
        }
    }

    pub fn is_conflicted(&self, id: AttrId) -> bool {
        self.conflicted.contains(&id)
    }

    /// Records a name whose declaration failed to load.
    pub fn mark_failed(&mut self, name: &str) {
        self.failed.insert(name.to_string());
    }

    /// Whether `name` was declared with an error (so it is not reported as undeclared).
    pub fn failed(&self, name: &str) -> bool {
        self.failed.contains(name)
    }

    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.attrs.iter().map(|a| a.name.as_str())
    }
}

/// The values of one attribute for every entity of a kind. Missing values are NaN for
/// numbers and `None` otherwise.
#[derive(Clone, Debug)]
pub enum Column {
    /// Numbers; missing is NaN.
    Number(Vec<f64>),
    /// Booleans.
    Bool(Vec<Option<bool>>),
    /// Text.
    Text(Vec<Option<Arc<str>>>),
    /// Dates.
    Date(Vec<Option<Date>>),
    /// Lists of words.
    List(Vec<Option<Arc<[Arc<str>]>>>),
}

impl Column {
    /// A column of `n` missing values of the type.
    pub fn new(ty: AttrType, n: usize) -> Column {
        match ty {
            AttrType::Number => Column::Number(vec![f64::NAN; n]),
            AttrType::Bool => Column::Bool(vec![None; n]),
            AttrType::Text => Column::Text(vec![None; n]),
            AttrType::Date => Column::Date(vec![None; n]),
            AttrType::List => Column::List(vec![None; n]),
        }
    }

    /// Frees the values, keeping the type: what is left once nothing reads them again.
    pub(crate) fn release(&mut self) {
        *self = self.empty_like(0);
    }

    /// An empty column of the same type, with room for `cap` rows.
    pub fn empty_like(&self, cap: usize) -> Column {
        match self {
            Column::Number(_) => Column::Number(Vec::with_capacity(cap)),
            Column::Bool(_) => Column::Bool(Vec::with_capacity(cap)),
            Column::Text(_) => Column::Text(Vec::with_capacity(cap)),
            Column::Date(_) => Column::Date(Vec::with_capacity(cap)),
            Column::List(_) => Column::List(Vec::with_capacity(cap)),
        }
    }

    /// Keeps the values of the first `rows` rows and gives back the room of the others.
    pub(crate) fn cut(&mut self, rows: usize) {
        match self {
            Column::Number(v) => v.truncate(rows),
            Column::Bool(v) => v.truncate(rows),
            Column::Text(v) => v.truncate(rows),
            Column::Date(v) => v.truncate(rows),
            Column::List(v) => v.truncate(rows),
        }
        self.shrink_to_fit();
    }

    /// Gives back the room grown past the values held.
    pub(crate) fn shrink_to_fit(&mut self) {
        match self {
            Column::Number(v) => v.shrink_to_fit(),
            Column::Bool(v) => v.shrink_to_fit(),
            Column::Text(v) => v.shrink_to_fit(),
            Column::Date(v) => v.shrink_to_fit(),
            Column::List(v) => v.shrink_to_fit(),
        }
    }

    /// Appends a missing value (a new row).
    pub fn push_missing(&mut self) {
        match self {
            Column::Number(v) => v.push(f64::NAN),
            Column::Bool(v) => v.push(None),
            Column::Text(v) => v.push(None),
            Column::Date(v) => v.push(None),
            Column::List(v) => v.push(None),
        }
    }

    /// Whether the value of `row` is missing.
    pub fn is_missing(&self, row: usize) -> bool {
        match self {
            Column::Number(v) => v[row].is_nan(),
            Column::Bool(v) => v[row].is_none(),
            Column::Text(v) => v[row].is_none(),
            Column::Date(v) => v[row].is_none(),
            Column::List(v) => v[row].is_none(),
        }
    }

    /// Makes the value of `row` missing.
    pub fn clear(&mut self, row: usize) {
        match self {
            Column::Number(v) => v[row] = f64::NAN,
            Column::Bool(v) => v[row] = None,
            Column::Text(v) => v[row] = None,
            Column::Date(v) => v[row] = None,
            Column::List(v) => v[row] = None,
        }
    }

    /// The value as text, for ledgers and memos.
    pub fn display(&self, row: usize) -> Option<String> {
        match self {
            Column::Number(v) => (!v[row].is_nan()).then(|| crate::fmt::number(v[row])),
            Column::Bool(v) => v[row].map(|b| b.to_string()),
            Column::Text(v) => v[row].as_ref().map(|s| s.to_string()),
            Column::Date(v) => v[row].map(|d| d.to_string()),
            Column::List(v) => v[row].as_ref().map(|l| l.join(", ")),
        }
    }

    /// The value as JSON, for machine-readable ledgers.
    pub fn json(&self, row: usize) -> serde_json::Value {
        use serde_json::Value as J;
        match self {
            Column::Number(v) if !v[row].is_nan() => crate::fmt::json_number(v[row]),
            Column::Bool(v) => v[row].map_or(J::Null, J::Bool),
            Column::Text(v) => v[row].as_ref().map_or(J::Null, |s| J::String(s.to_string())),
            Column::Date(v) => v[row].map_or(J::Null, |d| J::String(d.to_string())),
            Column::List(v) => {
                v[row].as_ref().map_or(J::Null, |l| J::Array(l.iter().map(|s| J::String(s.to_string())).collect()))
            }
            Column::Number(_) => J::Null,
        }
    }
}

/// Exposure of each entity to entities of another kind: compressed rows of (target, weight).
#[derive(Clone, Debug, Default)]
pub struct Exposure {
    offsets: Vec<u32>,
    targets: Vec<Row>,
    weights: Vec<f64>,
}

impl Exposure {
    pub fn new() -> Exposure {
        Exposure { offsets: vec![0], targets: Vec::new(), weights: Vec::new() }
    }

    /// Appends the next entity's exposures.
    pub fn push_row(&mut self, items: impl IntoIterator<Item = (Row, f64)>) {
        for (t, w) in items {
            self.targets.push(t);
            self.weights.push(w);
        }
        self.offsets.push(self.targets.len() as u32);
    }

    pub fn row(&self, row: usize) -> impl Iterator<Item = (Row, f64)> + '_ {
        let (a, b) = match (self.offsets.get(row), self.offsets.get(row + 1)) {
            (Some(&a), Some(&b)) => (a as usize, b as usize),
            _ => (0, 0),
        };
        self.targets[a..b].iter().copied().zip(self.weights[a..b].iter().copied())
    }

    pub fn rows(&self) -> usize {
        self.offsets.len() - 1
    }
}

/// Where a block of rows came from, for diagnostics that name an entity's definition.
#[derive(Clone, Debug)]
pub enum Origin {
    /// Rows defined in a YAML file, each at its own span.
    Yaml(Vec<Span>),
    /// Rows of a CSV file, with the line of each record.
    Csv { file: FileId, lines: Vec<u32> },
}

/// All entities of one kind, column by column.
#[derive(Debug)]
pub struct EntityTable {
    /// The kind of every entity here.
    pub kind: Kind,
    /// Ids, by row.
    pub ids: Strings,
    /// Display names, by row.
    pub names: Strings,
    /// One column per attribute declared for the kind, by attribute id.
    pub columns: Vec<Column>,
    /// Provenance of individual values, keyed by (row, attribute).
    pub provenance: HashMap<(Row, AttrId), Arc<Provenance>>,
    /// Provenance of wide-file cells, per row (and per overridden column), never per cell.
    pub wide: super::WideProvenance,
    /// Values withheld at the view date (not yet published, or about a later period): the
    /// freshest one's text and provenance.
    pub withheld: HashMap<(Row, AttrId), (String, Arc<Provenance>)>,
    /// Attributes with several observations, all of them as written (resolved into `columns`
    /// at the view date).
    pub(crate) series: HashMap<(Row, AttrId), Arc<[super::series::Observation]>>,
    /// The earlier publication a restatement replaced at the view date: its text and provenance.
    pub superseded: HashMap<(Row, AttrId), (String, Arc<Provenance>)>,
    /// The view date the table is resolved at (`None`: undated data, everything known).
    pub view: Option<Date>,
    /// Exposure to other kinds, by the target kind's index.
    pub exposure: [Option<Exposure>; 3],
    /// Headquarters region of each entity.
    pub headquarters: Option<Vec<Option<Row>>>,
    /// (first row, origin) blocks in row order.
    pub origins: Vec<(Row, Origin)>,
    pub(super) index: OnceLock<HashMap<Box<str>, Row>>,
}

impl EntityTable {
    /// Keeps the attribute values of the first `rows` rows only, giving back the room of the
    /// others (ids, names and everything else stay whole): what is left once the rows after
    /// them are scored and nothing reads their values again.
    pub(crate) fn cut_columns(&mut self, rows: usize) {
        self.columns.iter_mut().for_each(|c| c.cut(rows));
    }

    /// An empty table of `kind`.
    pub fn new(kind: Kind) -> EntityTable {
        EntityTable {
            kind,
            ids: Strings::default(),
            names: Strings::default(),
            columns: Vec::new(),
            provenance: HashMap::new(),
            wide: super::WideProvenance::default(),
            withheld: HashMap::new(),
            series: HashMap::new(),
            superseded: HashMap::new(),
            view: None,
            exposure: [None, None, None],
            headquarters: None,
            origins: Vec::new(),
            index: OnceLock::new(),
        }
    }

    /// How many entities.
    pub fn len(&self) -> usize {
        self.ids.len()
    }

    /// Takes a stored value out of scoring (`--as-of`), keeping its text and provenance for
    /// the ledger.
    pub fn withhold(&mut self, row: Row, attr: AttrId, prov: Arc<Provenance>) {
        let col = &mut self.columns[attr as usize];
        let text = col.display(row as usize).unwrap_or_default();
        col.clear(row as usize);
        self.provenance.remove(&(row, attr));
        self.withheld.insert((row, attr), (text, prov));
    }

    /// Whether there are no entities.
    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    /// The id of `row`.
    pub fn id(&self, row: usize) -> &str {
        self.ids.get(row)
    }

    /// The display name of `row`.
    pub fn name(&self, row: usize) -> &str {
        self.names.get(row)
    }

    /// The row of an id (index built on first use).
    pub fn find(&self, id: &str) -> Option<Row> {
        let index = self.index.get_or_init(|| (0..self.len()).map(|r| (Box::from(self.id(r)), r as Row)).collect());
        index.get(id).copied()
    }

    /// Where an entity was defined.
    pub fn origin(&self, row: usize) -> Option<crate::diag::Location> {
        let i = self.origins.partition_point(|(start, _)| *start as usize <= row).checked_sub(1)?;
        let (start, origin) = &self.origins[i];
        let offset = row - *start as usize;
        match origin {
            Origin::Yaml(spans) => spans.get(offset).map(|s| crate::diag::Location::Span(*s)),
            Origin::Csv { file, lines } => lines.get(offset).map(|&line| crate::diag::Location::LineCol {
                file: *file,
                line: line as usize,
                col: 1,
            }),
        }
    }

    /// The related entities of `kind` with weights: exposures, or else the headquarters.
    pub fn related(&self, kind: Kind, row: usize) -> Vec<(Row, f64)> {
        if let Some(exp) = &self.exposure[kind.index()] {
            let items: Vec<(Row, f64)> = exp.row(row).collect();
            if !items.is_empty() {
                return items;
            }
        }
        match (&self.headquarters, kind) {
            (Some(hq), Kind::Region) => hq[row].map(|r| vec![(r, 1.0)]).unwrap_or_default(),
            _ => Vec::new(),
        }
    }
}

/// Every entity the run knows, by kind, with the declarations of their attributes.
#[derive(Debug)]
pub struct Dataset {
    /// The attribute declarations of each kind, by kind index.
    pub schemas: [KindSchema; 3],
    /// The entities of each kind, by kind index.
    pub tables: [Arc<EntityTable>; 3],
    /// The dataset files read.
    pub files: Vec<FileId>,
    /// The view date: `--as-of`, else the latest publication in the data (`None`: no fact is dated).
    pub as_of: Option<Date>,
    /// Whether the view date was derived from the data rather than given with `--as-of`.
    pub derived: bool,
    /// Every observation as written, unresolved, when the run asked to view several dates
    /// (`thesis history`): [`Dataset::at`] resolves it again without re-reading the files.
    pub(crate) raw: Option<[Arc<EntityTable>; 3]>,
    /// Entities that the user wrote but that failed to load.
    pub unloaded: super::Unloaded,
    /// The source registry that observations cite by id.
    pub sources: Arc<super::Sources>,
}

impl Dataset {
    /// The entities of `kind`.
    pub fn table(&self, kind: Kind) -> &Arc<EntityTable> {
        &self.tables[kind.index()]
    }

    /// The attribute declarations of `kind`.
    pub fn schema(&self, kind: Kind) -> &KindSchema {
        &self.schemas[kind.index()]
    }

    /// Finds an entity by id in any kind.
    pub fn find(&self, id: &str) -> Option<(Kind, Row)> {
        Kind::ALL.into_iter().find_map(|k| self.table(k).find(id).map(|r| (k, r)))
    }

    /// The id closest to a misspelt `id` among entities of `kinds`, for a "did you mean". Only
    /// the first 100 000 entities of each kind (`SUGGESTION_SCAN`) are compared, to bound the work.
    pub fn suggest_id(&self, id: &str, kinds: &[Kind]) -> Option<&str> {
        let ids = kinds.iter().flat_map(|&k| {
            let t = self.table(k);
            (0..t.len().min(SUGGESTION_SCAN)).map(move |r| t.id(r))
        });
        crate::diag::did_you_mean(id, ids)
    }
}

/// Entities of one kind compared when suggesting an id (see [`Dataset::suggest_id`]).
pub(super) const SUGGESTION_SCAN: usize = 100_000;

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::{Column, EntityTable, Provenance};
    use crate::model::{Date, Kind};

    fn dated(s: Option<&str>) -> Provenance {
        Provenance { period: s.and_then(Date::parse), ..Provenance::default() }
    }

    #[test]
    fn only_facts_dated_after_the_cutoff_are_withheld() {
        let cutoff = Date::parse("2025-06-30").expect("date");
        assert!(dated(Some("2025-07-01")).is_after(cutoff));
        assert!(!dated(Some("2025-06-30")).is_after(cutoff));
        assert!(!dated(Some("2025-06")).is_after(cutoff), "a month counts as of its first day");
        assert!(!dated(None).is_after(cutoff), "undated facts are never withheld");
    }

    #[test]
    fn withholding_keeps_the_text_and_clears_the_cell() {
        let mut t = EntityTable::new(Kind::Company);
        t.columns.push(Column::Number(vec![12.5]));
        let prov = Arc::new(dated(Some("2026-01-01")));
        t.provenance.insert((0, 0), Arc::clone(&prov));
        t.withhold(0, 0, Arc::clone(&prov));
        assert!(t.columns[0].is_missing(0));
        assert!(!t.provenance.contains_key(&(0, 0)));
        assert_eq!(t.withheld.get(&(0, 0)), Some(&("12.5".to_string(), prov)));
    }
}
