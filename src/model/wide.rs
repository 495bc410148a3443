//! Provenance of wide-table cells (CSV, Parquet, Arrow), stored per row — and per attribute
//! only where a file overrides a column — never per cell: a million-row universe with one
//! `source` column costs one index per row. Read by [`EntityTable::provenance`] after the
//! per-value map of YAML and long-layout values; withheld at a view date like any value.

use std::collections::HashMap;
use std::sync::Arc;

use super::{AttrId, Column, EntityTable, Provenance, Row};

impl EntityTable {
    /// Where the value of `attr` for `row` comes from, if recorded: the value's own provenance
    /// (YAML, long layout), else what its wide file gave the row or the column — for a cell
    /// the file filled (an empty cell is missing, and rests on nothing).
    #[inline]
    pub fn provenance(&self, row: usize, attr: AttrId) -> Option<&Arc<Provenance>> {
        let key = (row as Row, attr);
        if !self.provenance.is_empty()
            && let Some(p) = self.provenance.get(&key)
        {
            return Some(p);
        }
        if self.wide.is_empty()
            || self.columns.get(attr as usize).is_none_or(|c| c.is_missing(row))
            || (!self.series.is_empty() && self.series.contains_key(&key))
        {
            return None;
        }
        self.wide.get(row, attr)
    }

    /// Whether any value of the table carries provenance (else every value is unsourced).
    pub(crate) fn has_provenance(&self) -> bool {
        !self.provenance.is_empty() || !self.wide.is_empty()
    }

    /// The value of a cell withheld at the view date, with its provenance.
    pub(crate) fn withheld_at(&self, row: usize, attr: AttrId) -> Option<(String, Arc<Provenance>)> {
        match self.withheld.get(&(row as Row, attr)) {
            Some(w) => Some(w.clone()),
            None => self.wide.withheld(row, attr),
        }
    }

    /// Every withheld value of `row`: attribute, value and provenance.
    pub(crate) fn withheld_of_row(&self, row: usize) -> Vec<(AttrId, String, Arc<Provenance>)> {
        let own = self.withheld.iter().filter(|((r, _), _)| *r as usize == row);
        let mut out: Vec<_> = own.map(|((_, a), (v, p))| (*a, v.clone(), Arc::clone(p))).collect();
        out.extend(self.wide.withheld_of_row(row));
        out
    }
}

/// No provenance for this row (or this row's attribute: the row's own applies).
pub(crate) const NONE: u32 = u32::MAX;

/// The provenance of the rows a wide file wrote: a pool of distinct provenances and, per row,
/// the index of its own; per attribute with an override column, the index of the cell's.
#[derive(Clone, Debug, Default)]
pub struct WideProvenance {
    /// The distinct provenances the indices point at.
    pub(crate) pool: Vec<Arc<Provenance>>,
    /// By row (shorter than the table: the rest have none).
    rows: Vec<u32>,
    /// Per attribute with an override column: by row, [`NONE`] where the row's applies.
    attrs: Vec<(AttrId, Vec<u32>)>,
    /// The values withheld at the view date, per attribute: the column as the file gave it
    /// (only for attributes with a withheld cell).
    withheld: Vec<(AttrId, Column)>,
    /// Each distinct provenance's place in the pool: blocks that write the same share it.
    index: HashMap<Arc<Provenance>, u32>,
}

/// The provenance of a block of consecutive rows of one kind, as a reader produces it.
#[derive(Clone, Debug, Default)]
pub(crate) struct RowBlock {
    pub(crate) pool: Vec<Arc<Provenance>>,
    /// By row of the block.
    pub(crate) rows: Vec<u32>,
    /// Per attribute with an override column: by row of the block.
    pub(crate) attrs: Vec<(AttrId, Vec<u32>)>,
}

impl WideProvenance {
    /// Whether any row has provenance.
    pub(crate) fn is_empty(&self) -> bool {
        self.pool.is_empty()
    }

    /// Appends a block whose first row is `first` (rows before it without provenance).
    pub(crate) fn append(&mut self, first: Row, block: RowBlock) {
        if block.pool.is_empty() {
            return;
        }
        let places: Vec<u32> = block
            .pool
            .into_iter()
            .map(|p| {
                let next = self.pool.len() as u32;
                *self.index.entry(Arc::clone(&p)).or_insert_with(|| {
                    self.pool.push(p);
                    next
                })
            })
            .collect();
        let shift = |i: u32| if i == NONE { NONE } else { places[i as usize] };
        self.rows.resize(first as usize, NONE);
        self.rows.extend(block.rows.iter().map(|&i| shift(i)));
        for (attr, idx) in block.attrs {
            let at = match self.attrs.iter().position(|(a, _)| *a == attr) {
                Some(p) => p,
                None => {
                    self.attrs.push((attr, Vec::new()));
                    self.attrs.len() - 1
                }
            };
            let v = &mut self.attrs[at].1;
            v.resize(first as usize, NONE);
            v.extend(idx.iter().map(|&i| shift(i)));
        }
    }

    /// Drops the provenance of rows from `rows` on (a file read again from its start).
    pub(crate) fn truncate(&mut self, rows: usize) {
        self.rows.truncate(rows);
        for (_, v) in &mut self.attrs {
            v.truncate(rows);
        }
        // Blocks add to the pool in row order: what the kept rows do not reach was the rest's.
        let kept = self.rows.iter().chain(self.attrs.iter().flat_map(|(_, v)| v)).filter(|&&i| i != NONE);
        self.pool.truncate(kept.max().map_or(0, |&i| i as usize + 1));
        let len = self.pool.len() as u32;
        self.index.retain(|_, i| *i < len);
    }

    /// The pool index of a cell's provenance: its attribute's override, else its row's.
    #[inline]
    fn index(&self, row: usize, attr: AttrId) -> u32 {
        if let Some((_, v)) = self.attrs.iter().find(|(a, _)| *a == attr)
            && let Some(&i) = v.get(row)
            && i != NONE
        {
            return i;
        }
        self.rows.get(row).copied().unwrap_or(NONE)
    }

    /// The provenance of a cell, if its file gave the row (or the attribute) one.
    #[inline]
    pub(crate) fn get(&self, row: usize, attr: AttrId) -> Option<&Arc<Provenance>> {
        match self.index(row, attr) {
            NONE => None,
            i => self.pool.get(i as usize),
        }
    }

    /// Withholds every cell whose provenance is `late`, unless `own(row, attr)` (a value another
    /// file gives): the cell is cleared, its value kept for the ledger. O(cells) only when some
    /// provenance is late.
    pub(crate) fn withhold(
        &mut self,
        columns: &mut [Column],
        late: impl Fn(&Provenance) -> bool,
        own: impl Fn(Row, AttrId) -> bool,
    ) {
        let late: Vec<bool> = self.pool.iter().map(|p| late(p)).collect();
        if !late.contains(&true) {
            return;
        }
        for (attr, col) in columns.iter_mut().enumerate() {
            let attr = attr as AttrId;
            let rows = self.rows.len().max(self.attrs.iter().map(|(_, v)| v.len()).max().unwrap_or(0));
            let cells: Vec<usize> = (0..rows.min(col_len(col)))
                .filter(|&r| !col.is_missing(r) && !own(r as Row, attr))
                .filter(|&r| matches!(self.index(r, attr), i if i != NONE && late[i as usize]))
                .collect();
            if cells.is_empty() {
                continue;
            }
            // The withheld values alone, kept for the ledger; the cells are cleared for scoring.
            let mut kept = col.clone();
            let mut held = vec![false; col_len(col)];
            for &r in &cells {
                held[r] = true;
                col.clear(r);
            }
            for (r, _) in held.iter().enumerate().filter(|(_, h)| !**h) {
                kept.clear(r);
            }
            self.withheld.push((attr, kept));
        }
    }

    /// Per row, whether its cell of `attr` holds a value that no provenance of this store backs
    /// (for a table whose only provenance is its wide files').
    pub(crate) fn unsourced_rows(&self, attr: AttrId, col: &Column) -> Vec<bool> {
        let backed: Vec<bool> = self.pool.iter().map(|p| p.is_backed()).collect();
        let over = self.attrs.iter().find(|(a, _)| *a == attr).map_or(&[][..], |(_, v)| v.as_slice());
        (0..col_len(col))
            .map(|r| {
                let i = match over.get(r) {
                    Some(&i) if i != NONE => i,
                    _ => self.rows.get(r).copied().unwrap_or(NONE),
                };
                !col.is_missing(r) && (i == NONE || !backed[i as usize])
            })
            .collect()
    }

    /// The value withheld at the view date in a cell, with its provenance.
    pub(crate) fn withheld(&self, row: usize, attr: AttrId) -> Option<(String, Arc<Provenance>)> {
        let (_, col) = self.withheld.iter().find(|(a, _)| *a == attr)?;
        let value = col.display(row)?;
        Some((value, Arc::clone(self.get(row, attr)?)))
    }

    /// The attributes of `row` whose value is withheld, with the value and its provenance.
    pub(crate) fn withheld_of_row(&self, row: usize) -> Vec<(AttrId, String, Arc<Provenance>)> {
        self.withheld.iter().filter_map(|(a, _)| self.withheld(row, *a).map(|(v, p)| (*a, v, p))).collect()
    }
}

fn col_len(c: &Column) -> usize {
    match c {
        Column::Number(v) => v.len(),
        Column::Bool(v) => v.len(),
        Column::Text(v) => v.len(),
        Column::Date(v) => v.len(),
        Column::List(v) => v.len(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Date;

    fn prov(source: &str, published: Option<&str>) -> Arc<Provenance> {
        Arc::new(Provenance {
            source: Some(source.into()),
            published: published.and_then(Date::parse),
            ..Provenance::default()
        })
    }

    #[test]
    fn a_cell_takes_its_attribute_override_else_its_row() {
        let mut w = WideProvenance::default();
        let block = RowBlock {
            pool: vec![prov("vendor", None), prov("filing", None)],
            rows: vec![0, NONE],
            attrs: vec![(1, vec![1, NONE])],
        };
        w.append(2, block);
        assert_eq!(w.get(0, 0), None, "rows before the block have none");
        assert_eq!(w.get(2, 0).and_then(|p| p.source.as_deref()), Some("vendor"));
        assert_eq!(w.get(2, 1).and_then(|p| p.source.as_deref()), Some("filing"));
        assert_eq!(w.get(3, 0), None);
        assert_eq!(w.get(3, 1), None);
        assert_eq!(w.get(9, 0), None, "rows after every block have none");
    }

    #[test]
    fn a_filled_cell_is_unsourced_only_where_no_backed_provenance_reaches_it() {
        let mut w = WideProvenance::default();
        let dated = Arc::new(Provenance { published: Date::parse("2025-01-01"), ..Provenance::default() });
        let block = RowBlock {
            pool: vec![prov("vendor", None), dated],
            rows: vec![0, 1, NONE, NONE],
            attrs: vec![(0, vec![NONE, NONE, 0, NONE])],
        };
        w.append(0, block);
        let col = Column::Number(vec![1.0, 2.0, 3.0, f64::NAN]);
        // sourced row; a date alone backs nothing; the column's override; a missing cell
        assert_eq!(w.unsourced_rows(0, &col), [false, true, false, false]);
        assert_eq!(w.unsourced_rows(1, &col), [false, true, true, false]);
    }

    #[test]
    fn late_cells_are_withheld_with_their_value() {
        let mut w = WideProvenance::default();
        w.append(
            0,
            RowBlock {
                pool: vec![prov("a", Some("2025-01-01")), prov("b", Some("2026-01-01"))],
                rows: vec![0, 1],
                attrs: vec![],
            },
        );
        let mut cols = vec![Column::Number(vec![1.0, 2.0])];
        let view = Date::parse("2025-06-30").expect("date");
        w.withhold(&mut cols, |p| p.is_after(view), |_, _| false);
        assert!(!cols[0].is_missing(0) && cols[0].is_missing(1));
        assert_eq!(w.withheld(1, 0).map(|(v, _)| v), Some("2".to_string()));
        assert_eq!(w.withheld(0, 0), None);
        assert_eq!(w.withheld_of_row(1).len(), 1);
    }
}
