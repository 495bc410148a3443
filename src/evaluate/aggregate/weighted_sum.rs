//! The weighted sum (the default method): base = Σ over factors with points of
//! (W꜀/ΣW)·(wᶠ/Σw꜀)·points, where the sums run over the categories and factors that have points,
//! so a skipped factor's category renormalises.

use super::{Aggregator, Breakdown, Combined, Outcome, Sums, Weights};

/// Σ share · points.
#[derive(Debug)]
pub struct WeightedSum;

impl Aggregator for WeightedSum {
    const ADDITIVE: bool = true;

    fn prepare(_: &Weights) -> WeightedSum {
        WeightedSum
    }

    /// Category sums, then contributions summed in factor order.
    #[inline]
    fn score(&self, w: &Weights, outcome: impl Fn(usize) -> Outcome, sums: &mut Sums) -> Combined {
        let coverage = sums.fill(w, &outcome);
        if sums.present == 0.0 {
            return Combined { base: None, coverage };
        }
        let mut base = 0.0;
        for f in 0..w.factor.len() {
            if let Some(p) = outcome(f).points() {
                base += sums.scale[w.category[f]] * w.factor[f] * p;
            }
        }
        Combined { base: Some(base), coverage }
    }

    /// contribution = share·points, lost = share·(100 − points); a category's score is
    /// Σ wᶠ·sᶠ / Σ wᶠ over its factors with points.
    fn attribute(&self, w: &Weights, outcomes: &[Outcome], sums: &Sums, out: &mut Breakdown) {
        let weighted = &mut out.category_buffer;
        for (f, o) in outcomes.iter().enumerate() {
            let Some(p) = o.points() else { continue };
            let share = sums.share(w, f);
            out.share[f] = share;
            out.contribution[f] = share * p;
            out.lost[f] = share * (100.0 - p);
            weighted[w.category[f]] += w.factor[f] * p;
        }
        for (c, num) in out.category_buffer.iter().enumerate() {
            out.category_score[c] = (sums.cat_sum[c] > 0.0).then(|| num / sums.cat_sum[c]);
        }
    }

    /// Linear in the factor's points: points + (target − base)/share.
    fn solve(&self, w: &Weights, points: &[f64], sums: &Sums, f: usize, base: f64, target: f64) -> f64 {
        points[f] + (target - base) / sums.share(w, f)
    }

    fn start() -> f64 {
        0.0
    }

    /// As `score` adds it: share · points.
    #[inline]
    fn term(share: f64, p: f64) -> f64 {
        share * p
    }

    fn finish(acc: f64) -> f64 {
        acc
    }

    /// The share itself: a factor moves the base by at most share·100 points.
    fn nominal_swing(share: f64, _: f64, _: f64) -> f64 {
        share
    }

    fn nominal_base(shares: &[f64], points: impl Iterator<Item = f64>) -> f64 {
        shares.iter().zip(points).map(|(s, p)| s * p).sum()
    }

    /// What `score` gives each factor when every factor has points: `Sums::fill` then sums every
    /// weight, so the scale of a category is that of its full total (0 for one without weight).
    fn present_shares(w: &Weights) -> Option<Vec<f64>> {
        let present = super::present_weight(&w.category_total, &w.category_weight);
        if present == 0.0 {
            return None;
        }
        let scale = |c: usize| {
            let sum = w.category_total[c];
            if sum > 0.0 { super::contribution_scale(w.category_weight[c], present, sum) } else { 0.0 }
        };
        Some(w.category.iter().zip(&w.factor).map(|(&c, &wf)| scale(c) * wf).collect())
    }
}
