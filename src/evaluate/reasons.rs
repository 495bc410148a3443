//! Reason codes and category scores for many entities at once, without full ledgers (used when
//! rendering large rankings; one pass over the factors per entity).

use super::KindScores;
use super::kernel::{FactorView, Scratch, Weights, combine_row, contribution, present_weight, views};

/// What a ranking row shows beyond the score.
pub struct RowSummary<'a> {
    /// Factors by points lost below their maximum, ties by id.
    pub reasons: Vec<&'a str>,
    /// Each category's score (`None` where no factor of it has points).
    pub categories: Vec<Option<f64>>,
}

/// Buffers reused across rows of one kind.
pub struct ReasonScratch<'a> {
    ks: &'a KindScores,
    views: Vec<FactorView<'a>>,
    weights: Weights,
    scratch: Scratch,
    lost: Vec<(f64, usize)>,
}

impl<'a> ReasonScratch<'a> {
    pub fn new(ks: &'a KindScores) -> ReasonScratch<'a> {
        let rules = &ks.plan.rules;
        ReasonScratch {
            ks,
            views: views(&ks.table, &ks.raw, &ks.scorers, rules),
            weights: Weights::new(rules),
            scratch: Scratch::new(rules.factors.len(), rules.categories.len()),
            lost: Vec::new(),
        }
    }

    pub fn summarize(&mut self, row: usize) -> RowSummary<'a> {
        combine_row(&self.views, &self.weights, row, &mut self.scratch);
        let (w, s, ks) = (&self.weights, &self.scratch, self.ks);
        let factors = &ks.plan.rules.factors;
        let present = present_weight(&s.cat_sum, &w.category_weight);
        let mut weighted = vec![0.0; w.category_weight.len()];
        let k = ks.plan.rules.reason_codes;
        self.lost.clear();
        for (f, o) in s.outcomes.iter().enumerate() {
            let Some(p) = o.points() else { continue };
            let c = w.category[f];
            weighted[c] += w.factor[f] * p;
            let lost = contribution(w.category_weight[c], present, w.factor[f], s.cat_sum[c], 100.0 - p);
            if lost > 0.0 {
                insert_top(&mut self.lost, k, (lost, f), |a, b| {
                    b.0.total_cmp(&a.0).then_with(|| factors[a.1].id.cmp(&factors[b.1].id))
                });
            }
        }
        RowSummary {
            reasons: self.lost.iter().map(|&(_, f)| factors[f].id.as_str()).collect(),
            categories: weighted.iter().zip(&s.cat_sum).map(|(num, den)| (*den > 0.0).then(|| num / den)).collect(),
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
