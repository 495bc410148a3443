//! One entity's [`Breakdown`] from the scores of its kind (evaluate stage): the views, model and
//! buffers that ledgers, row summaries and roll-ups share, reused across rows.

use super::KindScores;
use super::aggregate::{Breakdown, Model, Sums};
use super::factor::{FactorView, views};

/// Buffers for the breakdowns of many rows of one kind.
pub(super) struct Attributor<'a> {
    views: Vec<FactorView<'a>>,
    model: &'a Model,
    sums: Sums,
    breakdown: Breakdown,
}

impl<'a> Attributor<'a> {
    /// Buffers for the rows of `ks`.
    pub(super) fn new(ks: &'a KindScores) -> Attributor<'a> {
        let rules = &ks.plan.rules;
        Attributor {
            views: views(&ks.table, &ks.raw, &ks.scorers, rules),
            model: &ks.model,
            sums: Sums::new(rules.categories.len()),
            breakdown: Breakdown::default(),
        }
    }

    /// The breakdown of `row`.
    pub(super) fn row(&mut self, row: usize) -> &Breakdown {
        let b = &mut self.breakdown;
        b.outcomes.clear();
        b.outcomes.extend(self.views.iter().map(|v| v.outcome(row)));
        self.model.breakdown(&mut self.sums, b);
        b
    }
}

/// A category's score for every entity of a kind (roll-ups of one category).
pub(super) fn category_scores(ks: &KindScores, category: usize) -> Vec<Option<f64>> {
    let mut a = Attributor::new(ks);
    (0..ks.table.len()).map(|row| a.row(row).category_score[category]).collect()
}
