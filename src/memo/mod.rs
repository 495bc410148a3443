//! Memo stage: turn a scored session into the documents an investment committee reads — one
//! [`Memo`] per entity and an [`Index`] per run (`build`), rendered through templates into
//! Markdown, HTML and JSON files (`layout::render`). Pure: the CLI writes or checks the files.

mod catalysts;
mod chart;
mod entity;
mod history;
mod index;
mod key_figures;
pub(crate) mod layout;
mod methodology;
pub(crate) mod model;
mod peers;
mod phrase;
pub(crate) mod robustness;
mod stamp;
pub(crate) mod templates;

pub(crate) use stamp::sha256_hex;

use std::collections::BTreeMap;

use rayon::prelude::*;

pub(crate) use chart::Chart;
pub(crate) use layout::MemoFormat;
pub(crate) use model::{Index, Memo};

use crate::Error;
use crate::evaluate::{KindScores, ledger};
use crate::model::Kind;
use crate::project::Session;
use crate::rank::Ranking;

/// Which memos to build. Empty lists mean everything.
#[derive(Clone, Debug, Default)]
pub(crate) struct Selection {
    pub ids: Vec<String>,
    pub kinds: Vec<Kind>,
}

impl Selection {
    /// The index is built unless particular entities were asked for.
    pub(crate) fn wants_index(&self) -> bool {
        self.ids.is_empty()
    }
}

/// A memo with its waterfall chart and its history chart.
#[derive(Clone, Debug)]
pub(crate) struct Built {
    pub memo: Memo,
    pub chart: Chart,
    pub history_chart: Option<history::HistoryChart>,
    /// The robustness section (`robustness.*` templates); `None` without a rating to move.
    pub robustness: Option<robustness::Robustness>,
}

/// Everything one run renders.
#[derive(Clone, Debug)]
pub(crate) struct Book {
    /// The index and each kind's ranking chart; `None` when particular entities were asked for.
    pub index: Option<(Index, BTreeMap<Kind, Chart>)>,
    pub memos: Vec<Built>,
    /// Each kind's rank acceptability heatmap, for the index (`heatmap.html`).
    pub heatmaps: BTreeMap<Kind, robustness::Heatmap>,
}

/// Builds the memos a selection asks for, and the index.
pub(crate) fn build(session: &Session, selection: &Selection) -> Result<Book, Error> {
    let wanted = resolve(session, selection)?;
    let stamp = stamp::stamp(session)?;
    let mut kinds = Vec::new();
    let mut charts = BTreeMap::new();
    let mut memos = Vec::new();
    let mut heatmaps = BTreeMap::new();
    for ks in &session.scores.kinds {
        let ranking = crate::rank::rank(ks);
        let rows = &wanted[ks.kind().index()];
        let part = build_kind(session, ks, &ranking, rows, selection.wants_index(), &stamp);
        memos.extend(part.memos);
        heatmaps.extend(part.heatmap.map(|h| (ks.kind(), h)));
        if let Some(k) = part.index {
            charts.insert(ks.kind(), chart::ranking(ks.kind().plural(), &k.ranked, &ks.plan.rules));
            kinds.push(k);
        }
    }
    kinds.sort_by_key(|k| k.kind);
    let index = selection.wants_index().then(|| (index::index(kinds, stamp), charts));
    Ok(Book { index, memos, heatmaps })
}

/// The rows to write memos for, per kind.
fn resolve(session: &Session, selection: &Selection) -> Result<[Vec<bool>; 3], Error> {
    let dataset = &session.project.dataset;
    let scored = |k: Kind| session.scores.of(k).is_some();
    for &k in &selection.kinds {
        if !scored(k) {
            return Err(Error::Usage(format!("no rule set scores {k}; no {} memos to write", k)));
        }
    }
    let in_kinds = |k: Kind| selection.kinds.is_empty() || selection.kinds.contains(&k);
    let mut wanted =
        Kind::ALL.map(|k| vec![selection.ids.is_empty() && in_kinds(k) && scored(k); dataset.table(k).len()]);
    for id in &selection.ids {
        let (kind, row) = dataset.find(id).ok_or_else(|| unknown_id(session, id))?;
        if !scored(kind) {
            return Err(Error::Usage(format!("`{id}` is a {kind}, and no rule set scores {kind}")));
        }
        if in_kinds(kind) {
            wanted[kind.index()][row as usize] = true;
        }
    }
    Ok(wanted)
}

fn unknown_id(session: &Session, id: &str) -> Error {
    let suggestion = session.project.dataset.suggest_id(id, &Kind::ALL);
    let hint = suggestion.map(|s| format!(" (did you mean `{s}`?)")).unwrap_or_default();
    Error::Usage(format!("no entity has id `{id}`{hint}"))
}

/// What one kind adds to the book.
struct KindPart {
    index: Option<model::KindIndex>,
    memos: Vec<Built>,
    heatmap: Option<robustness::Heatmap>,
}

fn build_kind(
    session: &Session,
    ks: &KindScores,
    ranking: &Ranking,
    wanted: &[bool],
    with_index: bool,
    stamp: &model::Stamp,
) -> KindPart {
    let dataset = &session.project.dataset;
    let rules = &ks.plan.rules;
    let positions = index::positions(ranking, ks.results.len());
    let rows: Vec<usize> = (0..ks.results.len()).filter(|&r| with_index || wanted[r]).collect();
    let (histories, outlooks) = histories(session, ks, wanted);
    let robust = robustness::analyse(ks);
    let built: Vec<(usize, Option<Built>, index::IndexRow)> = rows
        .par_iter()
        .map(|&row| {
            let l = ledger(ks, row, &session.scores, dataset, wanted[row]);
            let summary = index::row_summary(&l, rules.reason_codes);
            let memo = wanted[row].then(|| {
                let cx = entity::Context {
                    rules,
                    schema: dataset.schema(ks.kind()),
                    position: positions[row],
                    stamp,
                    sources: &dataset.sources,
                    peers: peers::peers(ks, &positions, row),
                    history: histories.get(row),
                    outlook: outlooks.get(row).cloned(),
                    catalysts: catalysts::catalysts(
                        dataset.table(ks.kind()),
                        row,
                        dataset.schema(ks.kind()),
                        &dataset.sources,
                    ),
                };
                let memo = entity::memo(l, cx);
                let chart = chart::waterfall(&memo, rules);
                let history_chart = memo.history.as_ref().and_then(|h| history::chart(&memo.name, h, rules));
                let robustness = robust.as_ref().and_then(|kr| robustness::of_entity(ks, kr, row));
                Built { memo, chart, history_chart, robustness }
            });
            (row, memo, summary)
        })
        .collect();
    let mut summaries = vec![None; ks.results.len()];
    let mut memos = Vec::new();
    for (row, memo, summary) in built {
        summaries[row] = Some(summary);
        memos.extend(memo);
    }
    let index = with_index.then(|| index::kind_index(ks, ranking, &summaries, &outlooks));
    let heatmap = robust.as_ref().filter(|_| with_index).and_then(|kr| robustness::heatmap(ks, kr, ranking));
    KindPart { index, memos, heatmap }
}

/// Each entity's history at every date the data changes up to the view date, and its outlook,
/// by row (the history only when a memo of the kind is wanted); empty when the observations
/// were not kept.
/// Problems of other dates' scoring were reported with the view date's, or are dropped.
fn histories(
    session: &Session,
    ks: &KindScores,
    wanted: &[bool],
) -> (Vec<crate::history::EntityHistory>, Vec<crate::history::Outlook>) {
    let dataset = &session.project.dataset;
    let Some(view) = dataset.as_of else { return (Vec::new(), Vec::new()) };
    let inputs = crate::history::Inputs::of(session);
    let mut diags = crate::diag::Diagnostics::new();
    let dates = crate::history::event_dates(dataset, view);
    let h = match wanted.iter().any(|&w| w) {
        true => crate::history::history(&inputs, ks.kind(), &dates, None, &mut diags),
        false => None,
    };
    let outlooks = crate::history::outlooks(&inputs, ks.kind(), view, None, &mut diags);
    (h.map(|h| h.entities).unwrap_or_default(), outlooks.unwrap_or_default())
}
