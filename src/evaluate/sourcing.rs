//! Which factor values rest on a bare, unsourced value (evaluate stage): the one home of "this
//! number says nowhere where it comes from". A value is *backed* when its provenance names a
//! source (`source:` or `cite:`) or marks an analyst's judgment with its rationale; a value
//! without either is *unsourced*. The kernel leaves unsourced values out of coverage and the
//! coverage floors and lets them range like missing data in the bounds; the W701 lint names them.
//!
//! A factor's value for a row is unsourced when it reads an attribute directly and that value
//! is unsourced, or when it is a script or expression that read an unsourced value (its reads
//! are traced while it runs). Roll-ups read scores, not facts, and are never unsourced. A
//! table without any provenance (a wide file with no provenance columns and no `tables:`
//! declaration) holds only unsourced values.

use crate::compile::InputPlan;
use crate::model::{AttrId, EntityTable, KindSchema};

/// Per factor: which rows' values are unsourced.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Unsourced {
    /// No row's value is unsourced.
    None,
    /// Every row's value is unsourced (a table without any provenance).
    All,
    /// Row by row.
    Rows(Vec<bool>),
}

impl Unsourced {
    /// Whether the value of `row` is unsourced (meaningful only where the factor has a value).
    #[inline]
    pub(crate) fn at(&self, row: usize) -> bool {
        match self {
            Unsourced::None => false,
            Unsourced::All => true,
            Unsourced::Rows(v) => v.get(row).copied().unwrap_or(false),
        }
    }

    /// From one flag per row, in its smallest form.
    pub(crate) fn from_rows(rows: Vec<bool>) -> Unsourced {
        match (rows.iter().all(|&u| u), rows.iter().any(|&u| u)) {
            (true, _) if !rows.is_empty() => Unsourced::All,
            (_, false) => Unsourced::None,
            _ => Unsourced::Rows(rows),
        }
    }
}

/// Whether the table's value of `attr` at `row` is present and unsourced.
#[inline]
pub(crate) fn is_unsourced(table: &EntityTable, row: usize, attr: AttrId) -> bool {
    let present = table.columns.get(attr as usize).is_some_and(|c| !c.is_missing(row));
    present && !table.provenance(row, attr).is_some_and(|p| p.is_backed())
}

/// Which rows of an attribute input hold an unsourced value.
pub(super) fn of_attribute(table: &EntityTable, attr: AttrId) -> Unsourced {
    if !table.has_provenance() {
        return Unsourced::All;
    }
    if table.provenance.is_empty() && table.series.is_empty() {
        // Only wide files gave provenance: read it per row, not per cell lookup.
        let col = &table.columns[attr as usize];
        return Unsourced::from_rows(table.wide.unsourced_rows(attr, col));
    }
    Unsourced::from_rows((0..table.len()).map(|row| is_unsourced(table, row, attr)).collect())
}

/// Whether a script that read `attrs` for `row` rests on an unsourced value.
#[inline]
pub(super) fn reads_unsourced(table: &EntityTable, row: usize, attrs: &[AttrId]) -> bool {
    attrs.iter().any(|&a| is_unsourced(table, row, a))
}

/// The unsourced attributes factor `f` read for `row` (re-running a script factor with its
/// reads traced): what the W701 lint names.
pub(crate) fn unsourced_reads(ks: &super::KindScores, f: usize, row: usize, schema: &KindSchema) -> Vec<AttrId> {
    let table = &ks.table;
    let read = match &ks.plan.inputs[f] {
        InputPlan::Attribute(a) => vec![*a],
        InputPlan::Program(p) => {
            let mut worker = super::worker::Worker::new(table, schema, &ks.limits, true);
            let _ = worker.run(&ks.plan.programs[*p], row);
            worker.take_trace()
        }
        InputPlan::Rollup { .. } => Vec::new(),
    };
    read.into_iter().filter(|&a| is_unsourced(table, row, a)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_take_their_smallest_form() {
        assert_eq!(Unsourced::from_rows(vec![true, true]), Unsourced::All);
        assert_eq!(Unsourced::from_rows(vec![false, false]), Unsourced::None);
        assert_eq!(Unsourced::from_rows(Vec::new()), Unsourced::None);
        let mixed = Unsourced::from_rows(vec![false, true]);
        assert!(!mixed.at(0) && mixed.at(1) && !mixed.at(7));
    }
}
