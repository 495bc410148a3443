//! Small value types shared by the file formats: finite numbers, text that may be written as a
//! number, enums written as a word or a one-key mapping, and items that fail on their own (load stage).

use std::borrow::Cow;
use std::fmt;

use schemars::{Schema, SchemaGenerator};
use serde_json::Value as Json;

use serde::de::{self, DeserializeOwned, Deserializer, Visitor};
use serde::{Deserialize, Serialize};
use serde_yaml::Value;

use super::yaml::{ValueError, from_value};
use crate::diag::{Code, Problem};

/// A finite 64-bit number. `.nan`, `.inf` and numbers too large for f64 are refused.
#[derive(Clone, Copy, Debug, PartialEq, PartialOrd, Serialize)]
#[serde(transparent)]
pub(crate) struct Num(pub f64);

impl<'de> Deserialize<'de> for Num {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Num, D::Error> {
        d.deserialize_any(NumVisitor)
    }
}

struct NumVisitor;

impl Visitor<'_> for NumVisitor {
    type Value = Num;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a number")
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Num, E> {
        finite(v).map_err(|p| p.to_serde())
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Num, E> {
        Ok(Num(v as f64))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Num, E> {
        Ok(Num(v as f64))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Num, E> {
        number_from_text(v).map_err(|p| p.to_serde())
    }
}

impl schemars::JsonSchema for Num {
    fn schema_name() -> Cow<'static, str> {
        "Num".into()
    }

    fn inline_schema() -> bool {
        true
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        schemars::json_schema!({ "type": "number" })
    }
}

/// Checks that a float is finite, with the problem if not.
pub(crate) fn finite(v: f64) -> Result<Num, Problem> {
    if v.is_finite() {
        Ok(Num(v))
    } else if v.is_nan() {
        Err(Problem::new(Code::BadNumber, "`.nan` is not a number; leave the value out to mark it missing"))
    } else {
        Err(Problem::new(Code::BadNumber, "infinite numbers are not allowed"))
    }
}

/// Text where a number was expected: an out-of-range literal gets its own message.
pub(crate) fn number_from_text(v: &str) -> Result<Num, Problem> {
    let t = v.trim().replace('_', "");
    match t.parse::<f64>() {
        Ok(x) if x.is_infinite() && !t.to_ascii_lowercase().contains("inf") => {
            Err(Problem::new(Code::BadNumber, format!("the number {v} does not fit a 64-bit float")))
        }
        // Digits grouped with `_` are text to YAML; the hint says how to write them.
        Ok(x) if x.is_finite() && v.contains('_') => {
            Err(Problem::new(Code::WrongType, format!("expected a number, found the text \"{v}\"")))
        }
        Ok(x) if x.is_finite() => {
            Err(Problem::new(Code::WrongType, format!("expected a number, found the text \"{v}\" (remove the quotes)")))
        }
        _ => Err(Problem::new(Code::WrongType, format!("expected a number, found the text \"{v}\""))),
    }
}

/// A number from a YAML value, as used for attribute values.
pub(crate) fn number_from_value(v: &Value) -> Result<f64, Problem> {
    match v {
        Value::Number(n) => match n.as_f64() {
            Some(x) => finite(x).map(|n| n.0),
            None => Err(Problem::new(Code::BadNumber, format!("the number {n} does not fit a 64-bit float"))),
        },
        Value::String(s) => number_from_text(s).map(|n| n.0),
        other => Err(Problem::new(Code::WrongType, format!("expected a number, found {}", describe(other)))),
    }
}

/// A short description of a value's type, for messages.
pub(crate) fn describe(v: &Value) -> String {
    match v {
        Value::Null => "nothing (null)".into(),
        Value::Bool(b) => format!("the boolean {b}"),
        Value::Number(n) => format!("the number {n}"),
        Value::String(s) => format!("the text \"{s}\""),
        Value::Sequence(_) => "a list".into(),
        Value::Mapping(_) => "a mapping".into(),
        Value::Tagged(t) => format!("a value tagged {}", t.tag),
    }
}

/// Text that may be written as a bare number or boolean (`version: 1.2`).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Default)]
#[serde(transparent)]
pub(crate) struct Text(pub String);

impl<'de> Deserialize<'de> for Text {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Text, D::Error> {
        match Value::deserialize(d)? {
            Value::String(s) => Ok(Text(s)),
            Value::Number(n) => Ok(Text(n.to_string())),
            Value::Bool(b) => Ok(Text(b.to_string())),
            other => {
                Err(Problem::new(Code::WrongType, format!("expected text, found {}", describe(&other))).to_serde())
            }
        }
    }
}

impl schemars::JsonSchema for Text {
    fn schema_name() -> Cow<'static, str> {
        "Text".into()
    }

    fn inline_schema() -> bool {
        true
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        schemars::json_schema!({ "type": ["string", "number", "boolean"] })
    }
}

impl fmt::Display for Text {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// An enum written as a word (`missing: skip`) or a one-key mapping (`missing: {assume: 0}`),
/// instead of the YAML tags serde_yaml expects.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Tagless<T>(pub T);

impl<'de, T: DeserializeOwned> Deserialize<'de> for Tagless<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Tagless<T>, D::Error> {
        let raw = Value::deserialize(d)?;
        let word = raw.as_str().map(str::to_string);
        match from_value::<T>(untag(raw)) {
            Ok(t) => Ok(Tagless(t)),
            // `scale: minmax` names a variant whose fields all have defaults.
            Err(first) => {
                match word.and_then(|w| from_value::<T>(tagged(w, Value::Mapping(Default::default()))).ok()) {
                    Some(t) => Ok(Tagless(t)),
                    None => Err(de::Error::custom(prefix_path(&first))),
                }
            }
        }
    }
}

fn prefix_path(e: &ValueError) -> String {
    if e.path.0.is_empty() || e.message.contains('\u{1}') {
        e.message.clone()
    } else {
        format!("{}: {}", e.path, e.message)
    }
}

/// The schema of `T` (an externally tagged enum: words and one-key mappings), plus the word
/// alone for every variant whose fields all have defaults (`scale: minmax`).
impl<T: schemars::JsonSchema> schemars::JsonSchema for Tagless<T> {
    fn schema_name() -> Cow<'static, str> {
        T::schema_name()
    }

    fn schema_id() -> Cow<'static, str> {
        format!("Tagless<{}>", T::schema_id()).into()
    }

    fn json_schema(g: &mut SchemaGenerator) -> Schema {
        let mut schema = T::json_schema(g);
        let words = defaultable_variants(&schema);
        if !words.is_empty()
            && let Some(Json::Array(items)) = schema.get_mut("oneOf")
        {
            let words: Vec<Json> = words.into_iter().map(Json::String).collect();
            items.push(serde_json::json!({ "type": "string", "enum": words, "description": "A variant whose fields all take their defaults." }));
        }
        schema
    }
}

/// Variants written `{word: {fields}}` where no field is required.
fn defaultable_variants(schema: &Schema) -> Vec<String> {
    let Some(Json::Array(items)) = schema.get("oneOf") else { return Vec::new() };
    items
        .iter()
        .filter_map(|item| {
            let props = item.get("properties")?.as_object()?;
            let (word, inner) = props.iter().next().filter(|_| props.len() == 1)?;
            let fields_optional = inner.get("properties").is_some() && inner.get("required").is_none();
            fields_optional.then(|| word.clone())
        })
        .collect()
}

/// `{word: value}` becomes the tagged value `!word value` that serde_yaml reads as an enum.
fn untag(v: Value) -> Value {
    match v {
        Value::Mapping(m) if m.len() == 1 => {
            let mut it = m.into_iter();
            match it.next() {
                Some((Value::String(tag), value)) => tagged(tag, value),
                Some((k, value)) => {
                    let mut m = serde_yaml::Mapping::new();
                    m.insert(k, value);
                    Value::Mapping(m)
                }
                None => Value::Mapping(serde_yaml::Mapping::new()),
            }
        }
        v => v,
    }
}

fn tagged(tag: String, value: Value) -> Value {
    Value::Tagged(Box::new(serde_yaml::value::TaggedValue { tag: serde_yaml::value::Tag::new(tag), value }))
}

/// An item of a list that is deserialized on its own, so one bad item does not hide the
/// problems of the others. The error keeps the path below the item.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Parsed<T> {
    Ok(T),
    Err(ValueError),
}

impl<T> Parsed<T> {
    pub(crate) fn ok(&self) -> Option<&T> {
        match self {
            Parsed::Ok(t) => Some(t),
            Parsed::Err(_) => None,
        }
    }
}

impl<T: schemars::JsonSchema> schemars::JsonSchema for Parsed<T> {
    fn schema_name() -> Cow<'static, str> {
        T::schema_name()
    }

    fn schema_id() -> Cow<'static, str> {
        T::schema_id()
    }

    fn inline_schema() -> bool {
        T::inline_schema()
    }

    fn json_schema(g: &mut SchemaGenerator) -> Schema {
        T::json_schema(g)
    }
}

impl<'de, T: DeserializeOwned> Deserialize<'de> for Parsed<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Parsed<T>, D::Error> {
        let v = Value::deserialize(d)?;
        Ok(match from_value::<T>(v) {
            Ok(t) => Parsed::Ok(t),
            Err(e) => Parsed::Err(e),
        })
    }
}
