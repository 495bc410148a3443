//! The index of a memo run (memo stage): per kind, the ranked entities with rating, score, top
//! driver and top risk, and apart from them the excluded ones with the gate and its reason.

use super::entity::{drivers, memo_path, risks, rule_set_info};
use super::model::{Apart, INDEX_FORMAT, Index, IndexEntry, KindIndex, Named, Stamp};
use crate::evaluate::ledger::FactorLine;
use crate::evaluate::{KindScores, Ledger};
use crate::rank::{Ranking, percentile};

/// What the index shows of one entity, taken from its ledger.
#[derive(Clone, Debug)]
pub(super) struct IndexRow {
    top_driver: Option<Named>,
    top_risk: Option<Named>,
    flags: Vec<String>,
    rating: Option<String>,
    coverage: f64,
    /// The excluding gate and its reason.
    excluded: Option<(String, String)>,
}

/// Rank, number ranked and percentile of every row (`None` for those not ranked).
pub(super) fn positions(ranking: &Ranking, rows: usize) -> Vec<Option<(u32, usize, f64)>> {
    let n = ranking.ranked.len();
    (0..rows).map(|row| ranking.position(row).map(|(rank, pct)| (rank, n, pct))).collect()
}

fn named(f: &FactorLine) -> Named {
    Named { factor: f.id.clone(), label: f.label.clone(), description: f.description.clone() }
}

/// The index's view of one ledger.
pub(super) fn row_summary(l: &Ledger, reason_codes: usize) -> IndexRow {
    let excluded = l.excluded_by.as_ref().map(|id| {
        let reason = l.gates.iter().find(|g| &g.id == id).map(|g| g.reason.clone()).unwrap_or_default();
        (id.clone(), reason)
    });
    IndexRow {
        top_driver: drivers(&l.factors, l.base, reason_codes.max(1)).first().map(|f| named(f)),
        top_risk: risks(&l.factors, l.base, 1).first().map(|f| named(f)),
        flags: l.flags.clone(),
        rating: l.rating.clone(),
        coverage: l.coverage,
        excluded,
    }
}

/// The index section of one kind. `rows` holds the summary of every row.
pub(super) fn kind_index(ks: &KindScores, ranking: &Ranking, rows: &[Option<IndexRow>]) -> KindIndex {
    KindIndex {
        kind: ks.kind(),
        rule_set: rule_set_info(&ks.plan.rules),
        ranked: ranking.ranked.iter().filter_map(|r| entry(ks, r.rank, ranking, rows, r.row as usize)).collect(),
        excluded: ranking.excluded.iter().filter_map(|&r| apart(ks, rows, r as usize)).collect(),
        methodology: super::methodology::methodology(ks),
    }
}

fn entry(ks: &KindScores, rank: u32, ranking: &Ranking, rows: &[Option<IndexRow>], row: usize) -> Option<IndexEntry> {
    let s = rows[row].as_ref()?;
    let id = ks.table.id(row);
    Some(IndexEntry {
        rank,
        id: id.to_string(),
        name: ks.table.name(row).to_string(),
        path: memo_path(ks.kind(), id),
        score: ks.results[row].total,
        rating: s.rating.clone(),
        percentile: percentile(rank, ranking.ranked.len()),
        coverage: s.coverage,
        flags: s.flags.clone(),
        top_driver: s.top_driver.clone(),
        top_risk: s.top_risk.clone(),
    })
}

fn apart(ks: &KindScores, rows: &[Option<IndexRow>], row: usize) -> Option<Apart> {
    let s = rows[row].as_ref()?;
    let (gate, reason) = match &s.excluded {
        Some((g, why)) => (Some(g.clone()), why.clone()),
        None => (None, "no factor has a value".to_string()),
    };
    let id = ks.table.id(row);
    Some(Apart {
        id: id.to_string(),
        name: ks.table.name(row).to_string(),
        path: memo_path(ks.kind(), id),
        score: ks.results[row].total,
        status: if gate.is_some() { "excluded" } else { "no_data" },
        gate,
        reason,
    })
}

pub(super) fn index(kinds: Vec<KindIndex>, stamp: Stamp) -> Index {
    Index { format: INDEX_FORMAT, kinds, stamp }
}
