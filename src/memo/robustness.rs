//! The memo's robustness view (memo stage): for each entity, how firm its rating is, what would
//! change it — one factor's points, one weight — in plain words with the numbers, and how often
//! it takes each rank when the weights vary (SMAA-2); for the index, the kind's rank
//! acceptability heatmap. Read by the `robustness.*` and `heatmap.html` templates only, so the
//! memo's own model and templates stay as they are.

use serde::Serialize;

use crate::evaluate::KindScores;
use crate::evaluate::aggregate::Sums;
use crate::fmt::{fixed, percent};
use crate::robust::{Flip, Matrix, Sampling, WeightFlip};

/// Weight samples of the memo's SMAA run (a fixed seed: memos are reproducible).
pub(crate) const SAMPLES: usize = 2000;
pub(crate) const SEED: u64 = 1;
/// Ranks the heatmap and the memo list.
const RANKS: usize = 10;

/// What one kind's robustness analyses found, computed once for all its memos.
pub(crate) struct KindRobustness {
    matrix: Matrix,
    sampling: Sampling,
    /// Each row's rank acceptability shares (ranks 1 to `RANKS`), if it is ranked.
    acceptability: Vec<Option<Vec<f64>>>,
}

/// The analyses of a kind; `None` when a condition reads the score (E750: verdicts cannot be held).
pub(crate) fn analyse(ks: &KindScores) -> Option<KindRobustness> {
    if !crate::robust::matrix::check_conditions(&ks.plan.rules).is_empty() {
        return None;
    }
    let matrix = Matrix::new(ks, &ks.scorers);
    let vary = crate::robust::default_vary(ks);
    let rankable = (0..matrix.rows()).filter(|&r| matrix.fixed[r].ranked).count();
    let sampling = Sampling { samples: SAMPLES, seed: SEED, vary, spread: None, ranks: rankable.clamp(1, RANKS) };
    let mut acceptability = vec![None; matrix.rows()];
    if !sampling.vary.is_empty() {
        for a in crate::robust::smaa::smaa(ks, &matrix, &sampling).entities() {
            acceptability[a.row] = Some(a.shares().collect());
        }
    }
    Some(KindRobustness { matrix, sampling, acceptability })
}

/// One change that would move the rating, in words and numbers.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct Change {
    /// The factor's label, or the weight's factor or category id.
    pub what: String,
    pub direction: &'static str,
    /// The rating it would move to.
    pub to: String,
    /// Points now and the change (factor flips), or the weight now and the weight needed.
    pub now: f64,
    pub needed: f64,
    pub text: String,
}

/// The memo's robustness section.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct Robustness {
    pub firm: bool,
    pub summary: String,
    /// Factor flips that can happen, nearest first.
    pub factors: Vec<Change>,
    /// Weight flips that can happen, nearest first.
    pub weights: Vec<Change>,
    /// Caps that hold the rating from rising, in words.
    pub held: Vec<String>,
    /// In plain words: the nearest change of one factor, then of one weight, each way.
    pub plain: Vec<String>,
    /// Share of samples at rank 1, 2, … (empty when SMAA did not run).
    pub acceptability: Vec<f64>,
    pub acceptability_text: Option<String>,
    pub samples: usize,
    pub varied: Vec<String>,
}

/// The robustness section of one entity's memo; `None` when it has no rating to move.
pub(crate) fn of_entity(ks: &KindScores, kr: &KindRobustness, row: usize) -> Option<Robustness> {
    let rules = &ks.plan.rules;
    let res = &ks.results[row];
    let rating = res.rating.map(|r| rules.ratings[r as usize].label.clone())?;
    let mut sums = Sums::new(rules.categories.len());
    let flips = crate::robust::flips::of_row(rules, &ks.model, &kr.matrix, row);
    let weights = crate::robust::weight_flips::of_row(ks, &kr.matrix, &mut sums, row);
    let (lo, hi) = (fixed(res.bounds.lo, 2), fixed(res.bounds.hi, 2));
    let summary = if res.firm {
        format!("The {rating} rating is firm: the score bounds, {lo} to {hi}, both fall in its band.")
    } else {
        format!(
            "The {rating} rating is provisional: the data it lacks, or that cites no source, could put the score anywhere from {lo} to {hi}."
        )
    };
    let mut held: Vec<String> = flips
        .iter()
        .filter_map(|f| f.capped_by)
        .map(|g| format!("The {} cap holds the rating: no factor alone can lift it.", rules.gates[g].id))
        .collect();
    held.dedup();
    let mut factors: Vec<Change> = flips.iter().filter_map(|f| factor_change(ks, f)).collect();
    factors.sort_by(|a, b| (a.needed - a.now).abs().total_cmp(&(b.needed - b.now).abs()));
    let mut weight_changes: Vec<Change> = weights.iter().filter_map(|w| weight_change(ks, w)).collect();
    weight_changes.sort_by(|a, b| (a.needed / a.now - 1.0).abs().total_cmp(&(b.needed / b.now - 1.0).abs()));
    let nearest = |list: &[Change], dir: &str| list.iter().find(|c| c.direction == dir).map(|c| c.text.clone());
    let plain = ["up", "down"]
        .iter()
        .filter_map(|d| nearest(&factors, d))
        .chain(["up", "down"].iter().filter_map(|d| nearest(&weight_changes, d)))
        .collect();
    let a = kr.acceptability[row].as_ref();
    let varied: Vec<String> = kr.sampling.vary.iter().map(|w| w.name(ks).to_string()).collect();
    Some(Robustness {
        firm: res.firm,
        summary,
        factors,
        weights: weight_changes,
        held,
        plain,
        acceptability: a.cloned().unwrap_or_default(),
        acceptability_text: a.map(|a| acceptability_text(ks.table.name(row), a, &varied)),
        samples: kr.sampling.samples,
        varied,
    })
}

fn band(ks: &KindScores, b: usize) -> String {
    ks.plan.rules.ratings[b].label.clone()
}

fn verb(direction: &str) -> &'static str {
    if direction == "up" { "lift" } else { "lower" }
}

fn factor_change(ks: &KindScores, f: &Flip) -> Option<Change> {
    let d = f.points?;
    let factor = &ks.plan.rules.factors[f.factor];
    let (to, dir) = (band(ks, f.band), f.direction.word());
    let least = if dir == "up" { "at least" } else { "at most" };
    let points = format!("{least} {} points, now {}", fixed(f.from + d, 2), fixed(f.from, 2));
    let text = match f.value.as_ref().map(crate::render::robust::raw_json) {
        Some(v) => format!(
            "{} at {} would {} the rating to {to} (it takes {points}).",
            factor.label,
            // Numbers as tables print them (shortest, rounded), the rest as prose does.
            crate::fmt::raw(&v, if v.is_number() { crate::fmt::RawStyle::Table } else { crate::fmt::RawStyle::Prose }),
            verb(dir)
        ),
        None => format!("{} at {points} would {} the rating to {to}.", factor.label, verb(dir))
            .replacen(" at at ", " at ", 1),
    };
    Some(Change { what: factor.label.clone(), direction: dir, to, now: f.from, needed: f.from + d, text })
}

fn weight_change(ks: &KindScores, w: &WeightFlip) -> Option<Change> {
    let needed = w.to?;
    let (to, dir) = (band(ks, w.band), w.direction.word());
    let what = w.weight.name(ks).to_string();
    let text = format!(
        "A weight of {} on {what} instead of {} ({} of it) would {} the rating to {to}.",
        fixed(needed, 2),
        fixed(w.from, 2),
        percent(needed / w.from),
        verb(dir)
    );
    Some(Change { what, direction: dir, to, now: w.from, needed, text })
}

fn acceptability_text(name: &str, shares: &[f64], varied: &[String]) -> String {
    let (mode, top) = shares.iter().enumerate().fold((0, -1.0), |m, (i, &s)| if s > m.1 { (i, s) } else { m });
    format!(
        "With the weights of {} drawn uniformly, {name} ranks first in {} of {} samples and most often ranks {} ({}).",
        varied.join(", "),
        percent(shares.first().copied().unwrap_or(0.0)),
        SAMPLES,
        mode + 1,
        percent(top.max(0.0))
    )
}

/// One row of the index heatmap.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct HeatRow {
    pub id: String,
    pub name: String,
    pub path: String,
    /// Per rank: the share, and its shade from 0 (never) to 100 (always).
    pub cells: Vec<(f64, u32)>,
}

/// A kind's rank acceptability heatmap: entities (as ranked) × ranks.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct Heatmap {
    pub kind: crate::model::Kind,
    pub ranks: usize,
    pub samples: usize,
    pub seed: u64,
    pub varied: Vec<String>,
    pub rows: Vec<HeatRow>,
}

/// The heatmap of a kind, rows in ranking order then the rows only floors withhold.
pub(crate) fn heatmap(ks: &KindScores, kr: &KindRobustness, ranking: &crate::rank::Ranking) -> Option<Heatmap> {
    let order = ranking.ranked.iter().map(|r| r.row as usize).chain(ranking.not_rated.iter().map(|&r| r as usize));
    let rows: Vec<HeatRow> = order
        .filter_map(|row| {
            let a = kr.acceptability[row].as_ref()?;
            Some(HeatRow {
                id: ks.table.id(row).to_string(),
                name: ks.table.name(row).to_string(),
                path: format!("{}/{}", ks.kind().as_str(), ks.table.id(row)),
                cells: a.iter().map(|&s| (s, (s * 100.0).round() as u32)).collect(),
            })
        })
        .collect();
    (!rows.is_empty()).then(|| Heatmap {
        kind: ks.kind(),
        ranks: kr.sampling.ranks,
        samples: kr.sampling.samples,
        seed: kr.sampling.seed,
        varied: kr.sampling.vary.iter().map(|w| w.name(ks).to_string()).collect(),
        rows,
    })
}
