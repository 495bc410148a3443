//! One-at-a-time weight sensitivity: each factor weight, then each category weight, times
//! (1 + d) for each d of a list, the others as they are (the weighted mean renormalises); the
//! kind rescored from the points matrix; the new top entity and Kendall's tau-b of the new
//! ranking against the base one.

use rayon::prelude::*;

use super::matrix::Matrix;
use super::stats::kendall_tau_b;
use crate::evaluate::KindScores;
use crate::evaluate::aggregate::{Model, Sums};

/// A weight of the rule set: a factor's or a category's.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum WeightId {
    Factor(usize),
    Category(usize),
}

impl WeightId {
    /// Every weight: the factors' in rule order, then the categories' that have factors.
    pub(crate) fn all(ks: &KindScores) -> Vec<WeightId> {
        let w = &ks.model.weights;
        let factors = (0..w.factor.len()).map(WeightId::Factor);
        let categories = (0..w.category_weight.len()).filter(|&c| w.category_total[c] > 0.0).map(WeightId::Category);
        factors.chain(categories).collect()
    }

    /// Its id in the rules.
    pub(crate) fn name(self, ks: &KindScores) -> &str {
        match self {
            WeightId::Factor(f) => &ks.plan.rules.factors[f].id,
            WeightId::Category(c) => &ks.plan.rules.categories[c].name,
        }
    }
}

/// One rescoring: a weight times (1 + delta).
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Oat {
    pub weight: WeightId,
    pub delta: f64,
    /// The top entity's row (`None` when nothing is ranked).
    pub top: Option<usize>,
    /// Kendall's tau-b against the base ranking (`None` with fewer than two ranked, or ties only).
    pub kendall_tau: Option<f64>,
}

/// Every row's total under `model` (`None` for rows outside the ranking).
pub(crate) fn totals(m: &Matrix, model: &Model, categories: usize) -> Vec<Option<f64>> {
    (0..m.rows())
        .into_par_iter()
        .with_min_len(1024)
        .map_init(|| Sums::new(categories), |sums, row| m.total(model, sums, row))
        .collect()
}

/// The best-scoring row, ties to the smaller id (as the ranking lists them).
pub(crate) fn top(ks: &KindScores, totals: &[Option<f64>]) -> Option<usize> {
    totals
        .iter()
        .enumerate()
        .filter_map(|(r, t)| t.map(|t| (r, t)))
        .max_by(|a, b| a.1.total_cmp(&b.1).then_with(|| ks.table.id(b.0).cmp(ks.table.id(a.0))))
        .map(|(r, _)| r)
}

/// The model with one weight multiplied by `factor`.
pub(crate) fn scaled(ks: &KindScores, weight: WeightId, by: f64) -> Model {
    let w = &ks.model.weights;
    let (mut fw, mut cw) = (w.factor.clone(), w.category_weight.clone());
    match weight {
        WeightId::Factor(f) => fw[f] *= by,
        WeightId::Category(c) => cw[c] *= by,
    }
    ks.model.reweighted(&fw, &cw)
}

/// The one-at-a-time analysis for these deltas.
pub(crate) fn oat(ks: &KindScores, m: &Matrix, deltas: &[f64]) -> Vec<Oat> {
    let nc = ks.plan.rules.categories.len();
    let base = totals(m, &ks.model, nc);
    let mut out = Vec::new();
    for weight in WeightId::all(ks) {
        for &delta in deltas {
            let t = totals(m, &scaled(ks, weight, 1.0 + delta), nc);
            // Over the rows ranked both times: a row a coverage floor withholds under one set
            // of weights has no place in that ranking.
            let both: Vec<usize> = (0..base.len()).filter(|&r| base[r].is_some() && t[r].is_some()).collect();
            let before: Vec<f64> = both.iter().map(|&r| base[r].unwrap_or(0.0)).collect();
            let new: Vec<f64> = both.iter().map(|&r| t[r].unwrap_or(0.0)).collect();
            out.push(Oat { weight, delta, top: top(ks, &t), kendall_tau: kendall_tau_b(&before, &new) });
        }
    }
    out
}
