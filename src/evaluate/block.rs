//! A block of rows in the scoring kernel (evaluate stage): each factor fills its points and
//! outcome states for the whole block in one tight loop, with the base of rows whose factors all
//! have observed data, and what the kernel counts per row of the block (failed factors,
//! unsourced values, the weight that backs coverage).

use super::aggregate::{Outcome, Sums, Weights};
use super::factor::{FactorView, View};
use super::sourcing::Unsourced;
use crate::scale::{Scorer, linear_points};

impl FactorView<'_> {
    /// Outcomes for a block of rows into `b` (this factor's slices), adding `full`·points to the
    /// base of rows with observed data and marking the others incomplete. Numbers on a linear
    /// scale take a tight loop with the same arithmetic as [`Scorer::number`]; everything else
    /// goes row by row through [`FactorView::outcome`].
    fn fill(&self, rows: std::ops::Range<usize>, full: f64, mut b: BlockSlices<'_>) {
        match (self.values, self.scorer) {
            (View::Number(v), Scorer::Linear { lo, hi, lower }) => {
                let missing = self.outcome_of_missing();
                let (lo, hi, lower) = (*lo, *hi, *lower);
                for (k, &x) in v[rows].iter().enumerate() {
                    if x.is_nan() {
                        b.store(k, missing);
                        continue;
                    }
                    let p = linear_points(lo, hi, lower, x);
                    b.points[k] = p;
                    b.states[k] = OBSERVED;
                    b.base[k] += full * p;
                }
            }
            _ => {
                for (k, row) in rows.enumerate() {
                    let o = self.outcome(row);
                    b.store(k, o);
                    if let Outcome::Observed(p) = o {
                        b.base[k] += full * p;
                    }
                }
            }
        }
    }
}

/// Reusable per-thread buffers.
pub(super) struct Scratch {
    /// The category sums of the row being aggregated.
    pub(super) sums: Sums,
    /// A block of rows, factor-major (`[f * rows + k]`): points and states of the outcomes.
    pub(super) points: Vec<f64>,
    pub(super) states: Vec<u8>,
    /// Per row of a block: whether every factor has observed data, and the base if so.
    pub(super) complete: Vec<bool>,
    pub(super) base: Vec<f64>,
    /// No observed weight in any category (for rows whose values are all unsourced).
    pub(super) zeros: Vec<f64>,
    /// Per row of a block: whether its summary is left for the block's complete rows.
    pub(super) later: Vec<bool>,
}

pub(super) const OBSERVED: u8 = 0;
pub(super) const IMPUTED: u8 = 1;
pub(super) const SKIPPED: u8 = 2;
pub(super) const FAILED: u8 = 3;

/// One factor's part of a block: where its outcomes go, and the rows' running bases.
pub(super) struct BlockSlices<'a> {
    points: &'a mut [f64],
    states: &'a mut [u8],
    base: &'a mut [f64],
    complete: &'a mut [bool],
}

impl BlockSlices<'_> {
    #[inline]
    fn store(&mut self, k: usize, o: Outcome) {
        let (state, points) = match o {
            Outcome::Observed(p) => (OBSERVED, p),
            Outcome::Imputed(p) => (IMPUTED, p),
            Outcome::Skipped => (SKIPPED, 0.0),
            Outcome::Failed => (FAILED, 0.0),
        };
        self.points[k] = points;
        self.states[k] = state;
        if state != OBSERVED {
            self.complete[k] = false;
        }
    }
}

/// The outcome stored at `i` of a block.
#[inline]
pub(super) fn stored(points: &[f64], states: &[u8], i: usize) -> Outcome {
    match states[i] {
        OBSERVED => Outcome::Observed(points[i]),
        IMPUTED => Outcome::Imputed(points[i]),
        SKIPPED => Outcome::Skipped,
        _ => Outcome::Failed,
    }
}

impl Scratch {
    pub(super) fn new(nc: usize) -> Scratch {
        Scratch {
            sums: Sums::new(nc),
            points: Vec::new(),
            states: Vec::new(),
            complete: Vec::new(),
            base: Vec::new(),
            zeros: vec![0.0; nc],
            later: Vec::new(),
        }
    }
}

/// Rows scored together: each factor fills its outcomes for the whole block in one tight loop.
pub(super) const BLOCK: usize = 256;

/// How many factors of row `row` (at `k` of a block of `nb`) have observed data, and how many
/// of those values are unsourced.
#[inline]
pub(super) fn count_unsourced(
    unsourced: &[Unsourced],
    states: &[u8],
    nb: usize,
    k: usize,
    row: usize,
) -> (usize, usize) {
    let (mut observed, mut bare) = (0, 0);
    for (f, u) in unsourced.iter().enumerate() {
        if states[f * nb + k] == OBSERVED {
            observed += 1;
            bare += usize::from(u.at(row));
        }
    }
    (observed, bare)
}

/// Fills `sums` over `outcome` (unsourced values as imputed) and returns its observed weight
/// per category: what backs the coverage.
pub(super) fn backed<'s>(w: &Weights, outcome: impl Fn(usize) -> Outcome, sums: &'s mut Sums) -> &'s [f64] {
    sums.fill(w, outcome);
    &sums.observed
}

/// Counts row `row` (at `k` of a block of `nb`) against each factor it failed.
pub(super) fn count_failed(failed: &mut [(usize, usize)], states: &[u8], nb: usize, k: usize, row: usize) {
    for (f, failed) in failed.iter_mut().enumerate() {
        if states[f * nb + k] == FAILED {
            *failed = (failed.0.min(row), failed.1 + 1);
        }
    }
}

/// Fills a block factor by factor: points and states factor-major, and for each row the base
/// of the full model (Σ in factor order of W꜀/(ΣW·Σw꜀)·wᶠ·sᶠ — what the weighted sum gives a row
/// whose factors all have observed data, bit for bit) with whether the row is such a row.
pub(super) fn fill_block(views: &[FactorView<'_>], w: &Weights, rows: std::ops::Range<usize>, s: &mut Scratch) {
    let nb = rows.len();
    s.points.resize(views.len() * nb, 0.0);
    s.states.resize(views.len() * nb, 0);
    s.complete.clear();
    s.complete.resize(nb, true);
    s.base.clear();
    s.base.resize(nb, 0.0);
    s.later.clear();
    s.later.resize(nb, false);
    for (f, v) in views.iter().enumerate() {
        let slices = BlockSlices {
            points: &mut s.points[f * nb..(f + 1) * nb],
            states: &mut s.states[f * nb..(f + 1) * nb],
            base: &mut s.base,
            complete: &mut s.complete,
        };
        v.fill(rows.clone(), w.full[f], slices);
    }
}
