//! Weight flip points: per entity and weight (each factor's, and each category's that has
//! factors), the weight that alone — the others held, the weighted mean renormalising — moves
//! the rating one band up and one band down, nearest the weight as it is.
//!
//! With points fixed, the total is a monotone function of one weight on [0, ∞): the weighted sum
//! is a ratio of two linear functions of it, the weighted product the exponential of one, and
//! both move from the total without that weight (at 0) towards the weight's own pull (the
//! factor's points, the category's score) as it grows. So the side of the current weight that
//! moves the total the wanted way is known from the two ends, and the edge is found by
//! bisection on the scoring itself down to adjacent floats: the reported weight flips the
//! rating, the next float toward the current weight does not. Weights are searched from 0 to
//! [`REACH`] times the current one; a flip beyond is reported as out of reach.

use rayon::prelude::*;

use super::flips::Direction;
use super::matrix::Matrix;
use super::oat::{WeightId, scaled};
use crate::evaluate::KindScores;
use crate::evaluate::aggregate::Sums;

/// How far a weight is searched: up to this many times its current value.
pub(crate) const REACH: f64 = 1000.0;

/// What one weight alone would need to move an entity's rating a band.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct WeightFlip {
    pub row: usize,
    pub weight: WeightId,
    pub direction: Direction,
    /// The band it would move into (index, best first).
    pub band: usize,
    /// The weight now.
    pub from: f64,
    /// The weight nearest `from` that moves the rating there; `None` when no weight from 0 to
    /// [`REACH`]·`from` does (or a cap holds the rating).
    pub to: Option<f64>,
    /// The cap gate that holds the rating, when one keeps it from rising.
    pub capped_by: Option<usize>,
}

impl WeightFlip {
    /// The change as a fraction of the weight now (−1 removes the weight).
    pub(crate) fn change(&self) -> Option<f64> {
        self.to.map(|t| t / self.from - 1.0)
    }

    /// Whether a listing shows it by default, as [`super::Flip::listed`]: a weight moves the
    /// rating, or a cap holds it.
    pub(crate) fn listed(&self) -> bool {
        self.to.is_some() || self.capped_by.is_some()
    }
}

/// The weight flips of every ranked entity (rows in table order, weights as [`WeightId::all`]).
pub(crate) fn weight_flips(ks: &KindScores, m: &Matrix) -> Vec<WeightFlip> {
    (0..m.rows())
        .into_par_iter()
        .with_min_len(16)
        .map_init(|| Sums::new(ks.plan.rules.categories.len()), |sums, row| of_row(ks, m, sums, row))
        .flatten_iter()
        .collect()
}

/// The weight flips of one row (none when it is not rated under the given weights).
pub(crate) fn of_row(ks: &KindScores, m: &Matrix, sums: &mut Sums, row: usize) -> Vec<WeightFlip> {
    let rules = &ks.plan.rules;
    let Some(r) = m.total(&ks.model, sums, row).and_then(|t| m.rating(rules, row, t)) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for weight in WeightId::all(ks) {
        let from = current(ks, weight);
        if from <= 0.0 || !involved(ks, m, row, weight) {
            continue;
        }
        if r > 0 {
            out.push(flip(ks, m, sums, row, weight, r, Direction::Up));
        }
        if r + 1 < rules.ratings.len() {
            out.push(flip(ks, m, sums, row, weight, r, Direction::Down));
        }
    }
    out
}

fn current(ks: &KindScores, weight: WeightId) -> f64 {
    let w = &ks.model.weights;
    match weight {
        WeightId::Factor(f) => w.factor[f],
        WeightId::Category(c) => w.category_weight[c],
    }
}

/// Whether the weight touches the row's total: its factor has points, or its category has a
/// factor with points.
fn involved(ks: &KindScores, m: &Matrix, row: usize, weight: WeightId) -> bool {
    let points = m.row(row);
    match weight {
        WeightId::Factor(f) => !points[f].is_nan(),
        WeightId::Category(c) => (0..m.nf).any(|f| ks.model.weights.category[f] == c && !points[f].is_nan()),
    }
}

/// Most bisection steps (adjacent floats are reached in far fewer from [0, REACH·w]).
const MAX_STEPS: usize = 2200;

fn flip(
    ks: &KindScores,
    m: &Matrix,
    sums: &mut Sums,
    row: usize,
    weight: WeightId,
    r: usize,
    dir: Direction,
) -> WeightFlip {
    let rules = &ks.plan.rules;
    let from = current(ks, weight);
    let band = if dir == Direction::Up { r - 1 } else { r + 1 };
    let mut out = WeightFlip { row, weight, direction: dir, band, from, to: None, capped_by: None };
    if dir == Direction::Up && m.fixed[row].cap.is_some_and(|c| band < c) {
        out.capped_by = m.fixed[row].cap_gate;
        return out;
    }
    // The weight at `x` (as a multiple of the current one), the row rescored: its total if rated.
    let mut total_at = |x: f64| m.total(&scaled(ks, weight, x / from), sums, row);
    let moved = |t: Option<f64>| {
        t.and_then(|t| m.rating(rules, row, t)).is_some_and(|b| match dir {
            Direction::Up => b < r,
            Direction::Down => b > r,
        })
    };
    let (low, high) = (total_at(0.0), total_at(REACH * from));
    // The side whose end moves the rating the wanted way; on it, the edge nearest `from`.
    let (mut near, mut far) = if moved(high) {
        (from, REACH * from)
    } else if moved(low) {
        (from, 0.0)
    } else {
        return out;
    };
    for _ in 0..MAX_STEPS {
        let mid = near + (far - near) / 2.0;
        if mid == near || mid == far {
            break;
        }
        if moved(total_at(mid)) {
            far = mid;
        } else {
            near = mid;
        }
    }
    out.to = Some(far);
    out
}
