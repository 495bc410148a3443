//! The points matrix of one kind and what stays fixed when only weights change: each row's
//! factor points (computed once), its adjustments, caps and exclusion (conditions that read
//! neither `score` nor `rating`, so their verdicts do not depend on the weights). Of the whole
//! kind, or of a chunk of its rows (flip points stream chunk by chunk).

use crate::diag::{Code, Diagnostic};
use crate::evaluate::aggregate::{Model, Sums};
use crate::evaluate::{Floors, KindScores, NotRated, Outcome, Status};
use crate::model::{GateAction, RuleSet};
use crate::scale::Scorer;

/// What the weights cannot change about a row.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Fixed {
    /// Σ points of the adjustments that applied.
    pub adjust: f64,
    /// The worst band a fired cap gate allows (index, best first), if any fired.
    pub cap: Option<usize>,
    /// The fired cap gate that caps hardest.
    pub cap_gate: Option<usize>,
    /// Whether the row can take part in the ranking: not excluded, not withheld by a
    /// `not_rated` gate. A row below a coverage floor can: the floors are checked under each
    /// set of weights ([`Matrix::below_floor`]), since coverage moves with them.
    pub ranked: bool,
}

/// Every row's points (`NaN` where a factor has none), row-major, and its fixed part. Rows are
/// counted from `start`: row `i` of the matrix is row `start + i` of the kind's table.
#[derive(Debug)]
pub(crate) struct Matrix {
    /// The table row of the matrix's first row (0 for the whole kind).
    pub start: usize,
    /// Factors per row.
    pub nf: usize,
    /// `[row * nf + f]`: the factor's points, observed or imputed; `NaN` without points.
    pub points: Vec<f64>,
    /// Per row: whether every factor has points (then its shares are the model's nominal ones).
    pub complete: Vec<bool>,
    /// Per row: adjustments, caps, exclusion.
    pub fixed: Vec<Fixed>,
    /// `[row * nf + f]`: whether the factor's data is observed and backed (what coverage counts).
    backed: Vec<bool>,
    /// Per row: whether every factor is backed (full coverage under any weights).
    all_backed: Vec<bool>,
    /// The rule set's coverage floors, if it has any.
    floors: Option<Floors>,
}

/// A condition reads the score or the rating when its text names `score` or `rating` other
/// than as an attribute (`e.score`).
fn reads_score_or_rating(source: &str) -> bool {
    let bytes = source.as_bytes();
    ["score", "rating"].iter().any(|word| {
        source.match_indices(word).any(|(i, _)| {
            let before = i.checked_sub(1).map(|j| bytes[j]);
            let after = bytes.get(i + word.len()).copied();
            let ident = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
            !before.is_some_and(|b| ident(b) || b == b'.') && !after.is_some_and(ident)
        })
    })
}

/// E750 for each gate or adjustment whose verdict depends on the score or rating: the analyses
/// hold verdicts fixed while they vary points and weights, which would be wrong for these.
pub(crate) fn check_conditions(rules: &RuleSet) -> Vec<Diagnostic> {
    let gates = rules.gates.iter().map(|g| ("gate", &g.id, &g.when));
    let adjustments = rules.adjustments.iter().map(|a| ("adjustment", &a.id, &a.when));
    gates
        .chain(adjustments)
        .filter(|(_, _, when)| reads_score_or_rating(&when.source))
        .map(|(what, id, when)| {
            Diagnostic::error(
                Code::RobustConditionReadsScore,
                format!("{what} `{id}` reads `score` or `rating`, so its verdict moves with the weights"),
            )
            .at_opt(when.span)
            .hint("`thesis robust` holds gate and adjustment verdicts fixed; write the condition over the entity's attributes")
        })
        .collect()
}

impl Fixed {
    /// The fixed part of a scored row.
    pub(crate) fn of(rules: &RuleSet, ks: &KindScores, row: usize) -> Fixed {
        let (res, m) = (&ks.results[row], ks.masks(row));
        let adjust = rules
            .adjustments
            .iter()
            .enumerate()
            .filter(|(i, _)| m.adjustments_applied & (1 << i) != 0)
            .map(|(_, a)| a.points)
            .sum();
        let mut cap: Option<(usize, usize)> = None;
        for (i, g) in rules.gates.iter().enumerate() {
            if let GateAction::Cap(c) = g.action
                && m.gates_fired & (1 << i) != 0
                && cap.is_none_or(|(worst, _)| c > worst)
            {
                cap = Some((c, i));
            }
        }
        Fixed {
            adjust,
            cap: cap.map(|c| c.0),
            cap_gate: cap.map(|c| c.1),
            ranked: matches!(
                res.status,
                Status::Scored | Status::NoData | Status::NotRated(NotRated::Coverage | NotRated::Category(_))
            ),
        }
    }
}

impl Matrix {
    /// The matrix of a scored kind under `scorers` (its own, or re-resolved on a smaller universe).
    pub(crate) fn new(ks: &KindScores, scorers: &[Scorer]) -> Matrix {
        Matrix::of_rows(ks, scorers, 0..ks.table.len())
    }

    /// The matrix of the table rows `rows` only.
    pub(crate) fn of_rows(ks: &KindScores, scorers: &[Scorer], rows: std::ops::Range<usize>) -> Matrix {
        let nf = ks.plan.rules.factors.len();
        let start = rows.start;
        let points = crate::evaluate::points(ks, scorers, rows.clone());
        let complete = points.chunks(nf.max(1)).map(|r| r.iter().all(|p| !p.is_nan())).collect();
        let fixed = rows.clone().map(|row| Fixed::of(&ks.plan.rules, ks, row)).collect();
        let floors = Some(Floors::new(&ks.plan.rules)).filter(Floors::any);
        let backed = if floors.is_some() { crate::evaluate::backed(ks, rows) } else { Vec::new() };
        let all_backed = backed.chunks(nf.max(1)).map(|r| r.iter().all(|b| *b)).collect();
        Matrix { start, nf, points, complete, fixed, backed, all_backed, floors }
    }

    /// Whether a row falls below a coverage floor under `model`'s weights (then it is not rated
    /// and takes no rank). Uses `sums.observed` as scratch.
    pub(crate) fn below_floor(&self, model: &Model, sums: &mut Sums, row: usize) -> bool {
        let Some(floors) = &self.floors else { return false };
        if self.all_backed[row] {
            return false;
        }
        let w = &model.weights;
        sums.observed.iter_mut().for_each(|x| *x = 0.0);
        for (f, &b) in self.backed[row * self.nf..(row + 1) * self.nf].iter().enumerate() {
            if b {
                sums.observed[w.category[f]] += w.factor[f];
            }
        }
        floors.check(w, w.coverage(&sums.observed), &sums.observed).is_some()
    }

    /// How many rows.
    pub(crate) fn rows(&self) -> usize {
        self.fixed.len()
    }

    /// A row's points.
    pub(crate) fn row(&self, row: usize) -> &[f64] {
        &self.points[row * self.nf..(row + 1) * self.nf]
    }

    /// The total of a row whose points are `points` under `model`: the base (through the
    /// aggregation, as the kernel computes it), adjusted and clamped. `None` without points.
    pub(crate) fn total_of(&self, model: &Model, sums: &mut Sums, row: usize, points: &[f64]) -> Option<f64> {
        let combined = model.score(|f| outcome(points[f]), sums);
        Some((combined.base? + self.fixed[row].adjust).clamp(0.0, 100.0))
    }

    /// The total of a row under `model`, if it is ranked (and meets the floors under it).
    pub(crate) fn total(&self, model: &Model, sums: &mut Sums, row: usize) -> Option<f64> {
        if !self.fixed[row].ranked || self.below_floor(model, sums, row) {
            return None;
        }
        self.total_of(model, sums, row, self.row(row))
    }

    /// The band of a row with this total, after its cap.
    pub(crate) fn rating(&self, rules: &RuleSet, row: usize, total: f64) -> Option<usize> {
        let r = rules.rating_of(total)?;
        Some(self.fixed[row].cap.map_or(r, |c| r.max(c)))
    }
}

/// The outcome a stored point stands for (observed and imputed score alike).
#[inline]
pub(crate) fn outcome(p: f64) -> Outcome {
    if p.is_nan() { Outcome::Skipped } else { Outcome::Imputed(p) }
}

/// Competition ranks from totals (`None`: not ranked): 1 + the number strictly better.
pub(crate) fn ranks(totals: &[Option<f64>]) -> Vec<Option<u32>> {
    let mut order: Vec<(f64, usize)> = totals.iter().enumerate().filter_map(|(i, t)| t.map(|t| (t, i))).collect();
    order.sort_by(|a, b| b.0.total_cmp(&a.0));
    let mut out = vec![None; totals.len()];
    let mut rank = 0u32;
    for (k, &(t, i)) in order.iter().enumerate() {
        if k == 0 || t < order[k - 1].0 {
            rank = k as u32 + 1;
        }
        out[i] = Some(rank);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conditions_that_name_score_or_rating_are_found_attributes_are_not() {
        assert!(reads_score_or_rating("score > 70"));
        assert!(reads_score_or_rating("e.listed && rating == \"Overweight\""));
        assert!(!reads_score_or_rating("e.score > 70"));
        assert!(!reads_score_or_rating("e.scores_total > 1 && e.ratings_count < 2"));
    }

    #[test]
    fn ranks_are_one_plus_the_number_strictly_better() {
        assert_eq!(
            ranks(&[Some(50.0), Some(70.0), None, Some(50.0), Some(10.0)]),
            vec![Some(2), Some(1), None, Some(2), Some(4)]
        );
    }
}
