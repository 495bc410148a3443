//! A task's entries gathered in output order before any is formatted: a ranking visits rows
//! in rank order, so each entry's result, id, name, reason codes and category scores sit at
//! a random place in memory. Gathering them first, in tight loops of independent reads, lets
//! the processor fetch many at once instead of stalling on each inside the formatting code;
//! the writers then read the gathered block in order.

use crate::evaluate::{EntityScore, KindScores, ReasonScratch};
use crate::model::Strings;

use super::Entry;

/// Rows read ahead together (see [`Gathered::of`]).
const BLOCK: usize = 32;

/// The entries of one task, in their order.
pub(super) struct Gathered<'a> {
    pub(super) results: Vec<EntityScore>,
    /// Each entry's fired gates (empty when the rule set has no conditions: none fire).
    fired: Vec<u64>,
    pub(super) ids: Strings,
    pub(super) names: Strings,
    /// Each entry's reason codes, flat; `reason_ends[i]` ends entry `i`'s.
    reasons: Vec<&'a str>,
    reason_ends: Vec<u32>,
    /// `nc` category scores per entry, NaN where a category has none.
    categories: Vec<f64>,
    nc: usize,
}

impl<'a> Gathered<'a> {
    /// The entries' results, masks, reason codes, category scores, ids and names.
    pub(super) fn of(ks: &'a KindScores, entries: &[Entry]) -> Gathered<'a> {
        Gathered::gather(ks, entries, true)
    }

    /// As [`Gathered::of`] but without the ids and names (empty), for a writer that reads
    /// them from the table itself.
    pub(super) fn without_text(ks: &'a KindScores, entries: &[Entry]) -> Gathered<'a> {
        Gathered::gather(ks, entries, false)
    }

    fn gather(ks: &'a KindScores, entries: &[Entry], text: bool) -> Gathered<'a> {
        let n = entries.len();
        let nc = ks.plan.rules.categories.len();
        let scratch = ReasonScratch::new(ks);
        let results = entries.iter().map(|e| ks.results[e.row]).collect();
        let fired = if ks.masks.is_empty() {
            Vec::new()
        } else {
            entries.iter().map(|e| ks.masks(e.row).gates_fired).collect()
        };
        let mut categories = Vec::with_capacity(n * nc);
        entries.iter().for_each(|e| categories.extend_from_slice(ks.summaries.category_scores(e.row)));
        let (mut reasons, mut reason_ends) = (Vec::with_capacity(n * 3), Vec::with_capacity(n));
        // A block's rows are read once in a tight loop first, so their cache misses overlap.
        for block in entries.chunks(BLOCK) {
            std::hint::black_box(block.iter().fold(0, |acc, e| acc ^ scratch.first_slot(e.row)));
            for e in block {
                reasons.extend(scratch.reasons(e.row));
                reason_ends.push(reasons.len() as u32);
            }
        }
        let (mut ids, mut names) = (Strings::default(), Strings::default());
        if text {
            ids = Strings::with_capacity(n, n * 10);
            ids.gather(&ks.table.ids, entries.iter().map(|e| e.row));
            names = Strings::with_capacity(n, n * 16);
            names.gather(&ks.table.names, entries.iter().map(|e| e.row));
        }
        Gathered { results, fired, ids, names, reasons, reason_ends, categories, nc }
    }

    /// The gates that fired for entry `i`, as a mask.
    pub(super) fn fired(&self, i: usize) -> u64 {
        self.fired.get(i).copied().unwrap_or(0)
    }

    /// The reason codes of entry `i`, most points lost first.
    pub(super) fn reasons(&self, i: usize) -> &[&'a str] {
        let start = if i == 0 { 0 } else { self.reason_ends[i - 1] as usize };
        &self.reasons[start..self.reason_ends[i] as usize]
    }

    /// The score of category `c` for entry `i` (`None` where no factor of it has points).
    pub(super) fn category(&self, i: usize, c: usize) -> Option<f64> {
        let x = self.categories[i * self.nc + c];
        (!x.is_nan()).then_some(x)
    }
}
