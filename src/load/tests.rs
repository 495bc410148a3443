//! The rule-test file format as written (load stage): cases that score one entity under a rule
//! set and state what must come out, before checking.

use indexmap::IndexMap;
use schemars::JsonSchema;
use serde::{Deserialize, Deserializer};
use serde_yaml::Value;

use super::values::{Num, Parsed, describe};
use super::yaml::from_value;
use crate::diag::{Code, Problem};
use crate::model::Kind;

/// One test file: a list of cases, with defaults for all of them.
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct TestFile {
    /// What these cases are about.
    #[serde(default)]
    #[allow(dead_code, reason = "for readers and the schema; nothing runs it")]
    pub description: Option<String>,
    /// The rule set (or profile) every case of this file uses unless it names its own.
    #[serde(default)]
    pub rule_set: Option<String>,
    /// The view date (YYYY-MM-DD) every case of this file is scored at unless it pins its own;
    /// default: the run's (`--as-of`, else the latest publication in the data).
    #[serde(default)]
    pub as_of: Option<super::values::Text>,
    /// The cases, run in order.
    pub cases: Vec<Parsed<CaseSpec>>,
}

/// One case: an entity scored under a rule set, and what the result must be.
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct CaseSpec {
    /// A sentence saying what the case shows; unique within the file.
    pub name: String,
    /// The rule set (or profile) to score with; default: the file's, else the one `rank` uses.
    #[serde(default)]
    pub rule_set: Option<String>,
    /// The entity: a dataset id, or a mapping (inline attributes, or `from:` an id with overrides).
    pub entity: CaseEntity,
    /// The view date (YYYY-MM-DD) to score the case at; default: the file's, else the run's.
    #[serde(default)]
    pub as_of: Option<super::values::Text>,
    /// Ids of dataset entities of the same kind to score and rank it among (default: all of them).
    #[serde(default)]
    pub universe: Option<Vec<String>>,
    /// What the result must be.
    pub expect: ExpectSpec,
}

/// `entity: baidu`, or a mapping describing the entity.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum CaseEntity {
    Id(String),
    Inline(Box<InlineEntity>),
}

impl JsonSchema for CaseEntity {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "CaseEntity".into()
    }

    fn json_schema(g: &mut schemars::SchemaGenerator) -> schemars::Schema {
        let inline = g.subschema_for::<InlineEntity>();
        schemars::json_schema!({
            "description": "A dataset entity's id, or a mapping: an entity of the test, or `from:` a dataset entity with facts changed.",
            "anyOf": [{ "type": "string", "description": "The id of a dataset entity." }, inline]
        })
    }
}

impl<'de> Deserialize<'de> for CaseEntity {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<CaseEntity, D::Error> {
        use serde::de::Error;
        match Value::deserialize(d)? {
            Value::String(s) => Ok(CaseEntity::Id(s)),
            v @ Value::Mapping(_) => {
                from_value(v).map(|e| CaseEntity::Inline(Box::new(e))).map_err(|e| D::Error::custom(prefixed(&e)))
            }
            other => Err(Problem::new(
                Code::WrongType,
                format!("expected an entity id or a mapping, found {}", describe(&other)),
            )
            .to_serde()),
        }
    }
}

fn prefixed(e: &super::yaml::ValueError) -> String {
    if e.path.0.is_empty() || e.message.contains('\u{1}') {
        e.message.clone()
    } else {
        format!("{}: {}", e.path, e.message)
    }
}

/// An entity written in the test: new, or a dataset entity with some facts changed.
#[derive(Clone, Debug, PartialEq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct InlineEntity {
    /// Start from this dataset entity: its attributes and relations, changed by the keys below.
    #[serde(default)]
    pub from: Option<String>,
    /// The entity's id (default: the `from` id, which then replaces that entity; else `case`).
    #[serde(default)]
    pub id: Option<String>,
    /// The display name (default: the `from` entity's, else the id).
    #[serde(default)]
    pub name: Option<String>,
    /// `company`, `segment` or `region` (default: the `from` entity's, else the rule set's).
    #[serde(default)]
    pub kind: Option<Kind>,
    /// Home region id.
    #[serde(default)]
    pub headquarters: Option<String>,
    /// Shares of the business per kind, as in datasets; replaces the `from` entity's for a kind given.
    #[serde(default)]
    pub exposure: IndexMap<Kind, IndexMap<String, Num>>,
    /// Attribute values as in datasets (bare or with provenance); `null` makes one missing.
    #[serde(default)]
    #[schemars(with = "IndexMap<String, super::dataset::AttrValue>")]
    pub attributes: IndexMap<String, Value>,
}

/// What a case's result must be. Every key is optional; a case needs at least one.
#[derive(Clone, Debug, Default, PartialEq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct ExpectSpec {
    /// The total: a number (to 2 decimals) or `{min, max}` (inclusive).
    #[serde(default)]
    pub score: Option<Bound>,
    /// The rating label after gates.
    #[serde(default)]
    pub rating: Option<String>,
    /// The competition rank among the universe: a number or `{min, max}`; or, to stay true
    /// when entities are added, `{above: [ids], below: [ids], from_bottom: N or {min, max}}`.
    #[serde(default)]
    pub rank: Option<RankSpec>,
    /// Exactly the gates that fire (any action), in any order; `[]` for none.
    #[serde(default)]
    pub gates: Option<Vec<String>>,
    /// Exactly the flag gates that fire, in any order.
    #[serde(default)]
    pub flags: Option<Vec<String>>,
    /// Exactly the adjustments that apply, in any order.
    #[serde(default)]
    pub adjustments: Option<Vec<String>>,
    /// Exactly the reason codes, in order.
    #[serde(default)]
    pub reasons: Option<Vec<String>>,
    /// Points of individual factors: factor id → a number or `{min, max}`.
    #[serde(default)]
    pub points: IndexMap<String, Bound>,
    /// Flip points (`thesis robust`): factor id → the change of its points that moves the
    /// rating a band `up` or `down`, each a number or `{min, max}`.
    #[serde(default)]
    pub flips: IndexMap<String, FlipSpec>,
    /// Whether the rating is firm (both score bounds in its band) rather than provisional.
    #[serde(default)]
    pub firm: Option<bool>,
    /// The score bounds missing data allows: `{lo, hi}`, each a number or `{min, max}`.
    #[serde(default)]
    pub bounds: Option<BoundsSpec>,
    /// `ranked`, `excluded`, `no_data` or `not_rated`.
    #[serde(default)]
    pub status: Option<StatusSpec>,
}

/// The score bounds a case expects.
#[derive(Clone, Copy, Debug, Default, PartialEq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct BoundsSpec {
    /// The low bound.
    #[serde(default)]
    pub lo: Option<Bound>,
    /// The high bound.
    #[serde(default)]
    pub hi: Option<Bound>,
}

/// The status a case expects, as ledgers print it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub(crate) enum StatusSpec {
    /// Scored and ranked.
    Ranked,
    /// Excluded by a gate.
    Excluded,
    /// No factor has data.
    NoData,
    /// Scored but not rated (a coverage floor or a `not_rated` gate).
    NotRated,
}

impl StatusSpec {
    /// The word ledgers use.
    pub(crate) fn word(self) -> &'static str {
        match self {
            StatusSpec::Ranked => "ranked",
            StatusSpec::Excluded => "excluded",
            StatusSpec::NoData => "no_data",
            StatusSpec::NotRated => "not_rated",
        }
    }
}

/// The flip points a case expects of one factor.
#[derive(Clone, Copy, Debug, Default, PartialEq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct FlipSpec {
    /// The change of the factor's points that lifts the rating a band.
    #[serde(default)]
    pub up: Option<Bound>,
    /// The change (negative) that lowers it a band.
    #[serde(default)]
    pub down: Option<Bound>,
}

impl ExpectSpec {
    pub(crate) fn is_empty(&self) -> bool {
        *self == ExpectSpec::default()
    }
}

/// A number (matched to 2 decimals) or an inclusive range `{min, max}` (either end optional).
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Bound {
    Exact(f64),
    Range { min: Option<f64>, max: Option<f64> },
}

/// Half of the last digit a ranking shows: an exact expectation matches to 2 decimals.
pub(crate) const EXACT_TOLERANCE: f64 = 0.005 + 1e-9;

impl Bound {
    pub(crate) fn contains(&self, x: f64) -> bool {
        match *self {
            Bound::Exact(v) => (x - v).abs() <= EXACT_TOLERANCE,
            Bound::Range { min, max } => min.is_none_or(|m| x >= m) && max.is_none_or(|m| x <= m),
        }
    }
}

/// Where a case's entity must rank.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum RankSpec {
    /// A position counted from the top: `3` or `{min: 2, max: 4}`.
    Position(Bound),
    /// A place that does not depend on how many entities there are.
    Relative(RelativeRank),
}

/// A rank relative to named peers or to the bottom of the ranking: every part must hold.
#[derive(Clone, Debug, Default, PartialEq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct RelativeRank {
    /// Ids of entities of the same kind it must rank strictly better than.
    #[serde(default)]
    pub above: Vec<String>,
    /// Ids of entities of the same kind it must rank strictly worse than.
    #[serde(default)]
    pub below: Vec<String>,
    /// The position counted from the last ranked entity (1 = last): a number or `{min, max}`.
    #[serde(default)]
    pub from_bottom: Option<Bound>,
}

impl JsonSchema for RankSpec {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "RankSpec".into()
    }

    fn json_schema(g: &mut schemars::SchemaGenerator) -> schemars::Schema {
        let position = g.subschema_for::<Bound>();
        let relative = g.subschema_for::<RelativeRank>();
        schemars::json_schema!({
            "description": "A position (a number or `{min, max}`), or `{above, below, from_bottom}`.",
            "anyOf": [position, relative]
        })
    }
}

impl<'de> Deserialize<'de> for RankSpec {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<RankSpec, D::Error> {
        use serde::de::Error;
        let v = Value::deserialize(d)?;
        let relative = ["above", "below", "from_bottom"];
        let is_relative =
            v.as_mapping().is_some_and(|m| m.keys().any(|k| k.as_str().is_some_and(|k| relative.contains(&k))));
        if !is_relative {
            return Bound::deserialize(v).map(RankSpec::Position).map_err(D::Error::custom);
        }
        let r: RelativeRank = from_value(v).map_err(|e| D::Error::custom(prefixed(&e)))?;
        if r.above.is_empty() && r.below.is_empty() && r.from_bottom.is_none() {
            return Err(
                Problem::new(Code::MissingKey, "a relative rank needs `above:`, `below:` or `from_bottom:`").to_serde()
            );
        }
        Ok(RankSpec::Relative(r))
    }
}

/// An inclusive range; give `min`, `max` or both.
#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct RangeFull {
    /// The least value allowed.
    #[serde(default)]
    min: Option<Num>,
    /// The greatest value allowed.
    #[serde(default)]
    max: Option<Num>,
}

impl JsonSchema for Bound {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Bound".into()
    }

    fn json_schema(g: &mut schemars::SchemaGenerator) -> schemars::Schema {
        let range = g.subschema_for::<RangeFull>();
        schemars::json_schema!({
            "description": "A number (matched to 2 decimals) or an inclusive range `{min, max}`.",
            "anyOf": [{ "type": "number" }, range]
        })
    }
}

impl<'de> Deserialize<'de> for Bound {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Bound, D::Error> {
        use serde::de::Error;
        match Value::deserialize(d)? {
            v @ (Value::Number(_) | Value::String(_)) => {
                Ok(Bound::Exact(Num::deserialize(v).map_err(D::Error::custom)?.0))
            }
            v @ Value::Mapping(_) => {
                let r: RangeFull = from_value(v).map_err(|e| D::Error::custom(prefixed(&e)))?;
                if r.min.is_none() && r.max.is_none() {
                    return Err(Problem::new(Code::MissingKey, "a range needs `min:`, `max:` or both").to_serde());
                }
                Ok(Bound::Range { min: r.min.map(|n| n.0), max: r.max.map(|n| n.0) })
            }
            other => Err(Problem::new(
                Code::WrongType,
                format!("expected a number or `{{min, max}}`, found {}", describe(&other)),
            )
            .to_serde()),
        }
    }
}

#[cfg(test)]
mod unit {
    use super::*;

    fn bound(yaml: &str) -> Result<Bound, String> {
        let v: Value = serde_yaml::from_str(yaml).map_err(|e| e.to_string())?;
        from_value::<Bound>(v).map_err(|e| e.message)
    }

    #[test]
    fn an_exact_score_matches_to_two_decimals() {
        let b = bound("76.46").expect("a number");
        assert!(b.contains(76.455) && b.contains(76.4649) && !b.contains(76.47));
    }

    #[test]
    fn a_range_is_inclusive_and_may_be_open() {
        let b = bound("{min: 40, max: 60}").expect("a range");
        assert!(b.contains(40.0) && b.contains(60.0) && !b.contains(60.01));
        assert!(bound("{min: 60}").expect("open").contains(1e9));
        assert!(bound("{}").is_err_and(|m| m.contains("`min:`, `max:` or both")));
        assert!(bound("{min: 1, mx: 2}").is_err_and(|m| m.contains("unknown field `mx`")));
    }

    #[test]
    fn an_entity_is_an_id_or_a_mapping() {
        let e: CaseEntity = from_value(serde_yaml::from_str("baidu").expect("yaml")).expect("an id");
        assert_eq!(e, CaseEntity::Id("baidu".into()));
        let v = serde_yaml::from_str("{from: baidu, attributes: {growth: null}}").expect("yaml");
        let CaseEntity::Inline(e) = from_value::<CaseEntity>(v).expect("inline") else { panic!("inline") };
        assert_eq!(e.from.as_deref(), Some("baidu"));
        assert!(e.attributes["growth"].is_null());
    }
}
