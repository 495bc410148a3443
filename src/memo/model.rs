//! The memo model: what one memo and the index hold (memo stage). Serialised, it is the JSON
//! memo and the context the templates see, so its field names are a stable format.

use serde::Serialize;

use crate::evaluate::Status;
use crate::evaluate::ledger::{CategoryLine, ConditionLine, FactorLine, FactorState, ReasonCode};
use crate::model::Kind;

/// Names the shape of a JSON memo; bumped only when a field changes meaning or disappears.
pub(crate) const MEMO_FORMAT: &str = "thesis-memo/1";
/// Names the shape of the JSON index.
pub(crate) const INDEX_FORMAT: &str = "thesis-memo-index/1";

/// The rule set an entity was scored under.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct RuleSetInfo {
    pub name: String,
    pub version: String,
    pub profile: Option<String>,
    pub description: String,
}

/// A gate (or other rule) and why it applies.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct GateRef {
    pub id: String,
    pub reason: String,
}

/// The wording for the entity's rating band under its rule set and profile.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct Recommendation {
    pub rating: String,
    pub profile: Option<String>,
    pub text: Option<String>,
}

/// A driver or a risk of the thesis, phrased from the factor and its facts.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct Point {
    pub factor: String,
    pub label: String,
    pub description: String,
    pub category: String,
    pub points: Option<f64>,
    pub contribution: f64,
    pub lost: f64,
    /// The underlying facts and their values, in words.
    pub facts: String,
    /// The whole sentence.
    pub text: String,
}

/// The thesis in plain language.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct Thesis {
    pub summary: String,
    pub drivers: Vec<Point>,
    pub risks: Vec<Point>,
}

/// A related segment or region, with its own score and rating and the path of its memo.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct Linked {
    pub id: String,
    pub name: String,
    pub kind: Kind,
    pub weight: f64,
    pub score: Option<f64>,
    pub rating: Option<String>,
    /// `kind/id`, relative to the reports directory, without extension.
    pub path: String,
}

/// The entities one roll-up factor reads.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct Exposure {
    pub factor: String,
    pub description: String,
    pub kind: Kind,
    pub entities: Vec<Linked>,
}

/// One numbered source of a memo: a registry entry (with its address) or an inline `source:`
/// text (without one).
#[derive(Clone, Debug, Serialize)]
pub(crate) struct SourceRef {
    /// 1-based, in the order the evidence first cites it.
    pub n: usize,
    pub id: Option<String>,
    pub title: String,
    pub publisher: Option<String>,
    pub url: Option<String>,
    pub published: Option<String>,
    pub grade: Option<String>,
}

/// A peer: an entity of the same kind that shares the main segment or the home region.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct Peer {
    pub id: String,
    pub name: String,
    pub path: String,
    /// `segment` or `region`: what it shares.
    pub shares: String,
    pub rank: Option<u32>,
    pub score: f64,
    pub rating: Option<String>,
    /// Its category scores, in the order of the memo's `categories` (`None`: no points).
    pub categories: Vec<Option<f64>>,
    /// Whether this row is the memo's own entity.
    pub itself: bool,
}

/// One fact behind the score, with its provenance and the factors that read it.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct Fact {
    pub attribute: String,
    pub description: Option<String>,
    pub unit: Option<String>,
    pub value: Option<String>,
    pub source: Option<String>,
    pub as_of: Option<String>,
    pub grade: Option<String>,
    /// The analyst's rationale, when the value is a judgment rather than a sourced fact.
    pub judgment: Option<String>,
    pub note: Option<String>,
    /// The numbers of its sources in the memo's source list.
    pub refs: Vec<usize>,
    /// `sourced`, `judgment` (an analyst's call), `unsourced` (a bare value) or `missing`.
    pub basis: &'static str,
    /// Dated after `--as-of`, so left out of the score.
    pub withheld: bool,
    /// When the value became public, if given.
    pub published: Option<String>,
    /// `restated D; previously V`: the earlier figure of its period this value replaced.
    pub restated: Option<String>,
    /// A fresher observation not yet known at the view date, or one scheduled after it.
    pub later: Option<String>,
    pub factors: Vec<String>,
}

/// A factor without observed data, and what its missing-data policy did.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct Gap {
    pub factor: String,
    pub description: String,
    /// imputed, skipped or failed.
    pub state: FactorState,
    pub note: Option<String>,
}

#[derive(Clone, Debug, Serialize)]
pub(crate) struct Coverage {
    /// Share of the model backed by observed data, 0..1.
    pub share: f64,
    pub gaps: Vec<Gap>,
}

/// One input file and its content hash.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct FileHash {
    /// `rules`, `script` or `data`.
    pub role: &'static str,
    pub path: String,
    pub sha256: String,
}

/// Everything needed to reproduce a memo: engine, inputs and as-of date. No clock time.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct Stamp {
    pub engine: String,
    pub as_of: Option<String>,
    pub rule_sets: Vec<String>,
    pub files: Vec<FileHash>,
    /// SHA-256 over the file list (`role path sha256` lines): one value to compare.
    pub inputs_sha256: String,
}

/// One entity's memo.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct Memo {
    pub format: &'static str,
    pub id: String,
    pub name: String,
    pub kind: Kind,
    /// `kind/id`, relative to the reports directory, without extension.
    pub path: String,
    pub rule_set: RuleSetInfo,
    /// ranked, excluded or no_data.
    pub status: Status,
    pub rank: Option<u32>,
    pub ranked_count: usize,
    pub percentile: Option<f64>,
    pub score: f64,
    pub base: f64,
    pub rating: Option<String>,
    pub rating_before_caps: Option<String>,
    /// The lowest and highest score the factors without observed data allow.
    pub bounds: (f64, f64),
    /// Both bounds in the rating's band: firm; else provisional.
    pub firm: bool,
    /// Why a not-rated entity has no rating.
    pub not_rated_reason: Option<String>,
    /// Cap gates that fired.
    pub capped_by: Vec<GateRef>,
    pub excluded_by: Option<GateRef>,
    pub recommendation: Option<Recommendation>,
    /// The recommendation in words, from template `recommendation.txt` (filled when rendered).
    pub wording: Option<String>,
    /// `not_rated`, `capped`, `unlisted` or `listed`: what the recommendation wording turns on.
    pub situation: &'static str,
    /// The rating band's place from the top (0) and the number of bands.
    pub band: Option<(usize, usize)>,
    pub thesis: Thesis,
    /// The entity and its peers, best first.
    pub peers: Vec<Peer>,
    pub categories: Vec<CategoryLine>,
    pub exposure: Vec<Exposure>,
    pub factors: Vec<FactorLine>,
    pub adjustments: Vec<ConditionLine>,
    pub clamp: f64,
    pub gates: Vec<ConditionLine>,
    pub flags: Vec<GateRef>,
    pub evidence: Vec<Fact>,
    /// Context facts (attributes declared `descriptive: true`), not scored.
    pub profile: Vec<Fact>,
    pub coverage: Coverage,
    pub reason_codes: Vec<ReasonCode>,
    /// Every source the evidence cites, numbered.
    pub sources: Vec<SourceRef>,
    /// Dated events known at the view date and due in the twelve months after it.
    pub catalysts: Vec<super::catalysts::Catalyst>,
    /// Values of the attributes declared with a `key_figure:` label, with dates and sources.
    pub key_figures: Vec<super::key_figures::KeyFigure>,
    /// Direction over the year to the view date, and the watch (`None`: undated data).
    pub outlook: Option<crate::history::Outlook>,
    /// Score and rating at each date the data changes, with each rating change's causes.
    pub history: Option<super::history::RatingHistory>,
    pub stamp: Stamp,
}

/// A factor named in the index: the top driver or the top risk of an entity.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct Named {
    pub factor: String,
    pub label: String,
    pub description: String,
}

/// One ranked entity in the index.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct IndexEntry {
    pub rank: u32,
    pub id: String,
    pub name: String,
    pub path: String,
    pub score: f64,
    pub rating: Option<String>,
    pub percentile: f64,
    pub coverage: f64,
    /// Both score bounds in the rating's band: firm; else provisional.
    pub firm: bool,
    /// `improving`, `stable` or `deteriorating`, with `; watch: RATING` (`None`: undated data).
    pub outlook: Option<String>,
    pub flags: Vec<String>,
    pub top_driver: Option<Named>,
    pub top_risk: Option<Named>,
}

/// An entity listed apart: excluded by a gate, or without data.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct Apart {
    pub id: String,
    pub name: String,
    pub path: String,
    pub score: f64,
    /// excluded, not_rated or no_data.
    pub status: &'static str,
    pub gate: Option<String>,
    pub reason: String,
}

/// The ranking of one kind.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct KindIndex {
    pub kind: Kind,
    pub rule_set: RuleSetInfo,
    pub ranked: Vec<IndexEntry>,
    pub excluded: Vec<Apart>,
    /// Scored but not rated (a coverage floor or a `not_rated` gate), with the reason.
    pub not_rated: Vec<Apart>,
    pub methodology: super::methodology::Methodology,
}

/// The index of every scored kind.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct Index {
    pub format: &'static str,
    pub kinds: Vec<KindIndex>,
    pub stamp: Stamp,
}
