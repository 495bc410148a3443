//! The rule-file format as written (load stage): what `rules/*.yaml` may contain, before checking.

use indexmap::IndexMap;
use serde::{Deserialize, Deserializer};
use serde_yaml::Value;

use super::values::{Num, Parsed, Tagless, Text, describe};
use super::yaml::coded;
use crate::diag::Code;
use crate::model::Kind;

/// One rule file: a rule set for one kind of entity, or a profile that extends another.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleFile {
    pub rule_set: String,
    pub version: Text,
    pub description: String,
    #[serde(default)]
    pub kind: Option<Kind>,
    #[serde(default)]
    pub extends: Option<String>,
    #[serde(default)]
    pub default: Option<bool>,
    #[serde(default)]
    pub profile: Option<String>,
    #[serde(default)]
    pub missing: Option<Tagless<MissingSpec>>,
    #[serde(default)]
    pub categories: IndexMap<String, Parsed<CategorySpec>>,
    #[serde(default)]
    pub factors: Vec<Parsed<FactorSpec>>,
    #[serde(default)]
    pub remove: Vec<String>,
    #[serde(default)]
    pub gates: Vec<Parsed<GateSpec>>,
    #[serde(default)]
    pub adjustments: Vec<Parsed<AdjustmentSpec>>,
    #[serde(default)]
    pub ratings: Option<Vec<Parsed<RatingSpec>>>,
    #[serde(default)]
    pub reason_codes: Option<usize>,
}

/// A category's weight, written `risk: 30` or `risk: {weight: 30, description: ...}`.
#[derive(Clone, Debug, PartialEq)]
pub struct CategorySpec {
    pub weight: Num,
    pub description: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CategoryFull {
    weight: Num,
    #[serde(default)]
    description: Option<String>,
}

impl<'de> Deserialize<'de> for CategorySpec {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<CategorySpec, D::Error> {
        use serde::de::Error;
        match Value::deserialize(d)? {
            v @ (Value::Number(_) | Value::String(_)) => {
                let weight = Num::deserialize(v).map_err(D::Error::custom)?;
                Ok(CategorySpec { weight, description: None })
            }
            v @ Value::Mapping(_) => {
                let full: CategoryFull = super::yaml::from_value(v).map_err(|e| D::Error::custom(e.message))?;
                Ok(CategorySpec { weight: full.weight, description: full.description })
            }
            other => Err(D::Error::custom(coded(
                Code::WrongType,
                format!("expected a weight or a mapping with `weight:`, found {}", describe(&other)),
            ))),
        }
    }
}

/// A factor: one scored aspect of an entity. In a profile every field but `id` is optional
/// and overrides the base rule set's factor of the same id.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FactorSpec {
    pub id: String,
    #[serde(default)]
    pub category: Option<String>,
    #[serde(default)]
    pub weight: Option<Num>,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub input: Option<Tagless<InputSpec>>,
    #[serde(default)]
    pub scale: Option<Tagless<ScaleSpec>>,
    #[serde(default)]
    pub missing: Option<Tagless<MissingSpec>>,
}

/// Where a factor's raw value comes from.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InputSpec {
    /// An attribute of the entity.
    Attribute(String),
    /// An inline Rhai expression over the entity `e`.
    Expr(String),
    /// A function `fn name(e)` in a Rhai script file (path relative to the rule file).
    Script(ScriptRef),
    /// The exposure-weighted score of related entities of another kind.
    Rollup(RollupSpec),
}

#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScriptRef {
    pub file: String,
    pub function: String,
}

/// `rollup: segment`, or `rollup: {kind: segment, category: opportunity}` to roll up one
/// category score instead of the total.
#[derive(Clone, Debug, PartialEq)]
pub struct RollupSpec {
    pub kind: Kind,
    pub category: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RollupFull {
    kind: Kind,
    #[serde(default)]
    category: Option<String>,
}

impl<'de> Deserialize<'de> for RollupSpec {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<RollupSpec, D::Error> {
        use serde::de::Error;
        let v = Value::deserialize(d)?;
        let full: RollupFull = match v {
            Value::String(_) => RollupFull {
                kind: super::yaml::from_value(v).map_err(|e| D::Error::custom(e.message))?,
                category: None,
            },
            v => super::yaml::from_value(v).map_err(|e| D::Error::custom(e.message))?,
        };
        Ok(RollupSpec { kind: full.kind, category: full.category })
    }
}

/// Whether a higher raw value is better (the default) or worse for an investor.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    #[default]
    Higher,
    Lower,
}

fn default_zscore_clamp() -> Num {
    Num(3.0)
}

/// How a raw value becomes points in [0, 100].
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ScaleSpec {
    /// Fixed bounds, clamped: `100·clamp((x−lo)/(hi−lo), 0, 1)`.
    Linear {
        lo: Num,
        hi: Num,
        #[serde(default)]
        direction: Direction,
    },
    /// Value ranges mapped to points.
    Bands(Vec<Parsed<BandSpec>>),
    /// Text values mapped to points.
    Map(IndexMap<String, Num>),
    /// true → 100 and false → 0 (mirrored for `direction: lower`).
    Bool {
        #[serde(default)]
        direction: Direction,
    },
    /// Linear between the smallest and largest value in the universe (opt-in: rank reversal).
    Minmax {
        #[serde(default)]
        direction: Direction,
    },
    /// Mid-rank percentile in the universe (opt-in: rank reversal).
    Percentile {
        #[serde(default)]
        direction: Direction,
    },
    /// Standard score in the universe, ±clamp standard deviations mapped to 0..100.
    Zscore {
        #[serde(default)]
        direction: Direction,
        #[serde(default = "default_zscore_clamp")]
        clamp: Num,
    },
}

/// One band of a `bands` scale: values in [min, max) score `points`.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BandSpec {
    #[serde(default)]
    pub min: Option<Num>,
    #[serde(default)]
    pub max: Option<Num>,
    pub points: Num,
}

/// What to do when a factor has no value for an entity.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MissingSpec {
    /// Stop with an error naming the entity and the factor.
    Fail,
    /// Leave the factor out: its category renormalises and coverage drops.
    Skip,
    /// Use this raw value, then scale it.
    Assume(Num),
    /// Give these points directly.
    Points(Num),
}

/// A condition that caps the rating, excludes the entity, or raises a flag.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GateSpec {
    pub id: String,
    pub when: String,
    pub action: Tagless<GateAction>,
    pub reason: String,
    #[serde(default)]
    pub missing: Option<GateMissing>,
}

#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GateAction {
    Exclude,
    Cap(String),
    Flag,
}

/// What a gate does when its condition reads an attribute the entity lacks.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize, serde::Serialize)]
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

/// A condition that adds or removes points.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AdjustmentSpec {
    pub id: String,
    pub when: String,
    pub points: Num,
    pub reason: String,
    #[serde(default)]
    pub missing: Option<GateMissing>,
}

/// A rating band: scores in [min, max) get `label` (the top band includes 100).
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RatingSpec {
    pub label: String,
    pub min: Num,
    pub max: Num,
    #[serde(default)]
    pub recommendation: Option<String>,
}
