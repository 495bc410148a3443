//! Checking attribute declarations and values against their declared types (check stage).

use std::sync::Arc;

use serde_yaml::Value;

use crate::diag::{Code, Diagnostic, Problem, did_you_mean};
use crate::load::dataset::SourcedValue;
use crate::load::values::{describe, number_from_value};
use crate::load::yaml::{YamlDoc, YamlPath, from_value};
pub(crate) use crate::model::is_grade;
use crate::model::{AttrDecl, AttrType, Date, Provenance};

pub(crate) use crate::model::series::Cell;

/// Splits `{value: ..., source: ...}` into the bare value and its provenance.
pub(crate) fn split_sourced(
    doc: &YamlDoc,
    path: &YamlPath,
    raw: &Value,
    diags: &mut Vec<Diagnostic>,
) -> Option<(Value, Provenance, YamlPath)> {
    let is_sourced = raw.as_mapping().is_some_and(|m| m.contains_key("value"));
    if !is_sourced {
        if raw.is_mapping() {
            diags.push(
                Diagnostic::error(Code::MissingKey, "an attribute given as a mapping needs `value:` (or `series:`)")
                    .at_opt(doc.span(path))
                    .hint("write `{value: 12.5, source: ..., period: 2025-06-30, published: 2025-08-20, grade: B}`"),
            );
            return None;
        }
        return Some((raw.clone(), Provenance::default(), path.clone()));
    }
    let sv: SourcedValue = match from_value(raw.clone()) {
        Ok(sv) => sv,
        Err(e) => {
            diags.push(doc.error_diagnostic(path, &e));
            return None;
        }
    };
    let (value, prov) = sourced_provenance(doc, path, sv, diags)?;
    Some((value, prov, path.at("value")))
}

/// The value and checked provenance of a sourced value (or a `tables:` declaration) at `path`:
/// dates (E106, E610) and grade (E107); `None` when one is bad (reported).
pub(crate) fn sourced_provenance(
    doc: &YamlDoc,
    path: &YamlPath,
    sv: SourcedValue,
    diags: &mut Vec<Diagnostic>,
) -> Option<(Value, Provenance)> {
    if sv.period.is_some() && sv.as_of.is_some() {
        diags.push(
            Diagnostic::error(Code::ConflictingDates, "`as_of` and `period` both given")
                .at_opt(doc.span(&path.at("as_of")))
                .hint("`as_of` is the old name of `period`: keep one"),
        );
        return None;
    }
    let (period_key, period_text) = match (&sv.period, &sv.as_of) {
        (Some(t), _) => ("period", Some(t)),
        (None, t) => ("as_of", t.as_ref()),
    };
    let period = parse_date(doc, &path.at(period_key), period_text, diags)?;
    let published = parse_date(doc, &path.at("published"), sv.published.as_ref(), diags)?;
    if let Some(g) = &sv.grade
        && !is_grade(&g.0)
    {
        diags.push(
            Diagnostic::error(Code::BadGrade, format!("grade `{}` is not A, B or C", g.0))
                .at_opt(doc.span(&path.at("grade")))
                .hint(crate::model::GRADE_HINT),
        );
        return None;
    }
    let prov = Provenance {
        source: sv.source,
        period,
        published,
        cite: sv.cite.map(|c| c.0).unwrap_or_default(),
        grade: sv.grade.map(|g| g.0),
        judgment: sv.judgment,
        note: sv.note,
    };
    Some((sv.value, prov))
}

/// An optional date; `None` when it is malformed (reported).
fn parse_date(
    doc: &YamlDoc,
    path: &YamlPath,
    text: Option<&crate::load::values::Text>,
    diags: &mut Vec<Diagnostic>,
) -> Option<Option<Date>> {
    let Some(t) = text else { return Some(None) };
    match Date::parse(&t.0) {
        Some(d) => Some(Some(d)),
        None => {
            diags.push(bad_date(doc, path, &t.0));
            None
        }
    }
}

pub(crate) fn bad_date(doc: &YamlDoc, path: &YamlPath, text: &str) -> Diagnostic {
    Diagnostic::error(Code::BadDate, format!("`{text}` is not a date"))
        .at_opt(doc.span(path))
        .hint("write YYYY-MM-DD, YYYY-MM or YYYY")
}

/// Converts a bare value to the declared type.
pub(crate) fn convert(value: &Value, decl: &AttrDecl) -> Result<Cell, Problem> {
    let (ty, name) = (decl.ty, decl.name.as_str());
    if value.is_null() {
        return Ok(Cell::Missing);
    }
    let mismatch = |hint: &str| {
        Err(Problem::new(
            Code::AttributeType,
            format!("attribute `{name}` is declared {}, but this is {}", ty.as_str(), describe(value)),
        )
        .hint(hint))
    };
    match ty {
        AttrType::Number => number_from_value(value).map(Cell::Number).map_err(|p| match p.code {
            Code::WrongType => Problem { code: Code::AttributeType, hint: number_hint(value, decl), ..p },
            _ => p,
        }),
        AttrType::Bool => match value {
            Value::Bool(b) => Ok(Cell::Bool(*b)),
            _ => mismatch("write true or false"),
        },
        AttrType::Text => match value {
            Value::String(s) => Ok(Cell::Text(Arc::from(s.as_str()))),
            _ => mismatch("quote the value to make it text"),
        },
        AttrType::Date => {
            let text = match value {
                Value::String(s) => s.clone(),
                Value::Number(n) => n.to_string(),
                _ => return mismatch("write YYYY-MM-DD, YYYY-MM or YYYY"),
            };
            Date::parse(&text).map(Cell::Date).ok_or_else(|| {
                Problem::new(Code::BadDate, format!("`{text}` is not a date")).hint("write YYYY-MM-DD, YYYY-MM or YYYY")
            })
        }
        AttrType::List => match value {
            Value::Sequence(items) => {
                let mut out = Vec::with_capacity(items.len());
                for item in items {
                    match item {
                        Value::String(s) => out.push(Arc::from(s.as_str())),
                        Value::Number(n) => out.push(Arc::from(n.to_string().as_str())),
                        Value::Bool(b) => out.push(Arc::from(b.to_string().as_str())),
                        _ => return mismatch("a list holds words or numbers"),
                    }
                }
                Ok(Cell::List(out.into()))
            }
            _ => mismatch("write a list: [a, b]"),
        },
    }
}

/// For text where a number goes: the bare number to write, and the declared unit.
fn number_hint(value: &Value, decl: &AttrDecl) -> Option<String> {
    let Value::String(text) = value else { return None };
    let text = text.trim();
    let numeric: String =
        text.chars().take_while(|c| c.is_ascii_digit() || matches!(c, '.' | '-' | '+' | '_')).collect();
    let (digits, rest) = (numeric.replace('_', ""), text[numeric.len()..].trim());
    let write = if digits.parse::<f64>().is_ok() { format!("write {digits}") } else { "write a bare number".into() };
    Some(match &decl.unit {
        Some(unit) if !rest.is_empty() => {
            format!("{write}: the unit ({unit}) is declared with `{}`, not written in values", decl.name)
        }
        _ if numeric.contains('_') => format!("{write}, without `_`"),
        _ => format!("{write}, without quotes"),
    })
}

/// An attribute the entity's kind does not declare: the nearest declared name, and where a
/// new one is declared.
pub(crate) fn undeclared(name: &str, kind: crate::model::Kind, declared: &crate::model::KindSchema) -> Diagnostic {
    let d = Diagnostic::error(Code::UndeclaredAttribute, format!("attribute `{name}` is not declared for {kind}"));
    let d = match did_you_mean(name, declared.names()) {
        Some(s) => d.hint(format!("did you mean `{s}`?")),
        None => d,
    };
    let home =
        declared.home.as_deref().map_or_else(|| "a dataset file".to_string(), |h| format!("a dataset file (e.g. {h})"));
    d.hint(format!("declare it under `attributes: {kind}:` in {home}: `{name}: {{ type: number }}`"))
}
