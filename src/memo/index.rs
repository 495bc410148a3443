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
    firm: bool,
    /// Why a not-rated entity has no rating.
    not_rated: Option<String>,
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
        firm: l.firm,
        not_rated: l.reason.clone(),
        excluded,
    }
}

/// The index section of one kind. `rows` holds the summary of every row.
/// `outlooks` holds each row's outlook (empty for undated data).
pub(super) fn kind_index(
    ks: &KindScores,
    ranking: &Ranking,
    rows: &[Option<IndexRow>],
    outlooks: &[crate::history::Outlook],
) -> KindIndex {
    KindIndex {
        kind: ks.kind(),
        rule_set: rule_set_info(&ks.plan.rules),
        ranked: ranking
            .ranked
            .iter()
            .filter_map(|r| entry(ks, (r.rank, ranking), rows, outlooks, r.row as usize))
            .collect(),
        excluded: ranking.excluded.iter().filter_map(|&r| apart(ks, rows, r as usize)).collect(),
        not_rated: ranking.not_rated.iter().filter_map(|&r| apart(ks, rows, r as usize)).collect(),
        methodology: super::methodology::methodology(ks),
    }
}

/// `improving`, or `stable; watch: Neutral`.
fn outlook_word(o: &crate::history::Outlook) -> String {
    match (&o.watch_rating, o.watch) {
        (Some(r), true) => format!("{}; watch: {r}", o.direction),
        _ => o.direction.to_string(),
    }
}

fn entry(
    ks: &KindScores,
    (rank, ranking): (u32, &Ranking),
    rows: &[Option<IndexRow>],
    outlooks: &[crate::history::Outlook],
    row: usize,
) -> Option<IndexEntry> {
    let s = rows[row].as_ref()?;
    let id = ks.table.id(row);
    Some(IndexEntry {
        firm: s.firm,
        outlook: outlooks.get(row).map(outlook_word),
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
    let (gate, reason) = match (&s.excluded, &s.not_rated) {
        (Some((g, why)), _) => (Some(g.clone()), why.clone()),
        (None, Some(why)) => (None, why.clone()),
        (None, None) => (None, "no factor has a value".to_string()),
    };
    let status = match (&gate, &s.not_rated) {
        (Some(_), _) => "excluded",
        (None, Some(_)) => "not_rated",
        (None, None) => "no_data",
    };
    let id = ks.table.id(row);
    Some(Apart {
        id: id.to_string(),
        name: ks.table.name(row).to_string(),
        path: memo_path(ks.kind(), id),
        score: ks.results[row].total,
        status,
        gate,
        reason,
    })
}

pub(super) fn index(kinds: Vec<KindIndex>, stamp: Stamp) -> Index {
    Index { format: INDEX_FORMAT, kinds, stamp }
}
