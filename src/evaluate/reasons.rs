//! Reason codes and category scores of every entity, kept by the kernel from the breakdown it
//! scored with (the factor outcomes already computed for the row), so a ranking of a million
//! rows reads them instead of recomputing each factor from the raw values at write time.

use rayon::prelude::*;

use super::KindScores;
use super::aggregate::{Breakdown, Model, Outcome, Sums};

/// A row without this reason slot filled.
const NONE: u16 = u16::MAX;

/// Per entity: the indices of its reason factors and its category scores, flat.
#[derive(Clone, Debug, Default)]
pub(crate) struct Summaries {
    /// Reason codes per row (the rule set's `reason_codes`).
    k: usize,
    /// Categories per row.
    nc: usize,
    /// `k` factor indices per row, best first, padded with [`NONE`].
    reasons: Vec<u16>,
    /// `nc` category scores per row; NaN where no factor of the category has points.
    categories: Vec<f64>,
}

impl Summaries {
    /// Room for `n` rows of `k` reasons and `nc` categories.
    pub(super) fn new(n: usize, k: usize, nc: usize) -> Summaries {
        // Strides of at least 1, so the parallel chunks line up with the results' chunks.
        Summaries { k, nc, reasons: vec![NONE; n * k.max(1)], categories: vec![f64::NAN; n * nc.max(1)] }
    }

    /// The same layout without the slots (to find a row's slots while the slots are lent out).
    pub(super) fn clone_layout(&self) -> Summaries {
        Summaries { k: self.k, nc: self.nc, reasons: Vec::new(), categories: Vec::new() }
    }

    /// The category scores of `row`, in the rule set's category order (NaN: no factor of the
    /// category has points).
    pub(crate) fn category_scores(&self, row: usize) -> &[f64] {
        let rc = self.nc.max(1);
        self.categories.get(row * rc..row * rc + self.nc).unwrap_or(&[])
    }

    /// The slots of rows `rows` of `rows_per_chunk`, chunk by chunk, for the parallel kernel.
    pub(super) fn par_chunks_mut(
        &mut self,
        rows_per_chunk: usize,
    ) -> impl IndexedParallelIterator<Item = (&mut [u16], &mut [f64])> {
        let (rk, rc) = (self.k.max(1), self.nc.max(1));
        self.reasons.par_chunks_mut(rows_per_chunk * rk).zip(self.categories.par_chunks_mut(rows_per_chunk * rc))
    }

    /// The reason slots and category slots of row `local` of a chunk.
    pub(super) fn slots<'s>(
        &self,
        reasons: &'s mut [u16],
        categories: &'s mut [f64],
        local: usize,
    ) -> (&'s mut [u16], &'s mut [f64]) {
        let (rk, rc) = (self.k.max(1), self.nc.max(1));
        (&mut reasons[local * rk..local * rk + self.k], &mut categories[local * rc..local * rc + self.nc])
    }
}

/// Writes one row's summary from its outcomes: the breakdown the ledger would show, its `k`
/// factors by points lost below their maximum (ties by id), its category scores.
pub(super) struct Summarizer<'a> {
    model: &'a Model,
    ids: Vec<&'a str>,
    k: usize,
    breakdown: Breakdown,
    lost: Vec<(f64, usize)>,
}

impl<'a> Summarizer<'a> {
    pub(super) fn new(model: &'a Model, rules: &'a crate::model::RuleSet) -> Summarizer<'a> {
        Summarizer {
            model,
            ids: rules.factors.iter().map(|f| f.id.as_str()).collect(),
            k: rules.reason_codes,
            breakdown: Breakdown::default(),
            lost: Vec::new(),
        }
    }

    /// Summarises a row whose outcome for factor `f` is `outcome(f)` into its slots.
    pub(super) fn row(
        &mut self,
        sums: &mut Sums,
        outcome: impl Fn(usize) -> Outcome,
        reasons: &mut [u16],
        categories: &mut [f64],
    ) {
        let b = &mut self.breakdown;
        b.outcomes.clear();
        b.outcomes.extend((0..self.ids.len()).map(outcome));
        self.model.breakdown(sums, b);
        self.lost.clear();
        let ids = &self.ids;
        for (f, &lost) in b.lost.iter().enumerate() {
            if lost > 0.0 {
                insert_top(&mut self.lost, self.k, (lost, f), |a, b| {
                    b.0.total_cmp(&a.0).then_with(|| ids[a.1].cmp(ids[b.1]))
                });
            }
        }
        for (slot, &(_, f)) in reasons.iter_mut().zip(&self.lost) {
            *slot = f as u16;
        }
        for (slot, c) in categories.iter_mut().zip(&b.category_score) {
            *slot = c.unwrap_or(f64::NAN);
        }
    }
}

/// What a ranking row shows beyond the score.
pub(crate) struct RowSummary<'a> {
    /// Factors by points lost below their maximum, ties by id.
    pub reasons: Vec<&'a str>,
    /// Each category's score (`None` where no factor of it has points).
    pub categories: Vec<Option<f64>>,
}

/// Reads the kept summaries of one kind's rows.
pub(crate) struct ReasonScratch<'a> {
    ks: &'a KindScores,
}

impl<'a> ReasonScratch<'a> {
    pub(crate) fn new(ks: &'a KindScores) -> ReasonScratch<'a> {
        ReasonScratch { ks }
    }

    pub(crate) fn summarize(&mut self, row: usize) -> RowSummary<'a> {
        let s = &self.ks.summaries;
        let factors = &self.ks.plan.rules.factors;
        let (rk, rc) = (s.k.max(1), s.nc.max(1));
        let reasons = &s.reasons[row * rk..row * rk + s.k];
        let cats = &s.categories[row * rc..row * rc + s.nc];
        RowSummary {
            reasons: reasons.iter().take_while(|&&f| f != NONE).map(|&f| factors[f as usize].id.as_str()).collect(),
            categories: cats.iter().map(|&c| (!c.is_nan()).then_some(c)).collect(),
        }
    }
}

/// Keeps the `k` first items of `top` in `order`, inserting `item` where it belongs.
fn insert_top<T>(top: &mut Vec<T>, k: usize, item: T, order: impl Fn(&T, &T) -> std::cmp::Ordering) {
    if top.len() >= k && top.last().is_none_or(|last| order(last, &item) != std::cmp::Ordering::Greater) {
        return;
    }
    let at = top.partition_point(|x| order(x, &item) != std::cmp::Ordering::Greater);
    if at < k {
        top.insert(at, item);
        top.truncate(k);
    }
}
