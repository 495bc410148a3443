//! The rule-file format as written (load stage): what `rules/*.yaml` may contain, before checking.

use indexmap::IndexMap;
use schemars::JsonSchema;
use serde::{Deserialize, Deserializer};
use serde_yaml::Value;

use super::values::{Num, Parsed, Tagless, Text, describe};
use crate::diag::{Code, Problem};
use crate::model::{Aggregation, Kind};
pub(crate) use crate::model::{Direction, GateMissing};

/// One rule file: a rule set for one kind of entity, or a profile that extends another.
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct RuleFile {
    /// The rule set's unique name, used by `--rule-set`, `extends` and rule tests.
    pub rule_set: String,
    /// The rule set's version, shown in rankings and ledgers.
    pub version: Text,
    /// What the rule set is for.
    pub description: String,
    /// The kind of entity it scores: `company`, `segment` or `region` (a profile inherits it).
    #[serde(default)]
    pub kind: Option<Kind>,
    /// Start from another rule set of the same kind: this file overrides and adds to it.
    #[serde(default)]
    pub extends: Option<String>,
    /// This rule set scores its kind unless `--rule-set` picks another.
    #[serde(default)]
    pub default: Option<bool>,
    /// A display name for a profile.
    #[serde(default)]
    pub profile: Option<String>,
    /// The default missing-data policy of the factors: `fail` (default), `skip`, `{assume: X}` or `{points: P}`.
    #[serde(default)]
    pub missing: Option<Tagless<MissingSpec>>,
    /// Category → weight (or `{weight, description}`); each factor belongs to one category.
    #[serde(default)]
    pub categories: IndexMap<String, Parsed<CategorySpec>>,
    /// The scored aspects of an entity. In a profile, a factor with a base factor's id overrides the fields it gives.
    #[serde(default)]
    pub factors: Vec<Parsed<FactorSpec>>,
    /// Ids of the base's factors, gates or adjustments to drop.
    #[serde(default)]
    pub remove: Vec<String>,
    /// Conditions that cap the rating, exclude the entity or flag it.
    #[serde(default)]
    pub gates: Vec<Parsed<GateSpec>>,
    /// Conditions that add or remove points.
    #[serde(default)]
    pub adjustments: Vec<Parsed<AdjustmentSpec>>,
    /// Rating bands, best first: `{label, min, max, recommendation}`; default Overweight ≥ 65, Neutral ≥ 40, Underweight.
    #[serde(default)]
    pub ratings: Option<Vec<Parsed<RatingSpec>>>,
    /// How many reason codes each entity lists (default 3).
    #[serde(default)]
    pub reason_codes: Option<usize>,
    /// How factor points combine into the base: `weighted_sum` (default) or `weighted_product`.
    #[serde(default)]
    pub aggregation: Option<Aggregation>,
    /// Coverage an entity needs to be rated, in percent: `{min: 60, categories: {risk: 50}}`.
    /// Below it the entity is scored but "not rated". A profile overrides `min` and each category it names.
    #[serde(default)]
    pub coverage: Option<CoverageSpec>,
}

/// Coverage floors, in percent of the weight backed by observed data.
#[derive(Clone, Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct CoverageSpec {
    /// The least overall coverage, 0 to 100.
    #[serde(default)]
    pub min: Option<Num>,
    /// Category → the least share of its factor weight backed by observed data, 0 to 100.
    #[serde(default)]
    pub categories: IndexMap<String, Num>,
}

/// A category's weight, written `risk: 30` or `risk: {weight: 30, description: ...}`.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct CategorySpec {
    pub weight: Num,
    pub description: Option<String>,
}

/// A category written in full.
#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct CategoryFull {
    /// The category's weight; positive.
    weight: Num,
    /// What the category covers.
    #[serde(default)]
    description: Option<String>,
}

impl JsonSchema for CategorySpec {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "CategorySpec".into()
    }

    fn json_schema(g: &mut schemars::SchemaGenerator) -> schemars::Schema {
        let full = g.subschema_for::<CategoryFull>();
        schemars::json_schema!({
            "description": "A category's weight, or `{weight, description}`.",
            "anyOf": [{ "type": "number", "description": "The category's weight; positive." }, full]
        })
    }
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
            other => Err(Problem::new(
                Code::WrongType,
                format!("expected a weight or a mapping with `weight:`, found {}", describe(&other)),
            )
            .to_serde()),
        }
    }
}

/// The error of a category written in full, with the path to the key at fault (the
/// deserializer above can only report it at the category).
pub(crate) fn category_error(v: &Value) -> Option<super::yaml::ValueError> {
    if !v.is_mapping() {
        return None;
    }
    super::yaml::from_value::<CategoryFull>(v.clone()).err()
}

/// A factor: one scored aspect of an entity. In a profile every field but `id` is optional
/// and overrides the base rule set's factor of the same id.
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct FactorSpec {
    /// The factor's id, unique in the rule set.
    pub id: String,
    /// The category it belongs to (a key of `categories`).
    #[serde(default)]
    pub category: Option<String>,
    /// Its weight within the category; positive.
    #[serde(default)]
    pub weight: Option<Num>,
    /// What it measures, for ledgers and memos.
    #[serde(default)]
    pub description: Option<String>,
    /// A short name, two to four words, for tables, the index and memo prose (default: the id
    /// in words).
    #[serde(default)]
    pub label: Option<String>,
    /// Where the raw value comes from: `{attribute: NAME}`, `{expr: RHAI}`, `{script: {file, function}}` or `{rollup: KIND}`.
    #[serde(default)]
    pub input: Option<Tagless<InputSpec>>,
    /// How the raw value becomes points in 0..100 (default `{linear: {lo: 0, hi: 100}}`).
    #[serde(default)]
    pub scale: Option<Tagless<ScaleSpec>>,
    /// What to do without a value: `fail`, `skip`, `{assume: X}` or `{points: P}` (default: the rule set's).
    #[serde(default)]
    pub missing: Option<Tagless<MissingSpec>>,
}

/// Where a factor's raw value comes from.
#[derive(Clone, Debug, PartialEq, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub(crate) enum InputSpec {
    /// An attribute of the entity.
    Attribute(String),
    /// An inline Rhai expression over the entity `e`.
    Expr(String),
    /// A function `fn name(e)` in a Rhai script file (path relative to the rule file).
    Script(ScriptRef),
    /// The exposure-weighted score of related entities of another kind.
    Rollup(RollupSpec),
}

#[derive(Clone, Debug, PartialEq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct ScriptRef {
    /// The Rhai file, relative to the rule file.
    pub file: String,
    /// The function `fn name(e)` to call with the entity.
    pub function: String,
}

/// `rollup: segment`, or `rollup: {kind: segment, category: opportunity}` to roll up one
/// category score instead of the total.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct RollupSpec {
    pub kind: Kind,
    pub category: Option<String>,
}

/// A roll-up written in full.
#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct RollupFull {
    /// The kind whose scores are rolled up.
    kind: Kind,
    /// Roll up this category's score instead of the total.
    #[serde(default)]
    category: Option<String>,
}

impl JsonSchema for RollupSpec {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "RollupSpec".into()
    }

    fn json_schema(g: &mut schemars::SchemaGenerator) -> schemars::Schema {
        let kind = g.subschema_for::<Kind>();
        let full = g.subschema_for::<RollupFull>();
        schemars::json_schema!({
            "description": "`segment` or `region`, or `{kind, category}` to roll up one category's score.",
            "anyOf": [kind, full]
        })
    }
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

fn default_zscore_clamp() -> Num {
    Num(3.0)
}

/// How a raw value becomes points in [0, 100].
#[derive(Clone, Debug, PartialEq, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub(crate) enum ScaleSpec {
    /// Fixed bounds, clamped: `100·clamp((x−lo)/(hi−lo), 0, 1)`.
    Linear {
        /// The value that scores 0 (100 for `direction: lower`).
        lo: Num,
        /// The value that scores 100 (0 for `direction: lower`).
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
        /// Standard deviations mapped to 0 and 100 (default 3).
        #[serde(default = "default_zscore_clamp")]
        clamp: Num,
    },
}

/// One band of a `bands` scale: values in [min, max) score `points`.
#[derive(Clone, Debug, PartialEq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct BandSpec {
    /// Lowest value of the band (included); leave out on the first band.
    #[serde(default)]
    pub min: Option<Num>,
    /// Value where the band ends (excluded); leave out on the last band.
    #[serde(default)]
    pub max: Option<Num>,
    /// Points for values in the band, 0..100.
    pub points: Num,
}

/// What to do when a factor has no value for an entity.
#[derive(Clone, Debug, PartialEq, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub(crate) enum MissingSpec {
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
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct GateSpec {
    /// The gate's id, unique in the rule set.
    pub id: String,
    /// A Rhai condition over the entity `e`, its `score` and `rating` before caps.
    pub when: String,
    /// `flag`, `exclude`, `not_rated`, or `{cap: RATING}`.
    pub action: Tagless<GateAction>,
    /// Why, for ledgers and memos.
    pub reason: String,
    /// When the condition reads data the entity lacks: `skip` (default), `fire` or `fail`.
    #[serde(default)]
    pub missing: Option<GateMissing>,
}

#[derive(Clone, Debug, PartialEq, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub(crate) enum GateAction {
    /// Remove the entity from the ranking.
    Exclude,
    /// Cap the rating at this label.
    Cap(String),
    /// Mark the entity.
    Flag,
    /// Score the entity but give it no rating (listed apart with the gate's reason).
    NotRated,
}

/// A condition that adds or removes points.
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct AdjustmentSpec {
    /// The adjustment's id, unique in the rule set.
    pub id: String,
    /// A Rhai condition over the entity `e` and its `score` before adjustments.
    pub when: String,
    /// Points added when it holds (negative to remove).
    pub points: Num,
    /// Why, for ledgers and memos.
    pub reason: String,
    /// When the condition reads data the entity lacks: `skip` (default), `fire` or `fail`.
    #[serde(default)]
    pub missing: Option<GateMissing>,
}

/// A rating band: scores in [min, max) get `label` (the top band includes 100).
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct RatingSpec {
    /// The rating's name.
    pub label: String,
    /// Lowest total of the band (included).
    pub min: Num,
    /// Total where the band ends (excluded; the top band includes 100).
    pub max: Num,
    /// What to do with an entity so rated.
    #[serde(default)]
    pub recommendation: Option<String>,
}
