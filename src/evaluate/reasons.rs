//! Reason codes and category scores for many entities at once, without full ledgers (used when
//! rendering large rankings; one breakdown per entity).

use super::KindScores;
use super::attribution::Attributor;

/// What a ranking row shows beyond the score.
pub(crate) struct RowSummary<'a> {
    /// Factors by points lost below their maximum, ties by id.
    pub reasons: Vec<&'a str>,
    /// Each category's score (`None` where no factor of it has points).
    pub categories: Vec<Option<f64>>,
}

/// Buffers reused across rows of one kind.
pub(crate) struct ReasonScratch<'a> {
    ks: &'a KindScores,
    attributor: Attributor<'a>,
    lost: Vec<(f64, usize)>,
}

impl<'a> ReasonScratch<'a> {
    pub(crate) fn new(ks: &'a KindScores) -> ReasonScratch<'a> {
        ReasonScratch { ks, attributor: Attributor::new(ks), lost: Vec::new() }
    }

    pub(crate) fn summarize(&mut self, row: usize) -> RowSummary<'a> {
        let factors = &self.ks.plan.rules.factors;
        let k = self.ks.plan.rules.reason_codes;
        let b = self.attributor.row(row);
        self.lost.clear();
        for (f, &lost) in b.lost.iter().enumerate() {
            if lost > 0.0 {
                insert_top(&mut self.lost, k, (lost, f), |a, b| {
                    b.0.total_cmp(&a.0).then_with(|| factors[a.1].id.cmp(&factors[b.1].id))
                });
            }
        }
        RowSummary {
            reasons: self.lost.iter().map(|&(_, f)| factors[f].id.as_str()).collect(),
            categories: b.category_score.clone(),
        }
    }
}

/// Keeps the `k` first items of `top` in `order`, inserting `item` where it belongs.
fn insert_top<T>(top: &mut Vec<T>, k: usize, item: T, order: impl Fn(&T, &T) -> std::cmp::Ordering) {
    if top.len() >= k && top.last().is_none_or(|last| order(last, &item) != std::cmp::Ordering::Greater) {
        return;
    }
    let at = top.partition_point(|x| order(x, &item) != std::cmp::Ordering::Greater);
    if at < k {
        top.insert(at, item);
        top.truncate(k);
    }
}
