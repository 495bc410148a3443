//! Rank reversal, leave one out (for rule sets with a universe-relative scale: minmax,
//! percentile, zscore): each ranked entity removed in turn, the scales resolved again on the
//! rest and the rest rescored; whether their order changed, and Spearman's rho of their ranks
//! against their ranks in the full ranking (as pymcdm's `leave_one_out_rr` computes it).

use rayon::prelude::*;

use super::matrix::{Matrix, ranks};
use super::oat::totals;
use super::stats::spearman;
use crate::evaluate::KindScores;

/// One entity left out.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct LeftOut {
    pub removed: usize,
    pub order_changed: bool,
    /// `None` when fewer than two remain or their ranks are all equal.
    pub spearman: Option<f64>,
}

/// Whether any factor's scale depends on the universe.
pub(crate) fn relative(ks: &KindScores) -> bool {
    ks.plan.rules.factors.iter().any(|f| f.scale.is_relative())
}

/// The leave-one-out analysis (empty when no scale is universe-relative).
pub(crate) fn leave_one_out(ks: &KindScores, m: &Matrix) -> Vec<LeftOut> {
    if !relative(ks) {
        return Vec::new();
    }
    let nc = ks.plan.rules.categories.len();
    let full = totals(m, &ks.model, nc);
    let ranked: Vec<usize> = (0..full.len()).filter(|&r| full[r].is_some()).collect();
    ranked
        .par_iter()
        .map(|&removed| {
            let rest: Vec<usize> = ranked.iter().copied().filter(|&r| r != removed).collect();
            let scorers = crate::evaluate::scorers_without(ks, |r| r != removed);
            let again = totals(&Matrix::new(ks, &scorers), &ks.model, nc);
            let before = ranks(&rest.iter().map(|&r| full[r]).collect::<Vec<_>>());
            let after = ranks(&rest.iter().map(|&r| again[r]).collect::<Vec<_>>());
            let as_f64 = |v: &[Option<u32>]| v.iter().map(|r| r.unwrap_or(0) as f64).collect::<Vec<f64>>();
            LeftOut { removed, order_changed: before != after, spearman: spearman(&as_f64(&before), &as_f64(&after)) }
        })
        .collect()
}
