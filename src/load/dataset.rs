//! The dataset-file format as written (load stage): attribute declarations and entities with
//! sourced attribute values, before checking.

use indexmap::IndexMap;
use schemars::JsonSchema;
use serde::{Deserialize, Deserializer};
use serde_yaml::Value;

use super::values::{Num, Parsed, Text, describe};
use crate::diag::{Code, Problem};
use crate::model::{AttrType, Kind};

/// One dataset file: declarations of attributes, entities, or both.
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct DatasetFile {
    /// The dataset's name.
    #[serde(default)]
    #[allow(dead_code, reason = "for readers and the schema; nothing scores it")]
    pub dataset: Option<String>,
    /// What the dataset holds.
    #[serde(default)]
    #[allow(dead_code, reason = "for readers and the schema; nothing scores it")]
    pub description: Option<String>,
    /// The kind of every entity in this file that does not name its own.
    #[serde(default)]
    pub kind: Option<Kind>,
    /// Per kind, attribute name → type, or `{type, unit, description}`. Each attribute is declared once.
    #[serde(default)]
    pub attributes: IndexMap<Kind, IndexMap<String, Parsed<AttrDeclSpec>>>,
    /// Companies, segments and regions.
    #[serde(default)]
    pub entities: Vec<Parsed<EntitySpec>>,
    /// The provenance of table files (CSV, Parquet, Arrow), by path relative to this file:
    /// every cell of the file rests on it, unless the row's or the column's provenance
    /// columns say otherwise.
    #[serde(default)]
    pub tables: IndexMap<String, Parsed<TableSpec>>,
}

/// Where every cell of a table file comes from: `{cite: vendor-2025q1, grade: B, published: 2025-04-01}`.
#[derive(Clone, Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct TableSpec {
    /// Where the file's values come from, in words.
    #[serde(default)]
    pub source: Option<String>,
    /// The id (or ids) of sources declared in a registry file (`kind: sources`).
    #[serde(default)]
    pub cite: Option<Cite>,
    /// What the values describe (fiscal period end, as-of date): YYYY, YYYY-MM or YYYY-MM-DD.
    #[serde(default)]
    pub period: Option<Text>,
    /// The old name of `period`, still read.
    #[serde(default)]
    pub as_of: Option<Text>,
    /// When the values became public. Without it, the period.
    #[serde(default)]
    pub published: Option<Text>,
    /// `A` primary, `B` reputable secondary, `C` indicative; `A/B` for a split.
    #[serde(default)]
    pub grade: Option<Text>,
    /// The values are an analyst's judgment, not sourced facts: the rationale.
    #[serde(default)]
    pub judgment: Option<String>,
    /// Anything else a reader should know.
    #[serde(default)]
    pub note: Option<String>,
}

impl TableSpec {
    /// The declaration as an observation's provenance keys, to be checked as one.
    pub(crate) fn as_sourced(&self) -> SourcedValue {
        SourcedValue {
            value: Value::Null,
            source: self.source.clone(),
            cite: self.cite.clone(),
            period: self.period.clone(),
            as_of: self.as_of.clone(),
            published: self.published.clone(),
            grade: self.grade.clone(),
            judgment: self.judgment.clone(),
            note: self.note.clone(),
        }
    }
}

/// An attribute declaration, `revenue: number` or `revenue: {type: number, unit: RMB bn}`.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct AttrDeclSpec {
    pub ty: AttrType,
    pub unit: Option<String>,
    pub description: Option<String>,
    pub descriptive: bool,
    /// The short label that lists the value among a memo's key figures.
    pub key_figure: Option<String>,
}

/// An attribute declaration written in full.
#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct AttrDeclFull {
    /// `number`, `bool`, `text`, `date` or `list`.
    #[serde(rename = "type")]
    ty: AttrType,
    /// The unit of a number, for ledgers and memos.
    #[serde(default)]
    unit: Option<String>,
    /// What the attribute means.
    #[serde(default)]
    description: Option<String>,
    /// Context for readers (ledgers and memos show it), not meant to be scored: no lint asks
    /// for a rule to read it.
    #[serde(default)]
    descriptive: bool,
    /// A short label (one to four words, such as `Forward P/E`): the value is one of the key
    /// figures on the front page of the entity's memo, with its date and source.
    #[serde(default)]
    key_figure: Option<String>,
}

impl JsonSchema for AttrDeclSpec {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "AttrDeclSpec".into()
    }

    fn json_schema(g: &mut schemars::SchemaGenerator) -> schemars::Schema {
        let ty = g.subschema_for::<AttrType>();
        let full = g.subschema_for::<AttrDeclFull>();
        schemars::json_schema!({ "description": "A type name, or `{type, unit, description, descriptive, key_figure}`.", "anyOf": [ty, full] })
    }
}

/// What an attribute value may be (for the schema): bare, or `{value, source, ...}`.
pub(crate) struct AttrValue;

impl JsonSchema for AttrValue {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "AttrValue".into()
    }

    fn json_schema(g: &mut schemars::SchemaGenerator) -> schemars::Schema {
        let sourced = g.subschema_for::<SourcedValue>();
        let series = g.subschema_for::<SeriesSpec>();
        schemars::json_schema!({
            "description": "A bare value (number, true/false, text, date, a list of words; null for missing), `{value, source, cite, period, published, grade, judgment, note}`, or `{series: [...]}` of such observations.",
            "anyOf": [BareValue::json_schema(g), sourced, series]
        })
    }
}

/// A bare attribute value (for the schema).
pub(crate) struct BareValue;

impl JsonSchema for BareValue {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "BareValue".into()
    }

    fn inline_schema() -> bool {
        true
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "anyOf": [
                { "type": ["null", "boolean", "number", "string"] },
                { "type": "array", "items": { "type": ["string", "number", "boolean"] } }
            ]
        })
    }
}

impl<'de> Deserialize<'de> for AttrDeclSpec {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<AttrDeclSpec, D::Error> {
        use serde::de::Error;
        let v = Value::deserialize(d)?;
        let full: AttrDeclFull = match v {
            v @ Value::String(_) => AttrDeclFull {
                ty: super::yaml::from_value(v).map_err(|e| D::Error::custom(e.message))?,
                unit: None,
                description: None,
                descriptive: false,
                key_figure: None,
            },
            v @ Value::Mapping(_) => super::yaml::from_value(v).map_err(|e| D::Error::custom(e.message))?,
            other => {
                return Err(Problem::new(
                    Code::WrongType,
                    format!("expected a type name or a mapping with `type:`, found {}", describe(&other)),
                )
                .to_serde());
            }
        };
        Ok(AttrDeclSpec {
            ty: full.ty,
            unit: full.unit,
            description: full.description,
            descriptive: full.descriptive,
            key_figure: full.key_figure,
        })
    }
}

/// One company, segment or region.
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct EntitySpec {
    /// Unique across all kinds: letters, digits, `_`, `-` and `.`.
    pub id: String,
    /// The display name.
    pub name: String,
    /// `company`, `segment` or `region` (default: the file's `kind`).
    #[serde(default)]
    pub kind: Option<Kind>,
    /// The id of the home region.
    #[serde(default)]
    pub headquarters: Option<String>,
    /// Shares of the business per kind, id → share in (0, 1]; each kind adds up to 1.
    #[serde(default)]
    pub exposure: IndexMap<Kind, IndexMap<String, Num>>,
    /// Attribute values, each declared under `attributes:` for the entity's kind.
    #[serde(default)]
    #[schemars(with = "IndexMap<String, AttrValue>")]
    pub attributes: IndexMap<String, Value>,
    /// Anything else a reader should know.
    #[serde(default)]
    #[allow(dead_code, reason = "for readers and the schema; nothing scores it")]
    pub note: Option<String>,
}

/// An attribute value with its provenance: `{value: 133.1, source: ..., as_of: 2024-12-31, grade: A}`.
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct SourcedValue {
    /// The value; `null` marks it missing.
    #[schemars(with = "BareValue")]
    pub value: Value,
    /// Where the fact comes from, in words.
    #[serde(default)]
    pub source: Option<String>,
    /// The id (or ids) of sources declared in a registry file (`kind: sources`).
    #[serde(default)]
    pub cite: Option<Cite>,
    /// What the value describes (fiscal period end, event date): YYYY, YYYY-MM or YYYY-MM-DD.
    /// Without it, the publication date.
    #[serde(default)]
    pub period: Option<Text>,
    /// The old name of `period`, still read.
    #[serde(default)]
    pub as_of: Option<Text>,
    /// When the value became public. Without it, the period: known as soon as it happened.
    #[serde(default)]
    pub published: Option<Text>,
    /// `A` primary, `B` reputable secondary, `C` indicative; `A/B` for a split.
    #[serde(default)]
    pub grade: Option<Text>,
    /// The value is an analyst's judgment, not a sourced fact: the rationale.
    #[serde(default)]
    pub judgment: Option<String>,
    /// Anything else a reader should know.
    #[serde(default)]
    #[allow(dead_code, reason = "for readers and the schema; nothing scores it")]
    pub note: Option<String>,
}

/// An attribute's dated observations: `{series: [{value, period, published, ...}, ...]}`.
/// Resolution at a view date picks one (see the README, "Facts with history").
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct SeriesSpec {
    /// The observations, in any order.
    #[schemars(with = "Vec<SourcedValue>")]
    pub series: Vec<Value>,
    /// Anything else a reader should know.
    #[serde(default)]
    #[allow(dead_code, reason = "for readers and the schema; nothing scores it")]
    pub note: Option<String>,
}

/// `cite: id` or `cite: [id, id]`: registry sources an observation rests on.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Cite(pub Vec<String>);

impl<'de> Deserialize<'de> for Cite {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Cite, D::Error> {
        let wrong = |v: &Value| {
            Problem::new(Code::WrongType, format!("expected a source id or a list of ids, found {}", describe(v)))
                .to_serde()
        };
        match Value::deserialize(d)? {
            Value::String(s) => Ok(Cite(vec![s])),
            Value::Sequence(items) => items
                .into_iter()
                .map(|v| match v {
                    Value::String(s) => Ok(s),
                    other => Err(wrong(&other)),
                })
                .collect::<Result<_, _>>()
                .map(Cite),
            other => Err(wrong(&other)),
        }
    }
}

impl JsonSchema for Cite {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Cite".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "A source id from a registry file (`kind: sources`), or a list of them.",
            "anyOf": [ { "type": "string" }, { "type": "array", "items": { "type": "string" } } ]
        })
    }
}
