//! Building an entity table row by row, as the dataset check and the CSV reader fill it; its
//! relations are resolved to rows once every entity is known.

use std::sync::Arc;

use super::{AttrId, Column, EntityTable, Exposure, Kind, KindSchema, Origin, Provenance, Row};
use crate::source::Span;

/// A relation as written, resolved to rows once every entity is known.
#[derive(Clone, Debug)]
pub(crate) struct RawRelation {
    pub row: Row,
    pub target_kind: Kind,
    pub target: String,
    pub weight: f64,
    /// Where the target id is written; `None` for CSV cells (then `line`/`col`).
    pub span: Option<Span>,
    pub line_col: Option<(crate::source::FileId, usize, usize)>,
    /// Where the whole group is written (`segment: {…}`), for problems of the group's sum.
    pub group: Option<Span>,
}

/// An entity table under construction.
pub(crate) struct TableBuilder {
    pub table: EntityTable,
    pub exposures: Vec<RawRelation>,
    pub headquarters: Vec<RawRelation>,
}

impl TableBuilder {
    pub(crate) fn new(kind: Kind, schema: &KindSchema) -> TableBuilder {
        let mut table = EntityTable::new(kind);
        table.columns = schema.attrs.iter().map(|a| Column::new(a.ty, 0)).collect();
        TableBuilder { table, exposures: Vec::new(), headquarters: Vec::new() }
    }

    pub(crate) fn len(&self) -> usize {
        self.table.len()
    }

    /// Reserves room for `n` more rows in every column.
    pub(crate) fn reserve(&mut self, n: usize) {
        for c in &mut self.table.columns {
            match c {
                Column::Number(v) => v.reserve_exact(n),
                Column::Bool(v) => v.reserve_exact(n),
                Column::Text(v) => v.reserve_exact(n),
                Column::Date(v) => v.reserve_exact(n),
                Column::List(v) => v.reserve_exact(n),
            }
        }
    }

    /// Appends an entity with every attribute missing; returns its row.
    pub(crate) fn push(&mut self, id: &str, name: &str) -> Row {
        let row = self.table.len() as Row;
        self.table.ids.push(id);
        self.table.names.push(name);
        for c in &mut self.table.columns {
            c.push_missing();
        }
        row
    }

    /// Records where the rows from `first_row` on came from.
    pub(crate) fn origin(&mut self, first_row: Row, origin: Origin) {
        match (self.table.origins.last_mut(), &origin) {
            (Some((start, Origin::Yaml(spans))), Origin::Yaml(more))
                if *start as usize + spans.len() == first_row as usize =>
            {
                spans.extend(more.iter().copied());
            }
            // Rows a long file defines one at a time join its block.
            (Some((start, Origin::Csv { file, lines })), Origin::Csv { file: f, lines: more })
                if file == f && *start as usize + lines.len() == first_row as usize =>
            {
                lines.extend(more.iter().copied());
            }
            _ => self.table.origins.push((first_row, origin)),
        }
    }

    /// Records a value's own provenance; an empty one is recorded only where it must hide what
    /// a wide file gave the row (a value another file gives is not the wide file's).
    pub(crate) fn set_provenance(&mut self, row: Row, attr: AttrId, p: Provenance) {
        if !p.is_empty() || self.table.wide.get(row as usize, attr).is_some() {
            self.table.provenance.insert((row, attr), Arc::new(p));
        }
    }

    /// The finished table, with its relations resolved, holding no room it grew and did not
    /// fill: ids, names and columns built by appending blocks double past their size (names by
    /// up to twice their bytes), and the table lives through every later stage.
    pub(crate) fn finish(mut self, exposure: [Option<Exposure>; 3], hq: Option<Vec<Option<Row>>>) -> EntityTable {
        self.table.exposure = exposure;
        self.table.headquarters = hq;
        self.table.ids.shrink_to_fit();
        self.table.names.shrink_to_fit();
        for c in &mut self.table.columns {
            c.shrink_to_fit();
        }
        self.table
    }
}
