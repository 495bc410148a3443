//! Rank stage: order each kind's scored entities by total (ties share a rank and are listed by
//! id), and list the excluded apart with the gate that excluded them. Produces a [`Ranking`].

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
    pub ranked: Vec<Ranked>,
    /// Excluded by a gate, or without data, in id order.
    pub excluded: Vec<u32>,
}

impl Ranking {
    /// Rank and percentile (100 = best, 0 = worst among the ranked) of a row, if ranked.
    pub fn position(&self, row: usize) -> Option<(u32, f64)> {
        let i = self.ranked.iter().position(|r| r.row as usize == row)?;
        let rank = self.ranked[i].rank;
        Some((rank, percentile(rank, self.ranked.len())))
    }
}

/// 100·(n − rank)/(n − 1): the share of the others ranked below; 100 for a single entity.
pub fn percentile(rank: u32, n: usize) -> f64 {
    if n <= 1 {
        return 100.0;
    }
    100.0 * (n as f64 - rank as f64) / (n as f64 - 1.0)
}

fn tie_key(total: f64) -> i64 {
    (total * 10f64.powi(TIE_DECIMALS)).round() as i64
}

/// Ranks the scored entities of a kind.
pub fn rank(ks: &KindScores) -> Ranking {
    let table = &ks.table;
    let (mut scored, mut excluded): (Vec<u32>, Vec<u32>) =
        (0..ks.results.len() as u32).partition(|&r| ks.results[r as usize].status == Status::Scored);
    let key = |r: u32| tie_key(ks.results[r as usize].total);
    scored.par_sort_unstable_by(|&a, &b| {
        key(b).cmp(&key(a)).then_with(|| table.id(a as usize).cmp(table.id(b as usize)))
    });
    excluded.par_sort_unstable_by(|&a, &b| table.id(a as usize).cmp(table.id(b as usize)));
    let mut ranked = Vec::with_capacity(scored.len());
    let mut rank = 0u32;
    for (i, &row) in scored.iter().enumerate() {
        if i == 0 || key(row) != key(scored[i - 1]) {
            rank = i as u32 + 1;
        }
        ranked.push(Ranked { row, rank });
    }
    Ranking { ranked, excluded }
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
