//! Reason codes and category scores of every entity, kept by the kernel from the breakdown it
//! scored with (the factor outcomes already computed for the row), so a ranking of a million
//! rows reads them instead of recomputing each factor from the raw values at write time.
//!
//! Under the weighted sum the kernel hands over the category sums it has just scored the row
//! with ([`Summarizer::scored`]), or for a row whose factors all have observed data the nominal
//! ones ([`Summarizer::complete`]): one pass over the factors with the weighted sum's own
//! formulas (share·(100 − points), Σ wᶠ·sᶠ / Σ wᶠ), the same floating-point operations in the
//! same order as its full breakdown, so the same bits. Other methods build the breakdown.

use rayon::prelude::*;

use super::KindScores;
use super::aggregate::{Breakdown, Method, Model, Outcome, Sums};

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
    /// Each factor's place among the factor ids in order (ties of points lost go by id).
    id_order: Vec<u32>,
    /// Under the weighted sum, W꜀/(ΣW·Σw꜀) per category with every factor present (the
    /// nominal scale a complete row is summarised with), else `None`.
    nominal_scale: Option<Vec<f64>>,
    k: usize,
    breakdown: Breakdown,
    lost: Vec<(f64, usize)>,
    weighted: Vec<f64>,
}

impl<'a> Summarizer<'a> {
    pub(super) fn new(model: &'a Model, rules: &'a crate::model::RuleSet) -> Summarizer<'a> {
        let ids: Vec<&str> = rules.factors.iter().map(|f| f.id.as_str()).collect();
        let mut by_id: Vec<usize> = (0..ids.len()).collect();
        by_id.sort_by(|&a, &b| ids[a].cmp(ids[b]));
        let mut id_order = vec![0; ids.len()];
        for (place, &f) in by_id.iter().enumerate() {
            id_order[f] = place as u32;
        }
        let w = &model.weights;
        let nominal_scale = matches!(model.method, Method::WeightedSum(_)).then(|| {
            let present = super::aggregate::present_weight(&w.category_total, &w.category_weight);
            (0..w.category_weight.len())
                .map(|c| {
                    let sum = w.category_total[c];
                    if sum > 0.0 {
                        super::aggregate::contribution_scale(w.category_weight[c], present, sum)
                    } else {
                        0.0
                    }
                })
                .collect()
        });
        Summarizer {
            model,
            ids,
            id_order,
            nominal_scale,
            k: rules.reason_codes,
            breakdown: Breakdown::default(),
            lost: Vec::new(),
            weighted: vec![0.0; rules.categories.len()],
        }
    }

    /// Whether rows are summarised from the kernel's sums ([`Self::scored`], [`Self::complete`]).
    pub(super) fn direct(&self) -> bool {
        self.nominal_scale.is_some()
    }

    /// Summarises a weighted-sum row whose factors all have observed data, `points(f)` each.
    #[inline]
    pub(super) fn complete(&mut self, points: impl Fn(usize) -> f64, reasons: &mut [u16], categories: &mut [f64]) {
        let Some(scale) = self.nominal_scale.take() else { return };
        let w = &self.model.weights;
        self.summarize(&scale, &w.category_total, w.total, |f| Some(points(f)), reasons, categories);
        self.nominal_scale = Some(scale);
    }

    /// Summarises a weighted-sum row from the sums `Model::score` just filled for its outcomes.
    #[inline]
    pub(super) fn scored(
        &mut self,
        sums: &Sums,
        outcome: impl Fn(usize) -> Outcome,
        reasons: &mut [u16],
        categories: &mut [f64],
    ) {
        self.summarize(&sums.scale, &sums.cat_sum, sums.present, |f| outcome(f).points(), reasons, categories);
    }

    /// The weighted sum's breakdown, cut to what a summary keeps: share = scale꜀·wᶠ, points lost
    /// share·(100 − points), category score Σ wᶠ·sᶠ / Σ wᶠ (as `WeightedSum::attribute`).
    #[inline]
    fn summarize(
        &mut self,
        scale: &[f64],
        cat_sum: &[f64],
        present: f64,
        points: impl Fn(usize) -> Option<f64>,
        reasons: &mut [u16],
        categories: &mut [f64],
    ) {
        let w = &self.model.weights;
        self.lost.clear();
        if present == 0.0 {
            // No base: nothing lost and no category score, as the breakdown has it.
            reasons.iter_mut().for_each(|r| *r = NONE);
            categories.iter_mut().for_each(|c| *c = f64::NAN);
            return;
        }
        self.weighted.iter_mut().for_each(|x| *x = 0.0);
        let (k, order) = (self.k, &self.id_order);
        for f in 0..w.factor.len() {
            let Some(p) = points(f) else { continue };
            let c = w.category[f];
            let lost = scale[c] * w.factor[f] * (100.0 - p);
            self.weighted[c] += w.factor[f] * p;
            if lost > 0.0 {
                insert_top(&mut self.lost, k, (lost, f), |a, b| {
                    b.0.total_cmp(&a.0).then_with(|| order[a.1].cmp(&order[b.1]))
                });
            }
        }
        for (i, slot) in reasons.iter_mut().enumerate() {
            *slot = self.lost.get(i).map_or(NONE, |&(_, f)| f as u16);
        }
        for (c, slot) in categories.iter_mut().enumerate() {
            *slot = if cat_sum[c] > 0.0 { self.weighted[c] / cat_sum[c] } else { f64::NAN };
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
