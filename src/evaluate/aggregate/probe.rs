//! One row rescored with one factor's points changed, the others held: what flip points ask
//! many times per row. Both methods are a running sum over the factors with points, in factor
//! order (`finish(start + term₁ + term₂ + …)`, see [`Aggregator::term`]), so the sum before each
//! factor is kept once per row and a probe adds the changed term and the terms after it: bit
//! for bit the base `score` gives for those points, in O(factors after f) instead of a full
//! rescoring (category sums included, which a change of points with points leaves as they are).

use super::{Aggregator, Method, Model, Sums};

/// One row's running sum, prepared by [`Model::probe`].
#[derive(Debug, Default)]
pub(crate) struct Probe {
    /// Each factor's term (0 where it has no points; such terms are never added).
    terms: Vec<f64>,
    /// The running sum before each factor's term.
    before: Vec<f64>,
    /// The factors with points, in factor order.
    with_points: Vec<usize>,
    /// Each factor's place in `with_points` (`usize::MAX` without points).
    place: Vec<usize>,
}

impl Model {
    /// Prepares `probe` for the row with `points` (NaN: no points), after `score` filled `sums`
    /// for it and gave it a base.
    pub(crate) fn probe(&self, sums: &Sums, points: &[f64], probe: &mut Probe) {
        dispatch!(&self.method, m => probe.prepare(m, &self.weights, sums, points));
    }

    /// The base of the prepared row with factor `f` (one with points) at `p` points.
    #[inline]
    pub(crate) fn probe_base(&self, probe: &Probe, sums: &Sums, f: usize, p: f64) -> f64 {
        dispatch!(&self.method, m => probe.base_with(m, sums.share(&self.weights, f), f, p))
    }
}

impl Probe {
    fn prepare<A: Aggregator>(&mut self, _: &A, w: &super::Weights, sums: &Sums, points: &[f64]) {
        let nf = points.len();
        self.terms.clear();
        self.terms.resize(nf, 0.0);
        self.before.clear();
        self.before.resize(nf, 0.0);
        self.place.clear();
        self.place.resize(nf, usize::MAX);
        self.with_points.clear();
        let mut acc = A::start();
        for (f, &p) in points.iter().enumerate() {
            if p.is_nan() {
                continue;
            }
            self.place[f] = self.with_points.len();
            self.with_points.push(f);
            self.before[f] = acc;
            self.terms[f] = A::term(sums.share(w, f), p);
            acc += self.terms[f];
        }
    }

    #[inline]
    fn base_with<A: Aggregator>(&self, _: &A, share: f64, f: usize, p: f64) -> f64 {
        let mut acc = self.before[f] + A::term(share, p);
        for &g in &self.with_points[self.place[f] + 1..] {
            acc += self.terms[g];
        }
        A::finish(acc)
    }
}

#[cfg(test)]
mod tests {
    use super::super::{Outcome, Weights};
    use super::*;
    use crate::evaluate::aggregate::{WeightedProduct, WeightedSum};

    fn weights() -> Weights {
        Weights::of(vec![0, 1, 0, 2, 1], vec![1.0, 2.5, 0.3, 4.0, 1.7], vec![3.0, 1.0, 2.0])
    }

    /// Every probe equals a full rescoring, bit for bit, for both methods and rows with and
    /// without points on some factors.
    #[test]
    fn a_probe_gives_the_base_a_full_rescoring_gives_bit_for_bit() {
        let rows: [[f64; 5]; 3] = [
            [12.5, 77.7, 3.3, 91.0, 45.45],
            [f64::NAN, 64.2, 18.9, f64::NAN, 99.9],
            [f64::NAN, f64::NAN, f64::NAN, 50.5, f64::NAN],
        ];
        for method in [Method::WeightedSum(WeightedSum), Method::WeightedProduct(WeightedProduct)] {
            let model = Model { weights: weights(), method };
            for row in rows {
                let outcome = |p: f64| if p.is_nan() { Outcome::Skipped } else { Outcome::Imputed(p) };
                let mut sums = Sums::new(3);
                model.score(|f| outcome(row[f]), &mut sums).base.expect("a base");
                let mut probe = Probe::default();
                model.probe(&sums, &row, &mut probe);
                for f in (0..5).filter(|&f| !row[f].is_nan()) {
                    for p in [0.0, 0.1, 33.333_333_333_3, 60.000_000_000_1, 99.999, 100.0] {
                        let mut moved = row;
                        moved[f] = p;
                        let mut s = Sums::new(3);
                        let full = model.score(|g| outcome(moved[g]), &mut s).base.expect("a base");
                        let fast = model.probe_base(&probe, &sums, f, p);
                        assert_eq!(fast.to_bits(), full.to_bits(), "{:?} factor {f} at {p}", model.method);
                    }
                }
            }
        }
    }
}
