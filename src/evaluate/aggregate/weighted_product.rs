//! The weighted product model (WPM): base = 100 · Π over factors with points of
//! (points/100)^share, where share = (W꜀/ΣW)·(wᶠ/Σw꜀) is the factor's effective share, the same
//! one the weighted sum uses. With one category this is the textbook WPM, Π xⱼ^wⱼ with weights
//! summing to 1, on points/100; with several it is the weighted geometric mean of the
//! categories' scores, each the weighted geometric mean of its factors' points.
//!
//! - Missing data: a skipped (or failed) factor is left out and its category renormalises, as in
//!   the weighted sum; an imputed one counts with its imputed points.
//! - A factor at 0 points makes the base 0 (WPM's veto: no weight compensates a zero).
//! - Attribution: the points lost below 100 (100 − base) are split over the factors in
//!   proportion to −share·ln(points/100), each factor's term of the logarithm; when some factor
//!   has 0 points, those factors split the loss in proportion to their shares. A factor's
//!   contribution is share·100 − lost, so contributions add up to the base as in the weighted sum.

use super::{Aggregator, Breakdown, Combined, Outcome, Sums, Weights};

/// Π (points/100)^share, times 100.
#[derive(Debug)]
pub struct WeightedProduct;

/// 100 · exp(Σ share·ln(points/100)) over `terms` of (share, points).
fn product(terms: impl Iterator<Item = (f64, f64)>) -> f64 {
    let log: f64 = terms.map(|(share, p)| share * (p / 100.0).ln()).sum();
    100.0 * log.exp()
}

impl Aggregator for WeightedProduct {
    const ADDITIVE: bool = false;

    fn prepare(_: &Weights) -> WeightedProduct {
        WeightedProduct
    }

    #[inline]
    fn score(&self, w: &Weights, outcome: impl Fn(usize) -> Outcome, sums: &mut Sums) -> Combined {
        let coverage = sums.fill(w, &outcome);
        if sums.present == 0.0 {
            return Combined { base: None, coverage };
        }
        let terms = (0..w.factor.len()).filter_map(|f| outcome(f).points().map(|p| (sums.share(w, f), p)));
        Combined { base: Some(product(terms)), coverage }
    }

    fn attribute(&self, w: &Weights, outcomes: &[Outcome], sums: &Sums, out: &mut Breakdown) {
        let with_points = || outcomes.iter().enumerate().filter_map(|(f, o)| o.points().map(|p| (f, p)));
        let base = product(with_points().map(|(f, p)| (sums.share(w, f), p)));
        let zero_share: f64 = with_points().filter(|(_, p)| *p == 0.0).map(|(f, _)| sums.share(w, f)).sum();
        let log_loss: f64 = with_points().map(|(f, p)| -sums.share(w, f) * (p / 100.0).ln()).sum();
        for (f, p) in with_points() {
            let share = sums.share(w, f);
            let part = if zero_share > 0.0 {
                if p == 0.0 { share / zero_share } else { 0.0 }
            } else if log_loss > 0.0 {
                -share * (p / 100.0).ln() / log_loss
            } else {
                0.0
            };
            out.share[f] = share;
            out.lost[f] = (100.0 - base) * part;
            out.contribution[f] = share * 100.0 - out.lost[f];
        }
        for c in 0..w.category_weight.len() {
            let members = with_points().filter(|(f, _)| w.category[*f] == c);
            let terms = members.map(|(f, p)| (w.factor[f] / sums.cat_sum[c], p));
            out.category_score[c] = (sums.cat_sum[c] > 0.0).then(|| product(terms));
        }
    }

    /// ln(target/100) = Σ over the others of share·ln(points/100) + share_f·ln(p/100), for p.
    fn solve(&self, w: &Weights, points: &[f64], sums: &Sums, f: usize, _: f64, target: f64) -> f64 {
        let rest: f64 = (0..points.len())
            .filter(|&g| g != f && !points[g].is_nan())
            .map(|g| sums.share(w, g) * (points[g] / 100.0).ln())
            .sum();
        100.0 * (((target / 100.0).ln() - rest) / sums.share(w, f)).exp()
    }

    /// Where `Iterator::sum` starts (the fold `product` makes).
    fn start() -> f64 {
        std::iter::empty::<f64>().sum()
    }

    /// As `product` adds it: share · ln(points/100).
    #[inline]
    fn term(share: f64, p: f64) -> f64 {
        share * (p / 100.0).ln()
    }

    fn finish(acc: f64) -> f64 {
        100.0 * acc.exp()
    }

    /// (hi/100)^share − (lo/100)^share: with every other factor at 100, the base moves
    /// between these (a factor that can reach 0 can zero the base).
    fn nominal_swing(share: f64, lo: f64, hi: f64) -> f64 {
        (hi / 100.0).powf(share) - (lo / 100.0).powf(share)
    }

    fn nominal_base(shares: &[f64], points: impl Iterator<Item = f64>) -> f64 {
        product(shares.iter().copied().zip(points))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_product_is_the_weighted_geometric_mean_of_the_points() {
        let base = product([(0.25, 100.0), (0.75, 10.0)].into_iter());
        assert!((base - 100.0 * 0.1f64.powf(0.75)).abs() < 1e-12);
        assert_eq!(product([(0.5, 0.0), (0.5, 100.0)].into_iter()), 0.0);
        assert!((product([(0.4, 60.0), (0.6, 60.0)].into_iter()) - 60.0).abs() < 1e-12);
    }

    #[test]
    fn a_small_share_that_can_reach_zero_still_swings_the_whole_product() {
        assert_eq!(WeightedProduct::nominal_swing(0.005, 0.0, 100.0), 1.0);
        assert!(WeightedProduct::nominal_swing(0.005, 50.0, 100.0) < 0.01);
    }

    #[test]
    fn attribution_adds_up_and_splits_the_loss_by_log_terms() {
        let rules_weights = Weights {
            category: vec![0, 0],
            factor: vec![1.0, 3.0],
            category_weight: vec![1.0],
            category_total: vec![4.0],
            total: 1.0,
            full: vec![0.25, 0.75],
            full_coverage: 1.0,
        };
        let outcomes = [Outcome::Observed(100.0), Outcome::Observed(10.0)];
        let mut sums = Sums::new(1);
        let m = WeightedProduct;
        let base = m.score(&rules_weights, |f| outcomes[f], &mut sums).base.expect("base");
        let mut b = Breakdown::default();
        b.reset(2, 1);
        m.attribute(&rules_weights, &outcomes, &sums, &mut b);
        assert!((b.contribution.iter().sum::<f64>() - base).abs() < 1e-12);
        assert_eq!(b.lost[0], 0.0, "a factor at 100 points loses nothing");
        assert!((b.lost[1] - (100.0 - base)).abs() < 1e-12);
    }
}
