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
use crate::pool::filled;

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
        let (reasons, categories) = (filled(NONE, n * k.max(1)), filled(f64::NAN, n * nc.max(1)));
        Summaries { k, nc, reasons, categories }
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

    /// Every row's reason slots and category slots.
    pub(super) fn slots_mut(&mut self) -> (&mut [u16], &mut [f64]) {
        (&mut self.reasons, &mut self.categories)
    }

    /// Room for `n` rows, none of them yet held: rows come in with [`Summaries::grow`].
    pub(super) fn with_capacity(n: usize, k: usize, nc: usize) -> Summaries {
        let (reasons, categories) = (Vec::with_capacity(n * k.max(1)), Vec::with_capacity(n * nc.max(1)));
        Summaries { k, nc, reasons, categories }
    }

    /// Appends `rows` empty rows (filled by the pool's threads together, see
    /// [`crate::pool::filled`]) and gives their slots.
    pub(super) fn grow(&mut self, rows: usize) -> (&mut [u16], &mut [f64]) {
        let (rk, rc) = (self.k.max(1), self.nc.max(1));
        let (r0, c0) = (self.reasons.len(), self.categories.len());
        self.reasons.par_extend(rayon::iter::repeat_n(NONE, rows * rk));
        self.categories.par_extend(rayon::iter::repeat_n(f64::NAN, rows * rc));
        (&mut self.reasons[r0..], &mut self.categories[c0..])
    }

    /// Puts rows appended a piece at a time in reverse row order (pieces of `rows`, in the
    /// order they were appended) back in row order.
    pub(super) fn restore_order(&mut self, rows: &[usize]) {
        let (rk, rc) = (self.k.max(1), self.nc.max(1));
        crate::pool::unreverse(&mut self.reasons, &rows.iter().map(|r| r * rk).collect::<Vec<_>>());
        crate::pool::unreverse(&mut self.categories, &rows.iter().map(|r| r * rc).collect::<Vec<_>>());
    }

    /// The slots `reasons` and `categories` (of rows in this layout's strides) cut into chunks
    /// of `rows_per_chunk` rows, for the parallel kernel.
    pub(super) fn par_chunks<'s>(
        &self,
        reasons: &'s mut [u16],
        categories: &'s mut [f64],
        rows_per_chunk: usize,
    ) -> impl IndexedParallelIterator<Item = (&'s mut [u16], &'s mut [f64])> {
        let (rk, rc) = (self.k.max(1), self.nc.max(1));
        reasons.par_chunks_mut(rows_per_chunk * rk).zip(categories.par_chunks_mut(rows_per_chunk * rc))
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

/// Where the summaries of a block's rows go: the slots of its chunk, the block starting at row
/// `first` of it.
pub(super) struct BlockSlots<'s> {
    pub(super) layout: &'s Summaries,
    pub(super) reasons: &'s mut [u16],
    pub(super) categories: &'s mut [f64],
    pub(super) first: usize,
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
    /// Under the weighted sum, each factor's nominal share scale꜀·wᶠ (what a complete row's
    /// points lost are share·(100 − points) of), else empty.
    nominal_share: Vec<f64>,
    /// A block's category sums Σ wᶠ·sᶠ, category-major (`[c * rows + k]`).
    block_weighted: Vec<f64>,
    k: usize,
    breakdown: Breakdown,
    lost: Vec<(f64, usize)>,
    weighted: Vec<f64>,
}

impl<'a> Summarizer<'a> {
    pub(super) fn new(model: &'a Model, rules: &'a crate::model::RuleSet) -> Summarizer<'a> {
        Summarizer::of(model, rules.factors.iter().map(|f| f.id.as_str()).collect(), rules.reason_codes)
    }

    /// A summarizer of `model`'s rows, its factors named `ids`, keeping `k` reason codes.
    fn of(model: &'a Model, ids: Vec<&'a str>, k: usize) -> Summarizer<'a> {
        let mut by_id: Vec<usize> = (0..ids.len()).collect();
        by_id.sort_by(|&a, &b| ids[a].cmp(ids[b]));
        let mut id_order = vec![0; ids.len()];
        for (place, &f) in by_id.iter().enumerate() {
            id_order[f] = place as u32;
        }
        let w = &model.weights;
        let nominal_scale: Option<Vec<f64>> = matches!(model.method, Method::WeightedSum(_)).then(|| {
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
        let nominal_share = match &nominal_scale {
            Some(scale) => w.category.iter().zip(&w.factor).map(|(&c, &wf)| scale[c] * wf).collect(),
            None => Vec::new(),
        };
        Summarizer {
            model,
            ids,
            id_order,
            nominal_scale,
            nominal_share,
            block_weighted: Vec::new(),
            k,
            breakdown: Breakdown::default(),
            lost: Vec::new(),
            weighted: vec![0.0; w.category_weight.len()],
        }
    }

    /// Whether rows are summarised from the kernel's sums ([`Self::scored`], [`Self::complete`]).
    pub(super) fn direct(&self) -> bool {
        self.nominal_scale.is_some()
    }

    /// Summarises the weighted-sum rows of a block whose factors all have observed data: those
    /// `take[k]` selects among the block's `nb` rows, with `points[f * nb + k]` their points
    /// (factor-major, as the kernel's block holds them), into their `slots`.
    /// The category sums run factor by factor over the whole block (a tight loop the processor
    /// runs several rows of at once), each row's in factor order, so the bits are those of
    /// [`Self::summarize`]; the reasons then take one pass per row, most factors turned away by
    /// one comparison with the last kept.
    pub(super) fn complete_block(&mut self, points: &[f64], take: &[bool], slots: BlockSlots<'_>) {
        let BlockSlots { layout, reasons, categories, first } = slots;
        let nb = take.len();
        if !take.contains(&true) {
            // No such row (every block under another method, a block of sparse rows).
            return;
        }
        let w = &self.model.weights;
        let nc = w.category_weight.len();
        if w.total == 0.0 {
            // No base: row by row, as the breakdown has it.
            for k in (0..nb).filter(|&k| take[k]) {
                let (reasons, categories) = layout.slots(&mut *reasons, &mut *categories, first + k);
                self.complete(|f| points[f * nb + k], reasons, categories);
            }
            return;
        }
        let weighted = &mut self.block_weighted;
        weighted.clear();
        weighted.resize(nc * nb, 0.0);
        for (f, column) in points.chunks_exact(nb).take(w.factor.len()).enumerate() {
            let (c, wf) = (w.category[f], w.factor[f]);
            for (sum, &p) in weighted[c * nb..(c + 1) * nb].iter_mut().zip(column) {
                *sum += wf * p;
            }
        }
        let (k_max, order, share) = (self.k, &self.id_order, &self.nominal_share);
        for k in (0..nb).filter(|&k| take[k]) {
            let (reasons, categories) = layout.slots(&mut *reasons, &mut *categories, first + k);
            self.lost.clear();
            if k_max > 0 {
                for (f, &share) in share.iter().enumerate() {
                    keep_lost(&mut self.lost, k_max, order, share * (100.0 - points[f * nb + k]), f);
                }
            }
            write_reasons(&self.lost, reasons);
            for (c, slot) in categories.iter_mut().enumerate() {
                let sum = w.category_total[c];
                *slot = if sum > 0.0 { weighted[c * nb + k] / sum } else { f64::NAN };
            }
        }
    }

    /// Summarises a weighted-sum row whose factors all have observed data, `points(f)` each.
    #[inline]
    fn complete(&mut self, points: impl Fn(usize) -> f64, reasons: &mut [u16], categories: &mut [f64]) {
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
            keep_lost(&mut self.lost, k, order, lost, f);
        }
        write_reasons(&self.lost, reasons);
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

/// Reads the kept summaries of one kind's rows.
pub(crate) struct ReasonScratch<'a> {
    ks: &'a KindScores,
}

impl<'a> ReasonScratch<'a> {
    pub(crate) fn new(ks: &'a KindScores) -> ReasonScratch<'a> {
        ReasonScratch { ks }
    }

    /// The first reason slot of `row` (0 when there are none), read to bring the row's
    /// reasons into the cache ahead of [`ReasonScratch::reasons`].
    #[inline]
    pub(crate) fn first_slot(&self, row: usize) -> u16 {
        let s = &self.ks.summaries;
        s.reasons.get(row * s.k).copied().unwrap_or(0)
    }

    /// The reason codes of `row` (factor ids), most points lost first.
    #[inline]
    pub(crate) fn reasons(&self, row: usize) -> impl Iterator<Item = &'a str> + use<'a> {
        let ks: &'a KindScores = self.ks;
        let s = &ks.summaries;
        let rk = s.k.max(1);
        let factors = &ks.plan.rules.factors;
        s.reasons[row * rk..row * rk + s.k].iter().take_while(|&&f| f != NONE).map(|&f| factors[f as usize].id.as_str())
    }
}

/// Offers factor `f`, `lost` points below its maximum, to the `k` factors that lost most (ties
/// by their place `order` among the factor ids). Most factors fall below the last one kept,
/// which one comparison tells; the rest go through [`insert_top`].
#[inline(always)]
fn keep_lost(top: &mut Vec<(f64, usize)>, k: usize, order: &[u32], lost: f64, f: usize) {
    let wanted = k > 0 && lost > 0.0 && (top.len() < k || lost >= top[k - 1].0);
    if wanted {
        insert_top(top, k, (lost, f), |a, b| b.0.total_cmp(&a.0).then_with(|| order[a.1].cmp(&order[b.1])));
    }
}

/// The reason slots of a row from the factors kept, padded with [`NONE`].
fn write_reasons(top: &[(f64, usize)], reasons: &mut [u16]) {
    for (i, slot) in reasons.iter_mut().enumerate() {
        *slot = top.get(i).map_or(NONE, |&(_, f)| f as u16);
    }
}

/// Keeps the `k` first items of `top` in `order`, inserting `item` where it belongs (after the
/// items equal to it): in place of the last if `top` is full, then moved up past those after it.
fn insert_top<T>(top: &mut Vec<T>, k: usize, item: T, order: impl Fn(&T, &T) -> std::cmp::Ordering) {
    use std::cmp::Ordering::Greater;
    if top.len() < k {
        top.push(item);
    } else {
        match top.last_mut() {
            Some(last) if order(last, &item) == Greater => *last = item,
            _ => return,
        }
    }
    let mut at = top.len() - 1;
    while at > 0 && order(&top[at - 1], &top[at]) == Greater {
        top.swap(at - 1, at);
        at -= 1;
    }
}

#[cfg(test)]
mod tests {
    use super::super::aggregate::{WeightedSum, Weights};
    use super::*;

    /// The kernel's direct summaries are the breakdown's, bit for bit: rows of observed,
    /// imputed and skipped factors over categories with a zero-weight factor and an empty one.
    #[test]
    fn direct_summaries_are_the_breakdowns_bit_for_bit() {
        let category = vec![0, 1, 2, 0, 1, 2, 0, 1, 0, 2, 1];
        // f4 and f10 tie in weight and category, and their ids sort the other way round from their places.
        let factor = vec![1.0, 2.0, 3.0, 0.5, 1.5, 0.0, 2.5, 1.0, 4.0, 0.7, 1.5];
        let model = Model {
            weights: Weights::of(category, factor, vec![30.0, 45.0, 25.0, 10.0]),
            method: Method::WeightedSum(WeightedSum),
        };
        let ids = ["f0", "f1", "f2", "f3", "f4", "f5", "f6", "f7", "f8", "f9", "f10"];
        let (nf, nc, k) = (ids.len(), 4, 3);
        let mut by_breakdown = Summarizer::of(&model, ids.to_vec(), k);
        by_breakdown.nominal_scale = None;
        let mut direct = Summarizer::of(&model, ids.to_vec(), k);
        assert!(direct.direct() && !by_breakdown.direct());
        let mut state = 0x2545_F491_4F6C_DD1Du64;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        let mut sums = Sums::new(nc);
        for row in 0..20_000 {
            let complete = row % 3 == 0;
            let outcomes: Vec<Outcome> = (0..nf)
                .map(|_| {
                    let p: f64 = match next() % 5 {
                        0 => 0.0,
                        1 => 100.0,
                        _ => (next() >> 11) as f64 / (1u64 << 53) as f64 * 100.0,
                    };
                    match if complete { 0 } else { next() % 4 } {
                        0 | 1 => Outcome::Observed(p.min(100.0)),
                        2 => Outcome::Imputed(50.0),
                        _ => Outcome::Skipped,
                    }
                })
                .collect();
            let (mut r1, mut c1) = (vec![NONE; k], vec![0.0; nc]);
            let (mut r2, mut c2) = (vec![NONE; k], vec![0.0; nc]);
            by_breakdown.row(&mut sums, |f| outcomes[f], &mut r1, &mut c1);
            if complete {
                // The row in the middle of a block of three, its neighbours not taken.
                let mut block = Summaries::new(3, k, nc);
                let column = |f: usize| [7.0, outcomes[f].points().unwrap_or(f64::NAN), 93.0];
                let points: Vec<f64> = (0..nf).flat_map(column).collect();
                let layout = block.clone_layout();
                let slots = BlockSlots {
                    layout: &layout,
                    reasons: &mut block.reasons,
                    categories: &mut block.categories,
                    first: 0,
                };
                direct.complete_block(&points, &[false, true, false], slots);
                r2.copy_from_slice(&block.reasons[k..2 * k]);
                c2.copy_from_slice(&block.categories[nc..2 * nc]);
                let untouched = |r: &[u16], c: &[f64]| r.iter().all(|&x| x == NONE) && c.iter().all(|x| x.is_nan());
                assert!(untouched(&block.reasons[..k], &block.categories[..nc]), "row {row}: a neighbour written");
                assert!(
                    untouched(&block.reasons[2 * k..], &block.categories[2 * nc..]),
                    "row {row}: a neighbour written"
                );
            } else {
                model.score(|f| outcomes[f], &mut sums);
                direct.scored(&sums, |f| outcomes[f], &mut r2, &mut c2);
            }
            assert_eq!(r1, r2, "reason codes of row {row}: {outcomes:?}");
            let bits = |c: &[f64]| c.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
            assert_eq!(bits(&c1), bits(&c2), "category scores of row {row}: {outcomes:?}");
        }
    }
}
