//! The dataset-file format as written (load stage): attribute declarations and entities with
//! sourced attribute values, before checking.

use indexmap::IndexMap;
use serde::{Deserialize, Deserializer};
use serde_yaml::Value;

use super::values::{Num, Parsed, Text, describe};
use super::yaml::coded;
use crate::diag::Code;
use crate::model::{AttrType, Kind};

/// One dataset file: declarations of attributes, entities, or both.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DatasetFile {
    #[serde(default)]
    pub dataset: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    /// The kind of every entity in this file that does not name its own.
    #[serde(default)]
    pub kind: Option<Kind>,
    #[serde(default)]
    pub attributes: IndexMap<Kind, IndexMap<String, Parsed<AttrDeclSpec>>>,
    #[serde(default)]
    pub entities: Vec<Parsed<EntitySpec>>,
}

/// An attribute declaration, `revenue: number` or `revenue: {type: number, unit: RMB bn}`.
#[derive(Clone, Debug, PartialEq)]
pub struct AttrDeclSpec {
    pub ty: AttrType,
    pub unit: Option<String>,
    pub description: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AttrDeclFull {
    #[serde(rename = "type")]
    ty: AttrType,
    #[serde(default)]
    unit: Option<String>,
    #[serde(default)]
    description: Option<String>,
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
            },
            v @ Value::Mapping(_) => super::yaml::from_value(v).map_err(|e| D::Error::custom(e.message))?,
            other => {
                return Err(D::Error::custom(coded(
                    Code::WrongType,
                    format!("expected a type name or a mapping with `type:`, found {}", describe(&other)),
                )));
            }
        };
        Ok(AttrDeclSpec { ty: full.ty, unit: full.unit, description: full.description })
    }
}

/// One company, segment or region.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EntitySpec {
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub kind: Option<Kind>,
    #[serde(default)]
    pub headquarters: Option<String>,
    #[serde(default)]
    pub exposure: IndexMap<Kind, IndexMap<String, Num>>,
    #[serde(default)]
    pub attributes: IndexMap<String, Value>,
    #[serde(default)]
    pub note: Option<String>,
}

/// An attribute value with its provenance: `{value: 133.1, source: ..., as_of: 2024-12-31, grade: A}`.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SourcedValue {
    pub value: Value,
    #[serde(default)]
    pub source: Option<String>,
    #[serde(default)]
    pub as_of: Option<Text>,
    #[serde(default)]
    pub grade: Option<Text>,
    #[serde(default)]
    pub judgment: Option<String>,
    #[serde(default)]
    pub note: Option<String>,
}
