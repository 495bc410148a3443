//! Flip points: per entity and factor, the smallest change of the factor's points that moves
//! the rating one band up and one band down, the others held. Solved in closed form by the
//! aggregation ([`Model::solve`]), then checked against the scoring itself to the last bit: the
//! reported points flip the rating and the next float toward the current points does not.
//! Where the scale can be inverted (linear, bands, bool, map), also the raw value that does it.

use rayon::prelude::*;

use super::matrix::{Matrix, outcome};
use crate::evaluate::KindScores;
use crate::evaluate::aggregate::{Model, Probe, Sums};
use crate::model::RuleSet;
use crate::scale::RawValue;

/// Up a band (better) or down a band (worse).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Direction {
    Up,
    Down,
}

impl Direction {
    pub(crate) fn word(self) -> &'static str {
        match self {
            Direction::Up => "up",
            Direction::Down => "down",
        }
    }
}

/// What would move one entity's rating a band through one factor.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Flip {
    /// The entity's row.
    pub row: usize,
    /// The factor.
    pub factor: usize,
    pub direction: Direction,
    /// The band it would move into (index, best first).
    pub band: usize,
    /// The factor's points now.
    pub from: f64,
    /// The smallest change of the factor's points that moves it there; `None` when no points
    /// the factor can get do (or a cap holds the rating).
    pub points: Option<f64>,
    /// The raw value that gives those points, where the scale can be inverted.
    pub value: Option<RawValue>,
    /// The cap gate that holds the rating, when one keeps it from rising.
    pub capped_by: Option<usize>,
}

impl Flip {
    /// Whether a listing of flips shows it by default: it has points that move the rating, or a
    /// cap holds the rating (what the cap needs). A flip out of reach — no points the factor
    /// can get move the rating a band — is listed only when asked for (`--out-of-reach`).
    pub(crate) fn listed(&self) -> bool {
        self.points.is_some() || self.capped_by.is_some()
    }
}

/// Per-thread buffers for the flips of one row after another (no allocation per row).
pub(crate) struct Scratch {
    sums: Sums,
    probe: Probe,
}

impl Scratch {
    /// Buffers for a rule set of `categories` categories.
    pub(crate) fn new(categories: usize) -> Scratch {
        Scratch { sums: Sums::new(categories), probe: Probe::default() }
    }
}

/// Each factor's points bounds, once per analysis (not once per flip).
pub(crate) fn bounds(rules: &RuleSet) -> Vec<(f64, f64)> {
    rules.factors.iter().map(|f| f.points_bounds()).collect()
}

/// The flips of every ranked entity of a kind (rows in table order, factors in rule order),
/// collected: for the table and tests; the machine formats stream them ([`super::stream`]).
pub(crate) fn flips(ks: &KindScores, m: &Matrix) -> Vec<Flip> {
    let rules = &ks.plan.rules;
    let bounds = bounds(rules);
    (0..m.rows())
        .into_par_iter()
        .with_min_len(256)
        .map_init(
            || Scratch::new(rules.categories.len()),
            |s, row| {
                let mut out = Vec::new();
                push_row(rules, &ks.model, m, &bounds, s, row, &mut out);
                out
            },
        )
        .flatten_iter()
        .collect()
}

/// The flips of one row of `m` (none when it is excluded or has no score).
pub(crate) fn of_row(rules: &RuleSet, model: &Model, m: &Matrix, row: usize) -> Vec<Flip> {
    let mut out = Vec::new();
    push_row(rules, model, m, &bounds(rules), &mut Scratch::new(rules.categories.len()), row, &mut out);
    out
}

/// Appends the flips of row `row` of `m` to `out`: the row's base, band and running sums once,
/// then each factor's flip up and down.
pub(crate) fn push_row(
    rules: &RuleSet,
    model: &Model,
    m: &Matrix,
    bounds: &[(f64, f64)],
    s: &mut Scratch,
    row: usize,
    out: &mut Vec<Flip>,
) {
    let Scratch { sums, probe } = s;
    if !m.fixed[row].ranked || m.below_floor(model, sums, row) {
        return;
    }
    let points = m.row(row);
    // The row's base and shares, once: a change of one factor's points leaves the shares.
    let Some(base) = model.score(|f| outcome(points[f]), sums).base else { return };
    let total = (base + m.fixed[row].adjust).clamp(0.0, 100.0);
    let Some(r) = m.rating(rules, row, total) else { return };
    model.probe(sums, points, probe);
    let (sums, probe) = (&*sums, &*probe);
    let at = Row { rules, model, m, sums, probe, base, row, r };
    for (f, p) in points.iter().enumerate().take(m.nf) {
        if p.is_nan() {
            continue;
        }
        if r > 0 {
            out.push(at.flip(f, bounds[f], Direction::Up));
        }
        if r + 1 < rules.ratings.len() {
            out.push(at.flip(f, bounds[f], Direction::Down));
        }
    }
}

/// Any rounding of a base stays far below this (points are in [0, 100], so a base is a sum of
/// terms of at most 100 · share each, rounded to ~1e-14): a change the closed form puts beyond
/// the factor's points by more than this is out of reach without a probe to confirm it.
const SURE: f64 = 1e-6;

/// One ranked row, prepared: what each of its flips reads.
struct Row<'a> {
    rules: &'a RuleSet,
    model: &'a Model,
    m: &'a Matrix,
    sums: &'a Sums,
    probe: &'a Probe,
    base: f64,
    row: usize,
    /// Its band now.
    r: usize,
}

impl Row<'_> {
    /// One factor's flip in one direction.
    fn flip(&self, f: usize, (lo, hi): (f64, f64), dir: Direction) -> Flip {
        let Row { rules, model, m, sums, probe, base, row, r } = *self;
        let points = m.row(row);
        let from = points[f];
        let band = if dir == Direction::Up { r - 1 } else { r + 1 };
        let fixed = m.fixed[row];
        let mut flip = Flip {
            row: m.start + row,
            factor: f,
            direction: dir,
            band,
            from,
            points: None,
            value: None,
            capped_by: None,
        };
        if dir == Direction::Up && fixed.cap.is_some_and(|c| band < c) {
            flip.capped_by = fixed.cap_gate;
            return flip;
        }
        // The band edge to cross: the upper band's minimum, or this band's (to fall below it).
        let edge = if dir == Direction::Up { rules.ratings[band].min } else { rules.ratings[r].min };
        let target = edge - fixed.adjust;
        if model.additive() {
            // The base is linear in the factor's points (slope: its share): at the far end of
            // its points the base still falls short of the edge by more than any rounding.
            let share = sums.share(&model.weights, f);
            let short = match dir {
                Direction::Up => target - (base + share * (hi - from)),
                Direction::Down => (base + share * (lo - from)) - target,
            };
            if short > SURE {
                return flip;
            }
        }
        let estimate = model.solve(sums, points, f, base, target);
        // Checked on the scoring: the base with the factor at those points, bit for bit.
        let moved = |p: f64| {
            let b = model.probe_base(probe, sums, f, p);
            m.rating(rules, row, (b + fixed.adjust).clamp(0.0, 100.0)).is_some_and(|b| match dir {
                Direction::Up => b < r,
                Direction::Down => b > r,
            })
        };
        if let Some(d) = super::edge::exact(from, estimate.clamp(lo, hi), (lo - from, hi - from), dir, moved) {
            flip.points = Some(d);
            flip.value = raw_value(rules, f, from + d, dir);
        }
        flip
    }
}

/// The raw value that gives points `p` (or, on a scale of few points, the nearest of them that
/// still flips), where the scale can be inverted.
fn raw_value(rules: &RuleSet, f: usize, p: f64, dir: Direction) -> Option<RawValue> {
    let kind = rules.factors[f].scale.kind();
    if kind.is_relative() {
        return None;
    }
    let target = match kind.levels() {
        None => p,
        Some(levels) => match dir {
            Direction::Up => levels.into_iter().find(|&l| l >= p)?,
            Direction::Down => levels.into_iter().rev().find(|&l| l <= p)?,
        },
    };
    kind.invert(target)
}
