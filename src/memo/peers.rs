//! Peers of an entity (memo stage): the companies (or other entities) of its kind that share
//! its main segment (its largest exposure) or its home region, with their rank, score and
//! rating and category scores, the entity itself among them, best first.

use super::entity::memo_path;
use super::model::Peer;
use crate::evaluate::{KindScores, Status};
use crate::model::{EntityTable, Kind, Row};

/// Most peers a memo lists besides the entity itself: the nearest in score.
const MAX_PEERS: usize = 6;

/// The peers of `row`, with `row` itself; empty when it shares nothing with anyone.
pub(super) fn peers(ks: &KindScores, positions: &[Option<(u32, usize, f64)>], row: usize) -> Vec<Peer> {
    let t = &ks.table;
    let segment = main_segment(t, row);
    let home = home(t, row);
    let shares = |other: usize| -> Option<&'static str> {
        if segment.is_some() && main_segment(t, other) == segment {
            Some("segment")
        } else if home.is_some() && self::home(t, other) == home {
            Some("region")
        } else {
            None
        }
    };
    let own = ks.results[row].total;
    let mut others: Vec<(usize, &'static str)> =
        (0..t.len()).filter(|&o| o != row).filter_map(|o| shares(o).map(|s| (o, s))).collect();
    if others.is_empty() {
        return Vec::new();
    }
    others.sort_by(|a, b| {
        let d = |o: usize| (ks.results[o].total - own).abs();
        d(a.0).total_cmp(&d(b.0)).then_with(|| a.0.cmp(&b.0))
    });
    others.truncate(MAX_PEERS);
    let mut rows: Vec<Peer> = others.into_iter().map(|(o, s)| peer(ks, positions, o, s, false)).collect();
    rows.push(peer(ks, positions, row, "", true));
    rows.sort_by(|a, b| b.score.total_cmp(&a.score).then_with(|| a.id.cmp(&b.id)));
    rows
}

fn peer(ks: &KindScores, positions: &[Option<(u32, usize, f64)>], row: usize, shares: &str, itself: bool) -> Peer {
    let r = &ks.results[row];
    let rating = match r.status {
        Status::Scored => r.rating.and_then(|i| ks.plan.rules.ratings.get(i as usize)).map(|b| b.label.clone()),
        _ => None,
    };
    Peer {
        id: ks.table.id(row).to_string(),
        name: ks.table.name(row).to_string(),
        path: memo_path(ks.kind(), ks.table.id(row)),
        shares: shares.to_string(),
        rank: positions[row].map(|p| p.0),
        score: r.total,
        rating,
        categories: ks.summaries.category_scores(row).iter().map(|&c| (!c.is_nan()).then_some(c)).collect(),
        itself,
    }
}

/// The segment with the largest exposure weight (first on a tie).
fn main_segment(t: &EntityTable, row: usize) -> Option<Row> {
    let e = t.exposure[Kind::Segment.index()].as_ref()?;
    let mut best: Option<(Row, f64)> = None;
    for (target, w) in e.row(row) {
        if best.is_none_or(|(_, bw)| w > bw) {
            best = Some((target, w));
        }
    }
    best.map(|b| b.0)
}

fn home(t: &EntityTable, row: usize) -> Option<Row> {
    t.headquarters.as_ref().and_then(|h| h.get(row).copied().flatten())
}
