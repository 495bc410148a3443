//! Reason codes and category scores for many entities at once, without full ledgers (used when
//! rendering large rankings).

use super::KindScores;
use super::kernel::{FactorView, Scratch, Weights, combine_row, contribution, views};

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

    fn present(&self) -> f64 {
        self.scratch.cat_sum.iter().zip(&self.weights.category_weight).filter(|(s, _)| **s > 0.0).map(|(_, w)| w).sum()
    }

    /// The reason codes of a row: factors by points lost below their maximum, ties by id.
    pub fn top(&mut self, row: usize) -> Vec<&'a str> {
        combine_row(&self.views, &self.weights, row, &mut self.scratch);
        let present = self.present();
        self.lost.clear();
        for (f, o) in self.scratch.outcomes.iter().enumerate() {
            if let Some(p) = o.points() {
                let c = self.weights.category[f];
                let share = contribution(
                    self.weights.category_weight[c],
                    present,
                    self.weights.factor[f],
                    self.scratch.cat_sum[c],
                    1.0,
                );
                let lost = share * (100.0 - p);
                if lost > 0.0 {
                    self.lost.push((lost, f));
                }
            }
        }
        let factors = &self.ks.plan.rules.factors;
        self.lost.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| factors[a.1].id.cmp(&factors[b.1].id)));
        let ks = self.ks;
        self.lost.iter().take(ks.plan.rules.reason_codes).map(|&(_, f)| ks.plan.rules.factors[f].id.as_str()).collect()
    }

    /// Each category's score for a row (`None` where no factor of it has points).
    pub fn category_scores(&mut self, row: usize) -> Vec<Option<f64>> {
        combine_row(&self.views, &self.weights, row, &mut self.scratch);
        let nc = self.weights.category_weight.len();
        let mut num = vec![0.0; nc];
        for (f, o) in self.scratch.outcomes.iter().enumerate() {
            if let Some(p) = o.points() {
                num[self.weights.category[f]] += self.weights.factor[f] * p;
            }
        }
        (0..nc).map(|c| (self.scratch.cat_sum[c] > 0.0).then(|| num[c] / self.scratch.cat_sum[c])).collect()
    }
}
