//! Rank stage: order each kind's scored entities by total (ties share a rank and are listed by
//! id), mark near-ties, and list the excluded and the not rated apart. Produces a [`Ranking`].
//!
//! A ranked entity is a **near-tie** when its score bounds (`evaluate::bounds`) overlap those
//! of the entity ranked just above or just below it: the data cannot tell their order apart.

use rayon::prelude::*;

use crate::evaluate::{KindScores, Status};

/// Totals equal to this many decimal places share a rank.
pub const TIE_DECIMALS: i32 = 9;

/// One ranked entity.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Ranked {
    pub row: u32,
    /// Competition rank: 1, 2, 2, 4.
    pub rank: u32,
}

/// The ranking of one kind.
#[derive(Clone, Debug, Default)]
pub struct Ranking {
    /// The ranked entities, best first.
    pub ranked: Vec<Ranked>,
    /// Per ranked entity (same order): whether its bounds overlap a neighbour's.
    pub near_tie: Vec<bool>,
    /// Excluded by a gate, or without data, in id order.
    pub excluded: Vec<u32>,
    /// Scored but not rated (a coverage floor or a `not_rated` gate), in id order.
    pub not_rated: Vec<u32>,
    /// The rank of each row, 0 for rows not ranked.
    rank_of: Vec<u32>,
}

impl Ranking {
    /// Rank and percentile (100 = best, 0 = worst among the ranked) of a row, if ranked.
    pub fn position(&self, row: usize) -> Option<(u32, f64)> {
        let rank = *self.rank_of.get(row).filter(|r| **r > 0)?;
        Some((rank, percentile(rank, self.ranked.len())))
    }
}

/// 100·(n − rank)/(n − 1): the share of the others ranked below; 100 for a single entity.
pub(crate) fn percentile(rank: u32, n: usize) -> f64 {
    if n <= 1 {
        return 100.0;
    }
    100.0 * (n as f64 - rank as f64) / (n as f64 - 1.0)
}

fn tie_key(total: f64) -> i64 {
    (total * 10f64.powi(TIE_DECIMALS)).round() as i64
}

/// Ranks the scored entities of a kind.
pub(crate) fn rank(ks: &KindScores) -> Ranking {
    let table = &ks.table;
    let mut scored: Vec<(i64, u32)> = Vec::with_capacity(ks.results.len());
    let mut excluded: Vec<u32> = Vec::new();
    let mut not_rated: Vec<u32> = Vec::new();
    for (r, res) in ks.results.iter().enumerate() {
        match res.status {
            Status::Scored => scored.push((tie_key(res.total), r as u32)),
            Status::NotRated(_) => not_rated.push(r as u32),
            _ => excluded.push(r as u32),
        }
    }
    if ids_ascend(table) {
        // Row order is id order: ties go by row, without reading the ids (same order).
        scored.par_sort_unstable_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
    } else {
        scored.par_sort_unstable_by(|a, b| {
            b.0.cmp(&a.0).then_with(|| table.id(a.1 as usize).cmp(table.id(b.1 as usize)))
        });
    }
    excluded.par_sort_unstable_by(|&a, &b| table.id(a as usize).cmp(table.id(b as usize)));
    not_rated.par_sort_unstable_by(|&a, &b| table.id(a as usize).cmp(table.id(b as usize)));
    let mut ranked = Vec::with_capacity(scored.len());
    let mut rank_of = vec![0; ks.results.len()];
    let mut rank = 0u32;
    for (i, &(key, row)) in scored.iter().enumerate() {
        if i == 0 || key != scored[i - 1].0 {
            rank = i as u32 + 1;
        }
        ranked.push(Ranked { row, rank });
        rank_of[row as usize] = rank;
    }
    let near_tie = near_ties(ks, &ranked);
    Ranking { ranked, near_tie, excluded, not_rated, rank_of }
}

/// Whether every row's id sorts strictly after the one before it.
fn ids_ascend(table: &crate::model::EntityTable) -> bool {
    (1..table.len()).into_par_iter().all(|r| table.id(r - 1) < table.id(r))
}

/// Whether each ranked entity's bounds overlap the bounds of the one above or below it (in
/// parallel: in rank order, each entity's bounds are a read at a random place).
fn near_ties(ks: &KindScores, ranked: &[Ranked]) -> Vec<bool> {
    let bounds = |i: usize| &ks.results[ranked[i].row as usize].bounds;
    (0..ranked.len())
        .into_par_iter()
        .map(|i| {
            let above = i > 0 && bounds(i).overlaps(bounds(i - 1));
            let below = i + 1 < ranked.len() && bounds(i).overlaps(bounds(i + 1));
            above || below
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::percentile;

    #[test]
    fn percentile_runs_from_best_to_worst() {
        assert_eq!(percentile(1, 5), 100.0);
        assert_eq!(percentile(5, 5), 0.0);
        assert_eq!(percentile(3, 5), 50.0);
        assert_eq!(percentile(1, 1), 100.0);
    }
}
