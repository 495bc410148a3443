//! The checked rule set: extends resolved, names resolved to ids, every weight positive and
//! every band sound (product of the check stage, compiled into a plan).

use std::path::PathBuf;
use std::sync::Arc;

use super::{AttrId, Kind};
use crate::scale::Scale;
use crate::source::{FileId, Span};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// A weighted group of factors (risk, opportunity, region, segment, ...).
#[derive(Clone, Debug)]
pub struct Category {
    /// The category's name, as written under `categories:`.
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

impl Aggregation {
    /// The word in rule files: `weighted_sum` or `weighted_product`.
    pub fn word(self) -> &'static str {
        match self {
            Aggregation::WeightedSum => "weighted_sum",
            Aggregation::WeightedProduct => "weighted_product",
        }
    }
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
    /// Two to four words for tables and prose.
    pub label: String,
    pub input: Input,
    pub scale: Scale,
    pub missing: Missing,
    /// Whether the factor states its own `missing:` policy (rather than inheriting it).
    pub missing_explicit: bool,
    pub span: Option<Span>,
}

impl Factor {
    /// The lowest and highest points the factor can get: its scale's, widened by a
    /// `{points: P}` missing policy.
    pub fn points_bounds(&self) -> (f64, f64) {
        let (lo, hi) = self.scale.kind().bounds();
        match self.missing {
            Missing::Points(p) => (lo.min(p), hi.max(p)),
            _ => (lo, hi),
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub enum GateAction {
    Exclude,
    /// Cap the rating at this band (index into `ratings`, best first).
    Cap(usize),
    Flag,
    /// Score the entity but give it no rating (listed apart, with the gate's reason).
    NotRated,
}

/// The coverage a rule set requires before it rates an entity (`coverage:`), in percent.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct CoverageFloors {
    /// Overall coverage floor.
    pub min: Option<f64>,
    /// Per category (by index): its floor.
    pub categories: Vec<(usize, f64)>,
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
    /// The rule set's name (`rule_set:`).
    pub name: String,
    /// Its version, as written.
    pub version: String,
    /// What it is for.
    pub description: String,
    /// The kind it scores.
    pub kind: Kind,
    /// The rule set it extends, if it is a profile.
    pub extends: Option<String>,
    /// The profile's name, if it is one.
    pub profile: Option<String>,
    /// Whether it is the default for its kind (`default: true`).
    pub default: bool,
    /// The rule file itself, then the files of the rule sets it extends.
    pub files: Vec<FileId>,
    /// The weighted categories, in the order written.
    pub categories: Vec<Category>,
    /// The factors, in the order written (base first for a profile).
    pub factors: Vec<Factor>,
    /// The gates, in the order written.
    pub gates: Vec<Gate>,
    /// The adjustments, in the order written.
    pub adjustments: Vec<Adjustment>,
    /// Best band first.
    pub ratings: Vec<Rating>,
    /// How many reason codes each entity lists.
    pub reason_codes: usize,
    /// How factor points combine into the base.
    pub aggregation: Aggregation,
    /// Coverage below which an entity is not rated.
    pub coverage: CoverageFloors,
    /// Where its name is written.
    pub span: Option<Span>,
}

impl RuleSet {
    /// The rating band of a score, best band first.
    pub fn rating_of(&self, score: f64) -> Option<usize> {
        self.ratings.iter().position(|r| score >= r.min && (score < r.max || (r.max >= 100.0 && score <= r.max)))
    }

    /// The index of the category named `name`.
    pub fn category(&self, name: &str) -> Option<usize> {
        self.categories.iter().position(|c| c.name == name)
    }
}

/// Every checked rule set of the workspace.
#[derive(Clone, Debug, Default)]
pub struct RuleBook {
    /// The rule sets, in the order their files were read.
    pub sets: Vec<Arc<RuleSet>>,
    /// Rule sets and rules that the user wrote but that failed to load.
    pub unloaded: super::Unloaded,
    /// The index in `sets` of each name (the first, if two share one), so lookups by name
    /// stay O(1) with thousands of profiles.
    by_name: std::collections::HashMap<String, usize>,
}

impl RuleBook {
    pub(crate) fn new(sets: Vec<Arc<RuleSet>>, unloaded: super::Unloaded) -> RuleBook {
        let mut by_name = std::collections::HashMap::with_capacity(sets.len());
        for (i, s) in sets.iter().enumerate() {
            by_name.entry(s.name.clone()).or_insert(i);
        }
        RuleBook { sets, unloaded, by_name }
    }

    /// The rule set named `name`.
    pub fn get(&self, name: &str) -> Option<&Arc<RuleSet>> {
        self.by_name.get(name).map(|&i| &self.sets[i])
    }

    /// The rule sets that score `kind`.
    pub fn of_kind(&self, kind: Kind) -> impl Iterator<Item = &Arc<RuleSet>> {
        self.sets.iter().filter(move |s| s.kind == kind)
    }
}

/// What a gate does when its condition reads an attribute the entity lacks.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum GateMissing {
    /// The gate does not fire; the ledger says why.
    #[default]
    Skip,
    /// The gate fires.
    Fire,
    /// Stop with an error.
    Fail,
}
