//! The checked rule set: extends resolved, names resolved to ids, every weight positive and
//! every band sound (product of the check stage, compiled into a plan).

use std::path::PathBuf;
use std::sync::Arc;

use indexmap::IndexMap;

use super::{AttrId, Kind};
use crate::load::rules::{Direction, GateMissing};
use crate::source::{FileId, Span};

/// A weighted group of factors (risk, opportunity, region, segment, ...).
#[derive(Clone, Debug)]
pub struct Category {
    pub name: String,
    pub weight: f64,
    pub description: Option<String>,
    pub span: Option<Span>,
}

/// A Rhai expression written in a rule file, with where it was written.
#[derive(Clone, Debug)]
pub struct Condition {
    pub source: String,
    pub span: Option<Span>,
}

#[derive(Clone, Debug)]
pub enum Input {
    Attribute { attr: AttrId, name: String },
    Expr(Condition),
    Script { path: PathBuf, display: String, function: String, span: Option<Span> },
    Rollup { kind: Kind, category: Option<String> },
}

/// One band of a `bands` scale: values in [min, max) score `points`.
#[derive(Clone, Debug, PartialEq)]
pub struct Band {
    pub min: f64,
    pub max: f64,
    pub points: f64,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Scale {
    Linear { lo: f64, hi: f64, direction: Direction },
    Bands(Vec<Band>),
    Map(IndexMap<String, f64>),
    Bool(Direction),
    Minmax(Direction),
    Percentile(Direction),
    Zscore { direction: Direction, clamp: f64 },
}

impl Scale {
    /// Whether the scale depends on the other entities being scored (rank reversal possible).
    pub fn is_relative(&self) -> bool {
        matches!(self, Scale::Minmax(_) | Scale::Percentile(_) | Scale::Zscore { .. })
    }

    pub fn name(&self) -> &'static str {
        match self {
            Scale::Linear { .. } => "linear",
            Scale::Bands(_) => "bands",
            Scale::Map(_) => "map",
            Scale::Bool(_) => "bool",
            Scale::Minmax(_) => "minmax",
            Scale::Percentile(_) => "percentile",
            Scale::Zscore { .. } => "zscore",
        }
    }
}

/// How factor points combine into the base score (the methods live in `evaluate::aggregate`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Aggregation {
    /// Σ share·points: each factor adds its share of its points (the default).
    #[default]
    WeightedSum,
    /// 100·Π (points/100)^share: the weighted product model; a factor at 0 makes the base 0.
    WeightedProduct,
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Missing {
    Fail,
    Skip,
    Assume(f64),
    Points(f64),
}

#[derive(Clone, Debug)]
pub struct Factor {
    pub id: String,
    pub category: usize,
    pub weight: f64,
    pub description: String,
    pub input: Input,
    pub scale: Scale,
    pub missing: Missing,
    /// Whether the factor states its own `missing:` policy (rather than inheriting it).
    pub missing_explicit: bool,
    pub span: Option<Span>,
}

#[derive(Clone, Debug, PartialEq)]
pub enum GateAction {
    Exclude,
    /// Cap the rating at this band (index into `ratings`, best first).
    Cap(usize),
    Flag,
}

#[derive(Clone, Debug)]
pub struct Gate {
    pub id: String,
    pub when: Condition,
    pub action: GateAction,
    pub reason: String,
    pub missing: GateMissing,
    /// Whether the rule states its own `missing:` policy.
    pub missing_explicit: bool,
    pub span: Option<Span>,
}

#[derive(Clone, Debug)]
pub struct Adjustment {
    pub id: String,
    pub when: Condition,
    pub points: f64,
    pub reason: String,
    pub missing: GateMissing,
    /// Whether the rule states its own `missing:` policy.
    pub missing_explicit: bool,
    pub span: Option<Span>,
}

/// A rating band: scores in [min, max) (the top band includes 100).
#[derive(Clone, Debug)]
pub struct Rating {
    pub label: String,
    pub min: f64,
    pub max: f64,
    pub recommendation: Option<String>,
}

/// A complete rule set for one kind.
#[derive(Clone, Debug)]
pub struct RuleSet {
    pub name: String,
    pub version: String,
    pub description: String,
    pub kind: Kind,
    pub extends: Option<String>,
    pub profile: Option<String>,
    pub default: bool,
    /// The rule file itself, then the files of the rule sets it extends.
    pub files: Vec<FileId>,
    pub categories: Vec<Category>,
    pub factors: Vec<Factor>,
    pub gates: Vec<Gate>,
    pub adjustments: Vec<Adjustment>,
    /// Best band first.
    pub ratings: Vec<Rating>,
    pub reason_codes: usize,
    /// How factor points combine into the base.
    pub aggregation: Aggregation,
    pub span: Option<Span>,
}

impl RuleSet {
    /// The rating band of a score, best band first.
    pub fn rating_of(&self, score: f64) -> Option<usize> {
        self.ratings.iter().position(|r| score >= r.min && (score < r.max || (r.max >= 100.0 && score <= r.max)))
    }

    pub fn category(&self, name: &str) -> Option<usize> {
        self.categories.iter().position(|c| c.name == name)
    }
}

/// Every checked rule set of the workspace.
#[derive(Clone, Debug, Default)]
pub struct RuleBook {
    pub sets: Vec<Arc<RuleSet>>,
    /// Rule sets and rules that the user wrote but that failed to load.
    pub unloaded: super::Unloaded,
}

impl RuleBook {
    pub fn get(&self, name: &str) -> Option<&Arc<RuleSet>> {
        self.sets.iter().find(|s| s.name == name)
    }

    pub fn of_kind(&self, kind: Kind) -> impl Iterator<Item = &Arc<RuleSet>> {
        self.sets.iter().filter(move |s| s.kind == kind)
    }
}
